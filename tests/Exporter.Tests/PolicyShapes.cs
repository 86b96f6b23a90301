using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Exporter.Tests;

/// <summary>The policy shapes every exporter property is checked on.</summary>
internal static class PolicyShapes
{
    public static readonly string[] Names =
    [
        "continuous-pendulum-64x64-tanh",
        "discrete-cartpole-64x64-tanh",
        "continuous-relu-obs5-32-act2-per-dim-bounds",
        "discrete-relu-obs6-16x8-3-actions",
        "continuous-obs1-8x8x8-tanh-act3",
        "continuous-linear-obs3-no-hidden-layer",
    ];

    public static PolicyCheckpoint Make(string name) => name switch
    {
        "continuous-pendulum-64x64-tanh" => TestCheckpoints.Continuous(obsDim: 3, hidden: [64, 64], actDim: 1, seed: 11),
        "discrete-cartpole-64x64-tanh" => TestCheckpoints.Discrete(obsDim: 4, hidden: [64, 64], actions: 2, seed: 12),
        "continuous-relu-obs5-32-act2-per-dim-bounds" => TestCheckpoints.Continuous(obsDim: 5, hidden: [32], actDim: 2,
            activation: "relu", seed: 13, low: [-1f, -0.25f], high: [1f, 3f]),
        "discrete-relu-obs6-16x8-3-actions" => TestCheckpoints.Discrete(obsDim: 6, hidden: [16, 8], actions: 3, activation: "relu", seed: 14),
        "continuous-obs1-8x8x8-tanh-act3" => TestCheckpoints.Continuous(obsDim: 1, hidden: [8, 8, 8], actDim: 3, seed: 15,
            low: [float.NegativeInfinity, -1f, -1f], high: [float.PositiveInfinity, 1f, 0.5f]),
        "continuous-linear-obs3-no-hidden-layer" => TestCheckpoints.Continuous(obsDim: 3, hidden: [], actDim: 1, seed: 16),
        _ => throw new ArgumentException($"Unknown policy shape {name}."),
    };
}
