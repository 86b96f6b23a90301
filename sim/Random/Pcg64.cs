namespace TrpoEdge.Sim.Random;

/// <summary>The random stream Gymnasium's <c>reset(seed=s)</c> draws from:
/// <c>numpy.random.Generator(PCG64(SeedSequence(s)))</c>, reproduced bit for bit. PCG64 is a 128-bit linear
/// congruential generator with the XSL-RR output function (O'Neill 2014, as in numpy/random/src/pcg64);
/// <see cref="NextDouble"/> and <see cref="Uniform"/> are NumPy's <c>Generator.random()</c> and
/// <c>Generator.uniform(low, high)</c>. The whole state is <see cref="StateLength"/> words so that a saved
/// state resumes the exact stream.</summary>
public sealed class Pcg64
{
    /// <summary>Length of <see cref="State"/>: the LCG state (high, low), its increment (high, low), a flag
    /// saying whether a second Box–Muller deviate is cached, and that deviate's IEEE-754 bits.</summary>
    public const int StateLength = 6;

    // PCG_DEFAULT_MULTIPLIER_128 = 2549297995355413924 · 2⁶⁴ + 4865540595714422341.
    private static readonly UInt128 Multiplier = new(2549297995355413924UL, 4865540595714422341UL);

    private UInt128 _state, _inc;
    private bool _hasSpare;
    private double _spare;

    /// <summary>The stream of <c>numpy.random.default_rng(seed)</c> (and of a Gymnasium env reset with
    /// <paramref name="seed"/>).</summary>
    public Pcg64(ulong seed) => Seed(seed);

    /// <summary>Restarts the stream as <c>PCG64(SeedSequence(seed))</c>: four 64-bit words of
    /// <c>generate_state</c> give the initial state (words 0, 1) and the stream selector (words 2, 3).</summary>
    public void Seed(ulong seed)
    {
        Span<ulong> words = stackalloc ulong[4];
        SeedSequence.GenerateState64(seed, words);
        // pcg_setseq_128_srandom_r: inc = (initseq << 1) | 1; step; state += initstate; step.
        _inc = (new UInt128(words[2], words[3]) << 1) | UInt128.One;
        _state = UInt128.Zero;
        Step();
        _state += new UInt128(words[0], words[1]);
        Step();
        _hasSpare = false;
        _spare = 0;
    }

    private void Step() => _state = unchecked(_state * Multiplier + _inc);

    /// <summary>The next 64 random bits: advance, then XSL-RR of the new state (NumPy's <c>random_raw</c>).</summary>
    public ulong NextUInt64()
    {
        Step();
        ulong hi = (ulong)(_state >> 64), lo = (ulong)_state;
        int rot = (int)(hi >> 58);
        return ulong.RotateRight(hi ^ lo, rot);
    }

    /// <summary>Uniform on [0, 1) with 53 random bits: NumPy's <c>next_double</c>, <c>(u64 &gt;&gt; 11) · 2⁻⁵³</c>.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>NumPy's <c>Generator.uniform(low, high)</c>: <c>low + (high − low) · next_double</c>, with
    /// <c>high − low</c> rounded first as NumPy computes it.</summary>
    public double Uniform(double low, double high)
    {
        double range = high - low;
        return low + range * NextDouble();
    }

    /// <summary>A standard normal deviate by the Box–Muller transform (not NumPy's ziggurat: nothing Gymnasium
    /// reproduces draws normals). Each pair of uniforms yields two deviates; the second is cached (and is part
    /// of <see cref="State"/>) for the next call.</summary>
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

    /// <summary>Fills <paramref name="destination"/> with standard normal deviates, in index order.</summary>
    public void FillGaussian(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextGaussian();
    }

    /// <summary>Uniform integer in [low, high] inclusive (Lemire's multiply-shift; its bias, at most
    /// span/2⁶⁴, is irrelevant for the small ranges drawn here).</summary>
    public long NextInclusive(long low, long high)
    {
        if (high < low) throw new ArgumentException($"Integer range [{low}, {high}] is empty; low must be <= high.");
        ulong span = (ulong)(high - low) + 1;
        if (span == 0) return (long)NextUInt64();
        return low + (long)(ulong)(((UInt128)NextUInt64() * span) >> 64);
    }

    /// <summary>A copy of the full state: <c>[state hi, state lo, inc hi, inc lo, hasSpare (0|1), spare bits]</c>.
    /// The setter accepts that form, or the first four words alone (no cached deviate).</summary>
    public ulong[] State
    {
        get => [(ulong)(_state >> 64), (ulong)_state, (ulong)(_inc >> 64), (ulong)_inc,
            _hasSpare ? 1UL : 0UL, _hasSpare ? (ulong)BitConverter.DoubleToInt64Bits(_spare) : 0UL];
        set => SetState(value);
    }

    /// <summary>Restores a state taken from <see cref="State"/> (or its first four words).</summary>
    public void SetState(IReadOnlyList<ulong> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Count != 4 && value.Count != StateLength)
            throw new ArgumentException(
                $"A PCG64 state has 4 words (generator only) or {StateLength} (generator + cached normal deviate); got {value.Count}. Take the state from Pcg64.State.",
                nameof(value));
        if ((value[3] & 1) == 0)
            throw new ArgumentException($"PCG64's increment must be odd; state word 3 is {value[3]:x16}. Take the state from Pcg64.State.", nameof(value));
        if (value.Count == StateLength && value[4] > 1)
            throw new ArgumentException($"State word 4 is the cached-deviate flag and must be 0 or 1; got {value[4]}.", nameof(value));
        _state = new UInt128(value[0], value[1]);
        _inc = new UInt128(value[2], value[3]);
        _hasSpare = value.Count == StateLength && value[4] == 1;
        _spare = _hasSpare ? BitConverter.Int64BitsToDouble((long)value[5]) : 0.0;
    }
}
