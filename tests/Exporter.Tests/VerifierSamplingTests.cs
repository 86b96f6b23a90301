using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Exporter.Tests;

public sealed class VerifierSamplingTests
{
    [Fact]
    public void Random_observations_cover_finite_bounds_and_fall_back_to_mean_plus_minus_5_std_elsewhere()
    {
        // Dimension 0: finite bounds [-1, 3]. Dimension 1: infinite. Dimension 2: CartPole-style ±float.MaxValue.
        PolicyCheckpoint ckpt = TestCheckpoints.Continuous(obsDim: 3, hidden: [4]) with
        {
            ObservationSpace = SpaceSpec.Box([-1f, float.NegativeInfinity, -float.MaxValue], [3f, float.PositiveInfinity, float.MaxValue]),
            ObsNorm = new ObservationNormState([0.5, 10.0, -2.0], [4.0, 0.25, 9.0], 100, 10f, 0f),
        };
        var net = PolicyNetwork.From(ckpt);
        float[] obs = ModelVerifier.RandomObservations(net, new VerificationOptions { RandomObservations = 20_000, Seed = 4 });
        (float Lo, float Hi)[] expected = [(-1f, 3f), (10f - 2.5f, 10f + 2.5f), (-2f - 15f, -2f + 15f)];
        for (int j = 0; j < 3; j++)
        {
            float[] column = obs.Where((_, i) => i % 3 == j).ToArray();
            Assert.All(column, v => Assert.InRange(v, expected[j].Lo, expected[j].Hi));
            // Uniform: the sample reaches within 1% of each end of its range.
            float width = expected[j].Hi - expected[j].Lo;
            Assert.True(column.Min() < expected[j].Lo + 0.01f * width && column.Max() > expected[j].Hi - 0.01f * width, $"dimension {j}");
        }
        // Seeded: the same options give the same observations.
        Assert.Equal(obs, ModelVerifier.RandomObservations(net, new VerificationOptions { RandomObservations = 20_000, Seed = 4 }));
    }

    [Fact]
    public void Verifying_by_checkpoint_path_checks_the_models_recorded_hash_against_that_file()
    {
        using var dir = new TempDir();
        string a = dir.File("a.safetensors"), b = dir.File("b.safetensors");
        PolicyCheckpoint ckpt = TestCheckpoints.Discrete(hidden: [8]);
        ckpt.Save(a);
        // Same network and policy version, different file (an extra note): only the provenance hash differs.
        (ckpt with { Extra = new Dictionary<string, string> { ["note"] = "copy" } }).Save(b);
        ExportSummary s = PolicyExporter.Export(a, dir.File("p.onnx"));
        var options = new VerificationOptions { RandomObservations = 100 };

        Assert.True(ModelVerifier.Verify(s.OnnxPath, a, options).Passed);
        VerificationReport other = ModelVerifier.Verify(s.OnnxPath, b, options);
        Assert.False(other.Passed);
        Assert.Contains(TrpoEdge.Core.Contracts.PolicyModelContract.Metadata.CheckpointSha256, Assert.Single(other.Failures));
    }

    [Fact]
    public void A_policy_over_a_discrete_observation_space_is_refused_with_the_reason()
    {
        PolicyCheckpoint ckpt = TestCheckpoints.Discrete(obsDim: 1, hidden: [4]) with { ObservationSpace = SpaceSpec.Discrete(16) };
        var e = Assert.Throws<InvalidDataException>(() => PolicyNetwork.From(ckpt));
        Assert.Contains("Discrete(16)", e.Message);
        Assert.Contains("box", e.Message);
    }

    [Fact]
    public void Verification_options_are_validated_with_the_offending_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new VerificationOptions { Tolerance = -1 }.Validate());
        Assert.Contains("-1", e.Message);
        Assert.Throws<ArgumentException>(() => new VerificationOptions { RandomObservations = 0, MaxRecordedObservations = 0 }.Validate());
    }
}
