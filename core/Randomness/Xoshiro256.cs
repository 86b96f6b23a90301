using System.Numerics;

namespace TrpoEdge.Core.Randomness;

/// <summary>xoshiro256** 1.0 (Blackman &amp; Vigna, https://prng.di.unimi.it/xoshiro256starstar.c), seeded
/// through SplitMix64 as its authors recommend. One generator is shared by trainer and runtime so that a
/// seed means the same stream in both; <see cref="State"/> captures everything (including a cached normal
/// deviate) so a saved state resumes the exact stream.</summary>
public sealed class Xoshiro256
{
    /// <summary>Length of <see cref="State"/>: four generator words, a flag saying whether a second
    /// Box–Muller deviate is cached, and that deviate's IEEE-754 bits.</summary>
    public const int StateLength = 6;

    private ulong _s0, _s1, _s2, _s3;
    private bool _hasSpare;
    private double _spare;

    /// <summary>Seeds the four state words with consecutive SplitMix64 outputs of <paramref name="seed"/>;
    /// SplitMix64 never yields four zero words, so every seed (0 included) gives a valid state.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A copy of the full state: <c>[s0, s1, s2, s3, hasSpare (0|1), spare bits]</c>.
    /// The setter accepts that form, or just the four words <c>[s0..s3]</c> (no cached deviate), which is
    /// how the published reference vectors are stated.</summary>
    public ulong[] State
    {
        get => [_s0, _s1, _s2, _s3, _hasSpare ? 1UL : 0UL, _hasSpare ? (ulong)BitConverter.DoubleToInt64Bits(_spare) : 0UL];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 4 && value.Length != StateLength)
                throw new ArgumentException(
                    $"A Xoshiro256 state has 4 words (generator only) or {StateLength} (generator + cached normal deviate); got {value.Length}.",
                    nameof(value));
            if ((value[0] | value[1] | value[2] | value[3]) == 0)
                throw new ArgumentException("A xoshiro256** state of four zero words would output zeros forever; take the state from State or seed the constructor.", nameof(value));
            if (value.Length == StateLength && value[4] > 1)
                throw new ArgumentException($"State word 4 is the cached-deviate flag and must be 0 or 1; got {value[4]}.", nameof(value));
            _s0 = value[0];
            _s1 = value[1];
            _s2 = value[2];
            _s3 = value[3];
            _hasSpare = value.Length == StateLength && value[4] == 1;
            _spare = _hasSpare ? BitConverter.Int64BitsToDouble((long)value[5]) : 0.0;
        }
    }

    /// <summary>The next 64 random bits (xoshiro256** output function and state transition).</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits: the top 53 bits of <see cref="NextUInt64"/> times 2⁻⁵³
    /// (the conversion recommended by the algorithm's authors).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal deviate by the Box–Muller transform. Each pair of uniforms yields two
    /// independent deviates; the second is cached (and is part of <see cref="State"/>) for the next call.</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        // 1 - U lies in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
        _spare = r * sin;
        _hasSpare = true;
        return r * cos;
    }

    /// <summary>SplitMix64 (Steele, Lea &amp; Flood), https://prng.di.unimi.it/splitmix64.c.</summary>
    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
