using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Sim.Random;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>The simulator's <see cref="Pcg64"/> (NumPy's PCG64, XSL-RR output, Box–Muller normals with a cached second
/// deviate) on the device, the 128-bit arithmetic done in 64-bit halves. Each stream's <see cref="Pcg64.StateLength"/>
/// words live at [6i, 6i + 6) of a buffer, in <see cref="Pcg64.State"/>'s layout, so the host seeds streams with
/// NumPy's SeedSequence (<see cref="Seed"/>) and the device continues them number for number.</summary>
internal struct DeviceRandom
{
    public const int Words = Pcg64.StateLength;
    private const ulong MulHi = 2549297995355413924UL, MulLo = 4865540595714422341UL;
    private ulong _hi, _lo, _incHi, _incLo;
    private bool _hasSpare;
    private double _spare;

    public static DeviceRandom Load(ArrayView<ulong> states, int stream)
    {
        long b = (long)Words * stream;
        return new DeviceRandom
        {
            _hi = states[b], _lo = states[b + 1], _incHi = states[b + 2], _incLo = states[b + 3],
            _hasSpare = states[b + 4] != 0, _spare = Interop.IntAsFloat(states[b + 5]),
        };
    }

    public readonly void Store(ArrayView<ulong> states, int stream)
    {
        long b = (long)Words * stream;
        states[b] = _hi; states[b + 1] = _lo; states[b + 2] = _incHi; states[b + 3] = _incLo;
        states[b + 4] = _hasSpare ? 1UL : 0UL;
        states[b + 5] = _hasSpare ? Interop.FloatAsInt(_spare) : 0UL;
    }

    /// <summary>Host side: the states of streams first, first + 1, … (each <c>new Pcg64(seed)</c> with seed = (first + i)
    /// ^ <paramref name="xor"/>) written into <paramref name="states"/>.</summary>
    public static void Seed(MemoryBuffer1D<ulong, Stride1D.Dense> states, int count, ulong first, ulong xor = 0)
    {
        var host = new ulong[(long)Words * count];
        var g = new Pcg64(0);
        for (int i = 0; i < count; i++)
        {
            g.Seed((first + (ulong)i) ^ xor);
            g.State.CopyTo(host, (long)Words * i);
        }
        states.View.SubView(0, host.Length).CopyFromCPU(host);
    }

    public ulong NextUInt64()
    {
        // state = state · M + inc (mod 2¹²⁸).
        ulong lo = _lo * MulLo;
        ulong hi = MultiplyHigh(_lo, MulLo) + _lo * MulHi + _hi * MulLo;
        ulong newLo = lo + _incLo;
        hi += _incHi + (newLo < lo ? 1UL : 0UL);
        _lo = newLo;
        _hi = hi;
        int rot = (int)(hi >> 58);
        ulong x = hi ^ newLo;
        return rot == 0 ? x : (x >> rot) | (x << (64 - rot));
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    public double Uniform(double low, double high)
    {
        double range = high - low;
        return low + range * NextDouble();
    }

    /// <summary>Box–Muller: the cosine deviate now, the sine deviate cached for the next call (as <see cref="Pcg64"/>).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        _spare = r * Math.Sin(angle);
        _hasSpare = true;
        return r * Math.Cos(angle);
    }

    /// <summary>Uniform integer in [low, high] by Lemire's multiply-shift, as <see cref="Pcg64.NextInclusive"/>.</summary>
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
