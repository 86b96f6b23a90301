using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Exporter.Tests;

/// <summary>Seeded random checkpoints of any shape, built as PolicyCheckpoint objects the way the trainer
/// would, so exporter tests do not depend on a training run.</summary>
internal static class TestCheckpoints
{
    public static PolicyCheckpoint Continuous(int obsDim = 3, int[]? hidden = null, int actDim = 1, string activation = "tanh",
        ulong seed = 1, float[]? low = null, float[]? high = null, int recorded = 64)
    {
        low ??= Enumerable.Repeat(-2f, actDim).ToArray();
        high ??= Enumerable.Repeat(2f, actDim).ToArray();
        return Make(obsDim, hidden ?? [64, 64], SpaceSpec.Box(low, high), activation, seed, recorded);
    }

    public static PolicyCheckpoint Discrete(int obsDim = 4, int[]? hidden = null, int actions = 2, string activation = "tanh",
        ulong seed = 2, int recorded = 64) =>
        Make(obsDim, hidden ?? [64, 64], SpaceSpec.Discrete(actions), activation, seed, recorded);

    public static PolicyCheckpoint Make(int obsDim, int[] hidden, SpaceSpec actionSpace, string activation, ulong seed, int recorded)
    {
        var rng = new Pcg64(seed);
        int head = actionSpace.Size;
        var obsLow = new float[obsDim];
        var obsHigh = new float[obsDim];
        for (int j = 0; j < obsDim; j++)
        {
            // Mix finite and infinite observation bounds, as Gymnasium spaces do.
            obsLow[j] = j % 2 == 0 ? -(1f + j) : float.NegativeInfinity;
            obsHigh[j] = j % 2 == 0 ? 1f + j : float.PositiveInfinity;
        }
        var mean = new double[obsDim];
        var variance = new double[obsDim];
        for (int j = 0; j < obsDim; j++)
        {
            mean[j] = 0.5 * (rng.NextDouble() - 0.5);
            variance[j] = 0.05 + 3 * rng.NextDouble();
        }
        var recordedObs = new float[recorded * obsDim];
        for (int i = 0; i < recordedObs.Length; i++)
            recordedObs[i] = (float)(mean[i % obsDim] + Math.Sqrt(variance[i % obsDim]) * rng.NextGaussian());

        var valueLayers = Layers(rng, obsDim, hidden, 1);
        int valueParams = valueLayers.Sum(l => l.Weight.Length + l.Bias.Length);
        return new PolicyCheckpoint
        {
            FormatVersion = 1,
            EnvId = actionSpace.Kind == SpaceKind.Discrete ? "CartPole-v1" : "Pendulum-v1",
            ObservationSpace = SpaceSpec.Box(obsLow, obsHigh),
            ActionSpace = actionSpace,
            ControlPeriod = 0.05,
            Hidden = hidden,
            Activation = activation,
            PolicyLayers = Layers(rng, obsDim, hidden, head),
            ValueLayers = valueLayers,
            LogStd = actionSpace.Kind == SpaceKind.Box ? Enumerable.Range(0, head).Select(i => -0.5f + 0.1f * i).ToArray() : null,
            ObsNorm = new ObservationNormState(mean, variance, 1234.0, 10f, 1e-8f),
            ValueOptimizer = new AdamState(7, new float[valueParams], new float[valueParams]),
            PolicyVersion = 42,
            TotalSteps = 100_000,
            ParentSha256 = null,
            Hyperparameters = "{}",
            RecordedObservations = recorded > 0 ? recordedObs : null,
            Extra = new Dictionary<string, string>(),
        };
    }

    /// <summary>Weights roughly like an orthogonal init (scale 1/sqrt(in)) but with larger biases, so the
    /// tanh units are not all linear and the ReLU units are not all on.</summary>
    public static DenseLayer[] Layers(Pcg64 rng, int inputs, int[] hidden, int outputs)
    {
        int[] sizes = [inputs, .. hidden, outputs];
        var layers = new DenseLayer[sizes.Length - 1];
        for (int i = 0; i < layers.Length; i++)
        {
            int fanIn = sizes[i], fanOut = sizes[i + 1];
            var w = new float[fanIn * fanOut];
            var b = new float[fanOut];
            double scale = 1.5 / Math.Sqrt(fanIn);
            for (int k = 0; k < w.Length; k++) w[k] = (float)(scale * rng.NextGaussian());
            for (int k = 0; k < b.Length; k++) b[k] = (float)(0.3 * rng.NextGaussian());
            layers[i] = new DenseLayer(fanIn, fanOut, w, b);
        }
        return layers;
    }
}
