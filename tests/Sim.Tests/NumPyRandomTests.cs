using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Tests.Golden;

namespace TrpoEdge.Sim.Tests;

/// <summary>SeedSequence, PCG64 and Generator.random/uniform against values printed by real NumPy
/// (Golden/numpy_random.txt, from gen_golden.py under NumPy <see cref="GoldenFile.NumPyVersion"/>), for 77
/// seeds from 0 to 2⁶⁴ − 1 (one- and two-word entropy).</summary>
public sealed class NumPyRandomTests
{
    private static List<string[]> Rows() => GoldenFile.Records("numpy_random.txt");

    [Fact]
    public void SeedSequence_pool_and_generate_state_match_numpy_for_every_seed()
    {
        List<string[]> rows = Rows();
        Assert.True(rows.Count >= 70);
        foreach (string[] r in rows)
        {
            ulong seed = GoldenFile.Seed(r[0]);
            Assert.Equal(GoldenFile.Words(r[1]).Select(GoldenFile.U32).ToArray(), SeedSequence.Pool(seed));
            var state = new ulong[4];
            SeedSequence.GenerateState64(seed, state);
            Assert.Equal(GoldenFile.Words(r[2]).Select(GoldenFile.U64).ToArray(), state);
        }
    }

    [Fact]
    public void Pcg64_seeded_state_and_raw_64_bit_stream_match_numpy_for_every_seed()
    {
        foreach (string[] r in Rows())
        {
            var rng = new Pcg64(GoldenFile.Seed(r[0]));
            Assert.Equal(GoldenFile.Words(r[3]).Select(GoldenFile.U64).ToArray(), rng.State.Take(4).ToArray());
            ulong[] expected = GoldenFile.Words(r[4]).Select(GoldenFile.U64).ToArray();
            Assert.Equal(16, expected.Length);
            foreach (ulong e in expected) Assert.Equal(e, rng.NextUInt64());
        }
    }

    [Fact]
    public void Random_and_uniform_match_numpy_Generator_bit_for_bit()
    {
        foreach (string[] r in Rows())
        {
            var rng = new Pcg64(GoldenFile.Seed(r[0]));
            foreach (double e in GoldenFile.Doubles(r[5])) GoldenFile.Same(e, rng.NextDouble(), $"seed {r[0]} random()");
            foreach (double e in GoldenFile.Doubles(r[6])) GoldenFile.Same(e, rng.Uniform(-3.5, 2.25), $"seed {r[0]} uniform(-3.5, 2.25)");
        }
    }

    [Fact]
    public void A_saved_state_resumes_the_exact_stream_including_a_cached_normal_deviate()
    {
        var rng = new Pcg64(99);
        rng.NextGaussian(); // leaves the pair's second deviate cached
        ulong[] saved = rng.State;
        Assert.Equal(Pcg64.StateLength, saved.Length);
        Assert.Equal(1UL, saved[4]);
        double[] expected = [rng.NextGaussian(), rng.NextGaussian(), rng.NextDouble()];
        var other = new Pcg64(1) { State = saved };
        Assert.Equal(expected, new[] { other.NextGaussian(), other.NextGaussian(), other.NextDouble() });
    }

    [Fact]
    public void Reseeding_restarts_the_stream_and_different_seeds_differ()
    {
        var a = new Pcg64(7);
        ulong first = a.NextUInt64();
        a.NextGaussian();
        a.Seed(7);
        Assert.Equal(first, a.NextUInt64());
        Assert.NotEqual(first, new Pcg64(8).NextUInt64());
    }

    [Fact]
    public void Gaussian_deviates_have_mean_0_and_variance_1()
    {
        var rng = new Pcg64(2024);
        const int n = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double g = rng.NextGaussian();
            sum += g;
            sumSq += g * g;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.InRange(mean, -0.01, 0.01);      // standard error 0.0022
        Assert.InRange(variance, 0.985, 1.015); // standard error 0.0032
    }

    [Fact]
    public void Invalid_states_are_refused_with_the_reason()
    {
        var rng = new Pcg64(1);
        Assert.Contains("4 words", Assert.Throws<ArgumentException>(() => rng.State = [1, 2, 3]).Message);
        Assert.Contains("odd", Assert.Throws<ArgumentException>(() => rng.State = [1, 2, 3, 4]).Message);
        Assert.Contains("flag", Assert.Throws<ArgumentException>(() => rng.State = [1, 2, 3, 5, 2, 0]).Message);
    }
}
