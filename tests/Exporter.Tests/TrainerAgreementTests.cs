using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Normalization;

namespace TrpoEdge.Exporter.Tests;

/// <summary>The acceptance criterion itself: the trainer's own code (its ObservationNormalizer and its Mlp with
/// orthogonal init, on its GEMM backend) and ONNX Runtime running the exported file agree to 1e-5; and the
/// exporter's reference forward pass, which <c>--verify</c> stands on, is the trainer's forward pass.</summary>
public sealed class TrainerAgreementTests
{
    [Theory]
    [InlineData(false, Activation.Tanh, 3, 1)]
    [InlineData(true, Activation.Tanh, 4, 2)]
    [InlineData(false, Activation.Relu, 5, 2)]
    [InlineData(true, Activation.Relu, 6, 3)]
    public void Onnx_runtime_and_the_trainers_mlp_agree_within_1e_5(bool discrete, Activation activation, int obsDim, int head)
    {
        const int rows = 2000;
        int[] hidden = [64, 64];
        var mlp = new Mlp(obsDim, hidden, head, activation);
        // √2 hidden and gain 1 at the head (not SB3's 0.01) so the outputs are of order one and a 1e-5 bound means something.
        mlp.InitOrthogonal(seed: 77, hiddenGain: MathF.Sqrt(2f), outputGain: 1f);
        var rng = new Pcg64(78);
        for (int i = 0; i < mlp.LayerCount; i++)
            foreach (ref float b in mlp.Bias(i)) b = (float)(0.2 * rng.NextGaussian());

        var normalizer = new ObservationNormalizer(obsDim);
        var seen = new float[500 * obsDim];
        for (int i = 0; i < seen.Length; i++) seen[i] = (float)(0.5 * (i % obsDim) + (1 + i % obsDim) * rng.NextGaussian());
        normalizer.Update(seen);

        PolicyCheckpoint ckpt = CheckpointFrom(mlp, normalizer, discrete, obsDim, head, hidden, activation);
        using var dir = new TempDir();
        ExportSummary s = PolicyExporter.Export(ckpt, new string('1', 64), dir.File("p.onnx"));

        float[] obs = new float[rows * obsDim];
        for (int i = 0; i < obs.Length; i++) obs[i] = (float)(0.5 * (i % obsDim) + 2.5 * (1 + i % obsDim) * rng.NextGaussian());
        // Two observations far outside the data on both sides, so the clip is exercised whatever the draw.
        obs[0] = 1000f;
        obs[^1] = -1000f;
        var z = new float[obs.Length];
        normalizer.Normalize(obs, z);
        var trainer = new float[rows * head];
        mlp.Forward(z, rows, trainer);

        using var runner = new OnnxPolicyRunner(s.OnnxPath, obsDim, head, discrete);
        var outputs = runner.Run(obs, rows, out _);
        float[] onnx = outputs[discrete ? PolicyModelContract.LogitsOutput : PolicyModelContract.ActionMeanOutput];
        double worst = 0;
        for (int i = 0; i < trainer.Length; i++) worst = Math.Max(worst, Math.Abs(onnx[i] - trainer[i]));
        Assert.True(worst <= 1e-5, $"worst |ONNX Runtime - trainer| = {worst:G3}");

        // The clip must have been exercised (the two planted observations at least).
        Assert.Contains(z, v => Math.Abs(v) == normalizer.Clip);

        // And the exporter's reference forward is the trainer's forward pass.
        var reference = new PolicyReferenceForward(ckpt);
        var refHead = new float[head];
        double refWorst = 0;
        for (int r = 0; r < rows; r++)
        {
            reference.Head(obs.AsSpan(r * obsDim, obsDim), refHead);
            for (int j = 0; j < head; j++) refWorst = Math.Max(refWorst, Math.Abs(refHead[j] - trainer[r * head + j]));
        }
        Assert.True(refWorst <= 1e-5, $"worst |reference - trainer| = {refWorst:G3}");
    }

    private static PolicyCheckpoint CheckpointFrom(Mlp mlp, ObservationNormalizer normalizer, bool discrete, int obsDim, int head,
        int[] hidden, Activation activation)
    {
        var layers = new DenseLayer[mlp.LayerCount];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = new DenseLayer(mlp.LayerInputs(i), mlp.LayerOutputs(i), mlp.Weight(i).ToArray(), mlp.Bias(i).ToArray());
        return new PolicyCheckpoint
        {
            EnvId = "Test-v0",
            ObservationSpace = SpaceSpec.Box(Enumerable.Repeat(float.NegativeInfinity, obsDim).ToArray(), Enumerable.Repeat(float.PositiveInfinity, obsDim).ToArray()),
            ActionSpace = discrete ? SpaceSpec.Discrete(head) : SpaceSpec.Box(Enumerable.Repeat(-1f, head).ToArray(), Enumerable.Repeat(1f, head).ToArray()),
            ControlPeriod = 0.05,
            Hidden = hidden,
            Activation = activation == Activation.Tanh ? "tanh" : "relu",
            PolicyLayers = layers,
            ValueLayers = TestCheckpoints.Layers(new Pcg64(1), obsDim, hidden, 1),
            LogStd = discrete ? null : Enumerable.Repeat(-0.5f, head).ToArray(),
            ObsNorm = normalizer.Export(),
            PolicyVersion = 3,
        };
    }
}
