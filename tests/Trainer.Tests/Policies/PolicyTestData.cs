using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Policies;

/// <summary>Small seeded policies and batches for derivative checks.</summary>
internal static class PolicyTestData
{
    public const int ObsSize = 3;
    public const int Batch = 24;

    public static MlpPolicy Gaussian(Activation activation = Activation.Tanh, int actions = 2) =>
        Randomize(PolicyFactory.CreatePolicy(SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
            SpaceSpec.Box(Enumerable.Repeat(-2f, actions).ToArray(), Enumerable.Repeat(2f, actions).ToArray()), [8, 6], activation, -0.3, 11));

    public static MlpPolicy Categorical(Activation activation = Activation.Tanh) =>
        Randomize(PolicyFactory.CreatePolicy(SpaceSpec.Box([-1, -1, -8], [1, 1, 8]), SpaceSpec.Discrete(3), [8, 6], activation, 0, 12));

    /// <summary>Orthogonal init gives the head 0.01 gain, which makes outputs nearly constant; derivative
    /// checks want every term to matter, so perturb all parameters.</summary>
    private static MlpPolicy Randomize(MlpPolicy policy)
    {
        var rng = new Random(5);
        var theta = new float[policy.ParameterCount];
        policy.GetParameters(theta);
        for (int i = 0; i < theta.Length; i++) theta[i] += (float)(rng.NextDouble() - 0.5) * 0.6f;
        policy.SetParameters(theta);
        return policy;
    }

    public static float[] Observations(int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, Batch * ObsSize).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    public static float[] SampleActions(MlpPolicy policy, float[] observations, out double[] logProb, ulong seed = 3)
    {
        var outputs = new float[Batch * policy.OutputSize];
        policy.Forward(observations, Batch, outputs);
        var rng = new Pcg64(seed);
        var actions = new float[Batch * policy.ActionSize];
        logProb = new double[Batch];
        for (int i = 0; i < Batch; i++)
            logProb[i] = policy.Sample(outputs.AsSpan(i * policy.OutputSize, policy.OutputSize), rng, actions.AsSpan(i * policy.ActionSize, policy.ActionSize));
        return actions;
    }

    public static float[] RandomDirection(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }
}
