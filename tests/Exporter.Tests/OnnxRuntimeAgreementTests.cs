using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Distributions;

namespace TrpoEdge.Exporter.Tests;

/// <summary>ONNX Runtime 1.23 (through the runtime's binding) running the exported file, against the
/// trainer's forward pass recomputed from the checkpoint.</summary>
public sealed class OnnxRuntimeAgreementTests
{
    public static TheoryData<string> Shapes => new(PolicyShapes.Names);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Onnx_runtime_matches_the_reference_forward_within_1e_5_on_10000_random_and_the_recorded_observations(string shape)
    {
        PolicyCheckpoint ckpt = PolicyShapes.Make(shape);
        using var dir = new TempDir();
        string path = dir.File("ckpt.safetensors");
        ckpt.Save(path);
        ExportSummary s = PolicyExporter.Export(path, dir.File("p.onnx"));

        VerificationReport r = ModelVerifier.Verify(s.OnnxPath, PolicyCheckpoint.Load(path), s.CheckpointSha256);

        Assert.True(r.Passed, r.ToString());
        Assert.Equal(10_000, r.RandomObservations);
        Assert.Equal(64, r.RecordedObservations);
        Assert.Equal(256, r.ClipProbeObservations);
        Assert.InRange(r.WorstAbsDifference, 0, 1e-5);
        Assert.Empty(r.Failures);
    }

    [Fact]
    public void At_most_1000_recorded_observations_are_replayed()
    {
        PolicyCheckpoint ckpt = TestCheckpoints.Continuous(hidden: [8], recorded: 2500);
        using var dir = new TempDir();
        ExportSummary s = PolicyExporter.Export(ckpt, "0".PadLeft(64, '0'), dir.File("p.onnx"));
        VerificationReport r = ModelVerifier.Verify(s.OnnxPath, ckpt, s.CheckpointSha256, new VerificationOptions { RandomObservations = 10 });
        Assert.True(r.Passed, r.ToString());
        Assert.Equal(1000, r.RecordedObservations);
        Assert.Equal(10, r.RandomObservations);
    }

    [Fact]
    public void A_model_whose_weights_differ_by_1e_3_fails_verification_naming_the_output_and_the_difference()
    {
        PolicyCheckpoint good = TestCheckpoints.Continuous(hidden: [16, 16], seed: 5);
        PolicyCheckpoint bad = WithBiasShift(good, layer: 2, delta: 1e-3f);
        using var dir = new TempDir();
        string sha = new string('a', 64);
        ExportSummary s = PolicyExporter.Export(bad, sha, dir.File("bad.onnx"));

        VerificationReport r = ModelVerifier.Verify(s.OnnxPath, good, sha, new VerificationOptions { RandomObservations = 500 });

        Assert.False(r.Passed);
        // The output bias moves action_mean by exactly the shift; the clipped action moves by at most as much.
        Assert.Equal(PolicyModelContract.ActionMeanOutput, r.WorstOutput);
        Assert.InRange(r.WorstAbsDifference, 0.9e-3, 1.1e-3);
        Assert.Contains("\"action_mean\"", r.Failures[0]);
        Assert.Equal(good.ObservationSpace.Size, r.WorstObservation.Length);
        Assert.Contains("verification FAILED", r.ToString());
    }

    [Fact]
    public void A_discrete_model_with_shifted_logits_fails_verification_on_the_logits()
    {
        PolicyCheckpoint good = TestCheckpoints.Discrete(hidden: [16], seed: 6, actions: 3);
        PolicyCheckpoint bad = WithBiasShift(good, layer: 1, delta: 5e-4f);
        using var dir = new TempDir();
        string sha = new string('b', 64);
        ExportSummary s = PolicyExporter.Export(bad, sha, dir.File("bad.onnx"));
        VerificationReport r = ModelVerifier.Verify(s.OnnxPath, good, sha, new VerificationOptions { RandomObservations = 500 });
        Assert.False(r.Passed);
        Assert.Equal(PolicyModelContract.LogitsOutput, r.WorstOutput);
        Assert.Contains("\"logits\"", r.Failures[0]);
    }

