namespace TrpoEdge.Sim.Random;

/// <summary>NumPy's <c>numpy.random.SeedSequence</c> (numpy/random/bit_generator.pyx) for an integer entropy
/// without spawn key: the entropy's 32-bit words are hashed into a pool of four words, which
/// <see cref="GenerateState64"/> expands into seeding material. Reproduced bit for bit so that a seed means
/// what it means to NumPy and Gymnasium.</summary>
public static class SeedSequence
{
    private const int PoolSize = 4;
    private const uint InitA = 0x43b0d7e5, MultA = 0x931e8875, InitB = 0x8b51f9dd, MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
    private const int XShift = 16;

    /// <summary>The entropy pool of <c>SeedSequence(seed)</c>.</summary>
    public static uint[] Pool(ulong seed)
    {
        // _int_to_uint32_array: little-endian 32-bit words, and [0] for 0.
        ReadOnlySpan<uint> entropy = seed <= uint.MaxValue ? [(uint)seed] : [(uint)seed, (uint)(seed >> 32)];
        var pool = new uint[PoolSize];
        uint hashConst = InitA;
        for (int i = 0; i < PoolSize; i++)
            pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0u, ref hashConst);
        for (int src = 0; src < PoolSize; src++)
        {
            for (int dst = 0; dst < PoolSize; dst++)
            {
                if (src != dst) pool[dst] = Mix(pool[dst], HashMix(pool[src], ref hashConst));
            }
        }
        // At most two entropy words, never more than the pool: NumPy's "remaining entropy" loop has nothing to do.
        return pool;
    }

    /// <summary><c>SeedSequence(seed).generate_state(count, np.uint64)</c> into <paramref name="destination"/>.</summary>
    public static void GenerateState64(ulong seed, Span<ulong> destination)
    {
        uint[] pool = Pool(seed);
        uint hashConst = InitB;
        for (int i = 0; i < destination.Length; i++)
        {
            // Two 32-bit words per 64-bit word, the first one low (NumPy views '<u4' pairs as '<u8').
            uint lo = NextWord(pool, 2 * i, ref hashConst);
            uint hi = NextWord(pool, 2 * i + 1, ref hashConst);
            destination[i] = lo | (ulong)hi << 32;
        }
    }

    private static uint NextWord(uint[] pool, int index, ref uint hashConst)
    {
        uint value = pool[index % PoolSize];
        value ^= hashConst;
        hashConst *= MultB;
        value *= hashConst;
        value ^= value >> XShift;
        return value;
    }

    private static uint HashMix(uint value, ref uint hashConst)
    {
        value ^= hashConst;
        hashConst *= MultA;
        value *= hashConst;
        value ^= value >> XShift;
        return value;
    }

    private static uint Mix(uint x, uint y)
    {
        uint result = MixMultL * x - MixMultR * y;
        result ^= result >> XShift;
        return result;
    }
}
