using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Vine;

/// <summary>Small seeded policies, critics and normalisers for the vine tests.</summary>
internal static class VineTestData
{
    public static MlpPolicy PolicyFor(IEnv env, ulong seed = 7, double logStd = 0) => PolicyFactory.CreatePolicy(
        SpaceConversion.ToSpec(env.ObservationSpace), SpaceConversion.ToSpec(env.ActionSpace), [16, 16], Activation.Tanh, logStd, seed);

    public static ValueFunction CriticFor(IEnv env, ulong seed = 8)
    {
        SpaceSpec obs = SpaceConversion.ToSpec(env.ObservationSpace);
        return new ValueFunction(PolicyFactory.CreateCritic(obs, [16], Activation.Tanh, seed), obs.Size, new AdamOptions());
    }

    /// <summary>An identity normaliser (disabled), so the critic sees the raw observation the test computes with.</summary>
    public static ObservationNormalizer Identity(IEnv env) => new(env.ObservationSpace.FlatSize, 10f, 1e-8f, enabled: false);

    /// <summary>A categorical policy that always moves right: zero last-layer weights, logits [−60, 60], so
    /// π(left) ≈ e⁻¹²⁰ — below the smallest uniform deviate the sampler can draw.</summary>
    public static MlpPolicy AlwaysRight(IEnv env)
    {
        MlpPolicy policy = PolicyFor(env);
        int last = policy.Network.LayerCount - 1;
        policy.Network.Weight(last).Clear();
        policy.Network.Bias(last)[0] = -60f;
        policy.Network.Bias(last)[1] = 60f;
        return policy;
    }

    public static float Value(ValueFunction critic, ObservationNormalizer normalizer, float observation)
    {
        var z = new float[1];
        normalizer.Normalize([observation], z);
        var v = new float[1];
        critic.Predict(z, 1, v);
        return v[0];
    }
}
