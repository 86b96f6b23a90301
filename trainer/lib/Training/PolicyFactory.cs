using TrpoEdge.Core.Spaces;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Training;

/// <summary>Builds the policy and critic networks for a pair of spaces, with SB3's orthogonal initialisation
/// gains: √2 for hidden layers, 0.01 for the policy head, 1 for the value head.</summary>
public static class PolicyFactory
{
    public static MlpPolicy CreatePolicy(SpaceSpec observation, SpaceSpec action, IReadOnlyList<int> hidden, Activation activation, double logStdInit, ulong seed)
    {
        RequireBoxObservation(observation);
        int outputs = action.Kind == SpaceKind.Box ? action.Size : action.Size;
        var net = new Mlp(observation.Size, hidden, outputs, activation);
        net.InitOrthogonal(seed, MathF.Sqrt(2f), 0.01f);
        return action.Kind == SpaceKind.Box
            ? new GaussianMlpPolicy(net, observation.Size, action.Low, action.High, logStdInit)
            : new CategoricalMlpPolicy(net, observation.Size, action.Size);
    }

    public static Mlp CreateCritic(SpaceSpec observation, IReadOnlyList<int> hidden, Activation activation, ulong seed)
    {
        RequireBoxObservation(observation);
        var net = new Mlp(observation.Size, hidden, 1, activation);
        net.InitOrthogonal(seed, MathF.Sqrt(2f), 1f);
        return net;
    }

    public static Activation ParseActivation(string name) => name switch
    {
        "tanh" => Activation.Tanh,
        "relu" => Activation.Relu,
        _ => throw new ArgumentException($"Unknown activation \"{name}\"; use \"tanh\" or \"relu\"."),
    };

    public static string Name(Activation activation) => activation == Activation.Tanh ? "tanh" : "relu";

    private static void RequireBoxObservation(SpaceSpec observation)
    {
        if (observation.Kind != SpaceKind.Box)
            throw new NotSupportedException($"Observations must be a Box space for an MLP policy; got {observation}.");
    }
}
