namespace TrpoEdge.Sim.Random;

/// <summary>xoshiro256** seeded through SplitMix64. The sim has its own generator (it may not
/// reference core) so that every environment's stream is reproducible and can be saved and
/// restored as four words.</summary>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimRandom(ulong seed) => Seed(seed);

    /// <summary>Re-initialises the four state words from a SplitMix64 stream started at <paramref name="seed"/>.</summary>
    public void Seed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    internal static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high), computed as NumPy's <c>uniform</c> does: low + (high - low)·u.</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal by Box–Muller, using one of the pair so the state stays four words.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [low, high] inclusive.</summary>
    public long NextInclusive(long low, long high)
    {
        if (high < low) throw new ArgumentException($"Integer range [{low}, {high}] is empty; low must be <= high.");
        ulong span = (ulong)(high - low) + 1;
        if (span == 0) return (long)NextUInt64();
        // Lemire's multiply-shift is biased by at most span/2^64, irrelevant for the tiny ranges used here.
        return low + (long)(ulong)(((UInt128)NextUInt64() * span) >> 64);
    }

    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    public void SetState(IReadOnlyList<ulong> state)
    {
        if (state is null || state.Count != 4)
            throw new ArgumentException($"A SimRandom state has 4 words; got {state?.Count ?? 0}.");
        if ((state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException("A xoshiro256** state of all zeros is invalid (the generator would emit zeros forever).");
        _s0 = state[0]; _s1 = state[1]; _s2 = state[2]; _s3 = state[3];
    }
}