    [Fact]
    public void A_model_that_forgets_to_clip_the_normalised_observation_fails_verification()
    {
        PolicyCheckpoint ckpt = TestCheckpoints.Continuous(hidden: [16], seed: 8);
        string sha = new string('9', 64);
        TrpoEdge.Exporter.Onnx.Proto.ModelProto model = PolicyGraphBuilder.Build(ckpt, sha);
        var clip = model.Graph.Node.Single(n => n.OpType == "Clip" && n.Output[0] == "obs_normalized");
        clip.OpType = "Identity";
        while (clip.Input.Count > 1) clip.Input.RemoveAt(1);
        using var dir = new TempDir();
        string path = dir.File("noclip.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(model));

        VerificationReport r = ModelVerifier.Verify(path, ckpt, sha);

        Assert.False(r.Passed);
        Assert.StartsWith("clip probe #", r.WorstSource);
    }

    [Fact]
    public void A_model_carrying_another_checkpoints_hash_fails_the_contract_check()
    {
        PolicyCheckpoint ckpt = TestCheckpoints.Discrete(hidden: [4]);
        using var dir = new TempDir();
        ExportSummary s = PolicyExporter.Export(ckpt, new string('c', 64), dir.File("p.onnx"));
        VerificationReport r = ModelVerifier.Verify(s.OnnxPath, ckpt, new string('d', 64), new VerificationOptions { RandomObservations = 10 });
        Assert.False(r.Passed);
        Assert.Contains(r.Failures, f => f.Contains(PolicyModelContract.Metadata.CheckpointSha256) && f.Contains(new string('c', 64)));
    }

    [Fact]
    public void Continuous_actions_are_the_mean_clipped_exactly_to_each_dimensions_bounds_and_log_std_is_copied_exactly()
    {
        PolicyCheckpoint ckpt = TestCheckpoints.Continuous(obsDim: 4, hidden: [16], actDim: 2, seed: 9, low: [-0.3f, -1f], high: [0.2f, 4f]);
        var reference = new PolicyReferenceForward(ckpt);
        using var dir = new TempDir();
        ExportSummary s = PolicyExporter.Export(ckpt, new string('e', 64), dir.File("p.onnx"));
        float[] obs = ModelVerifier.RandomObservations(reference.Network, new VerificationOptions { RandomObservations = 2000, Seed = 3 });
        using var runner = new OnnxPolicyRunner(s.OnnxPath, 4, 2, discrete: false);
        var outputs = runner.Run(obs, 2000, out _);
        float[] mean = outputs[PolicyModelContract.ActionMeanOutput], action = outputs[PolicyModelContract.ActionOutput];
        float[] logStd = outputs[PolicyModelContract.ActionLogStdOutput];
        int clippedLow = 0, clippedHigh = 0;
        for (int i = 0; i < mean.Length; i++)
        {
            int j = i % 2;
            float lo = ckpt.ActionSpace.Low[j], hi = ckpt.ActionSpace.High[j];
            if (mean[i] < lo) { clippedLow++; Assert.Equal(lo, action[i]); }
            else if (mean[i] > hi) { clippedHigh++; Assert.Equal(hi, action[i]); }
            else Assert.Equal(mean[i], action[i]);
            Assert.Equal(BitConverter.SingleToInt32Bits(ckpt.LogStd![j]), BitConverter.SingleToInt32Bits(logStd[i]));
        }
        // The draw must actually exercise both sides of the clip, or this test proves nothing.
        Assert.True(clippedLow > 50 && clippedHigh > 50, $"clipped low {clippedLow}, high {clippedHigh}");
    }

    [Fact]
    public void Discrete_actions_are_the_argmax_of_the_logits_and_ties_go_to_the_first_action_like_Categorical_ArgMax()
    {
        PolicyCheckpoint ckpt = TestCheckpoints.Discrete(obsDim: 4, hidden: [8], actions: 4, seed: 21);
        // A last layer with zero weights and biases [0.5, 0.7, 0.7, 0.7] makes actions 1..3 tie exactly.
        var layers = ckpt.PolicyLayers.ToArray();
        DenseLayer last = layers[^1];
        layers[^1] = new DenseLayer(last.In, last.Out, new float[last.Weight.Length], [0.5f, 0.7f, 0.7f, 0.7f]);
        PolicyCheckpoint tied = ckpt with { PolicyLayers = layers };
        using var dir = new TempDir();
        ExportSummary s = PolicyExporter.Export(tied, new string('f', 64), dir.File("tied.onnx"));
        ExportSummary s2 = PolicyExporter.Export(ckpt, new string('f', 64), dir.File("plain.onnx"));
        var reference = new PolicyReferenceForward(ckpt);
        float[] obs = ModelVerifier.RandomObservations(reference.Network, new VerificationOptions { RandomObservations = 1000 });

        using (var runner = new OnnxPolicyRunner(s.OnnxPath, 4, 4, discrete: true))
        {
            runner.Run(obs, 1000, out long[]? actions);
            Assert.All(actions!, a => Assert.Equal(Categorical.ArgMax([0.5f, 0.7f, 0.7f, 0.7f]), (int)a));
            Assert.Equal(1, Categorical.ArgMax([0.5f, 0.7f, 0.7f, 0.7f]));
        }
        using (var runner = new OnnxPolicyRunner(s2.OnnxPath, 4, 4, discrete: true))
        {
            var outputs = runner.Run(obs, 1000, out long[]? actions);
            float[] logits = outputs[PolicyModelContract.LogitsOutput];
            var seen = new HashSet<long>();
            for (int r = 0; r < 1000; r++)
            {
                Assert.Equal(Categorical.ArgMax(logits.AsSpan(r * 4, 4)), (int)actions![r]);
                seen.Add(actions[r]);
            }
            Assert.True(seen.Count >= 2, "the random policy should pick more than one action over 1000 observations");
        }
    }

    private static PolicyCheckpoint WithBiasShift(PolicyCheckpoint ckpt, int layer, float delta)
    {
        var layers = ckpt.PolicyLayers.ToArray();
        DenseLayer l = layers[layer];
        float[] bias = l.Bias.Select(b => b + delta).ToArray();
        layers[layer] = new DenseLayer(l.In, l.Out, l.Weight, bias);
        return ckpt with { PolicyLayers = layers };
    }
}
