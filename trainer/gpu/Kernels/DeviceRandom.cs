using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>xoshiro256** seeded through SplitMix64, as the simulator's <c>SimRandom</c>, on the device: each stream's
/// four words live at [4i, 4i + 4) of a buffer, are loaded into this struct by a kernel thread and stored back. The same
/// seed gives the same numbers as the simulator's generator, so device environments reset to the same states.</summary>
internal struct DeviceRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public static DeviceRandom Load(ArrayView<ulong> states, int stream)
    {
        long b = 4L * stream;
        return new DeviceRandom { _s0 = states[b], _s1 = states[b + 1], _s2 = states[b + 2], _s3 = states[b + 3] };
    }

    public readonly void Store(ArrayView<ulong> states, int stream)
    {
        long b = 4L * stream;
        states[b] = _s0; states[b + 1] = _s1; states[b + 2] = _s2; states[b + 3] = _s3;
    }

    public static DeviceRandom FromSeed(ulong seed)
    {
        ulong x = seed;
        var r = new DeviceRandom();
        r._s0 = SplitMix64(ref x);
        r._s1 = SplitMix64(ref x);
        r._s2 = SplitMix64(ref x);
        r._s3 = SplitMix64(ref x);
        return r;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

    public ulong NextUInt64()
    {
        ulong result = Rotl(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = Rotl(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal by Box–Muller, one of the pair (as the simulator's generator).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [low, high] by Lemire's multiply-shift, the high word of a 64×64 product formed from
    /// 32-bit halves (the device has no 128-bit integers); equal to the simulator's <c>NextInclusive</c>.</summary>
    public long NextInclusive(long low, long high)
    {
        ulong span = (ulong)(high - low) + 1;
        ulong r = NextUInt64();
        if (span == 0) return (long)r;
        return low + (long)MultiplyHigh(r, span);
    }

    private static ulong MultiplyHigh(ulong a, ulong b)
    {
        ulong aLo = a & 0xFFFFFFFFUL, aHi = a >> 32, bLo = b & 0xFFFFFFFFUL, bHi = b >> 32;
        ulong lolo = aLo * bLo, hilo = aHi * bLo, lohi = aLo * bHi, hihi = aHi * bHi;
        ulong cross = (lolo >> 32) + (hilo & 0xFFFFFFFFUL) + lohi;
        return hihi + (hilo >> 32) + (cross >> 32);
    }
}
