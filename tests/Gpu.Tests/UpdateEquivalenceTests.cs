using TrpoEdge.Core.Spaces;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Gpu.Tests;

/// <summary>One TRPO update and one critic fit on the same batch give the managed engine's result within float
/// tolerance when every vector, product and reduction runs in GPU kernels (on ILGPU's CPU accelerator here). The
/// algorithm is the same object in both cases (TrpoPolicyStep, ValueFunction); only the engine differs.</summary>
public sealed class UpdateEquivalenceTests(Simulator sim) : IClassFixture<Simulator>
{
    private static readonly SpaceSpec PendulumObs = SpaceSpec.Box([-1f, -1f, -8f], [1f, 1f, 8f]);

    [Theory]
    [InlineData(true, 1.0)]
    [InlineData(true, 0.5)]  // the Fisher subsample path
    [InlineData(false, 1.0)] // categorical head
    public void One_policy_update_matches_the_managed_engine(bool gaussian, double fvpSubsample)
    {
        SpaceSpec obs = gaussian ? PendulumObs : SpaceSpec.Box([-5f, -5f, -5f, -5f], [5f, 5f, 5f, 5f]);
        SpaceSpec act = gaussian ? SpaceSpec.Box([-2f], [2f]) : SpaceSpec.Discrete(3);
        var options = new TrpoOptions { CgIterations = 10, TargetKl = 0.01, FvpSubsample = fvpSubsample };
        MlpPolicy managed = PolicyFactory.CreatePolicy(obs, act, [8, 8], Activation.Tanh, -0.3, 4);
        MlpPolicy onDevice = PolicyFactory.CreatePolicy(obs, act, [8, 8], Activation.Tanh, -0.3, 4);
        var (o, a, blp, adv, n) = Batch(managed, 96, 21);
        float[] before = Parameters(managed);

        using var managedStep = new TrpoPolicyStep(managed, options);
        PolicyStepReport expected = managedStep.Update(new PolicyBatch(o, a, blp, adv, n));
        using var gpuStep = new TrpoPolicyStep(new GpuPolicyEngine(sim.Device, onDevice), options);
        PolicyStepReport actual = gpuStep.Update(new PolicyBatch(o, a, blp, adv, n));

        Assert.True(expected.LineSearchSuccess, "the managed update was rejected: the test batch does not exercise a step");
        Assert.Equal(expected.LineSearchSuccess, actual.LineSearchSuccess);
        Assert.Equal(expected.LineSearchSteps, actual.LineSearchSteps);
        Assert.Equal(expected.CgIterations, actual.CgIterations);
        Close(expected.SurrogateBefore, actual.SurrogateBefore, 1e-6);
        Close(expected.SurrogateAfter, actual.SurrogateAfter, 1e-5);
        Close(expected.Kl, actual.Kl, 1e-3 * expected.Kl + 1e-9);
        Close(expected.Entropy, actual.Entropy, 1e-5);
        Close(expected.MaxStep, actual.MaxStep, 1e-3 * expected.MaxStep);
        // The step itself, θ_new − θ_old, agrees element by element relative to its size.
        float[] stepManaged = Subtract(Parameters(managed), before), stepDevice = Subtract(Parameters(onDevice), before);
        MlpKernelTests.AssertClose(stepManaged, stepDevice, 2e-3);
    }

    [Fact]
    public void A_critic_fit_matches_the_managed_engine()
    {
        Mlp managedNet = PolicyFactory.CreateCritic(PendulumObs, [8, 8], Activation.Tanh, 9);
        Mlp deviceNet = PolicyFactory.CreateCritic(PendulumObs, [8, 8], Activation.Tanh, 9);
        var rng = new Random(2);
        int n = 100;
        float[] obs = MlpKernelTests.Random(rng, n * 3), targets = MlpKernelTests.Random(rng, n);
        using var managed = new ValueFunction(managedNet, 3, new AdamOptions(3e-3));
        using var onDevice = new ValueFunction(deviceNet, 3, new AdamOptions(3e-3), new GpuEngineProvider(sim.Device));
        double lossManaged = managed.Fit(obs, targets, n, 3, 32, new Random(8));
        double lossDevice = onDevice.Fit(obs, targets, n, 3, 32, new Random(8));
        Close(lossManaged, lossDevice, 1e-5 * lossManaged);
        MlpKernelTests.AssertClose(managedNet.Parameters.ToArray(), deviceNet.Parameters.ToArray(), 1e-4);
        var vm = new float[n];
        var vd = new float[n];
        managed.Predict(obs, n, vm);
        onDevice.Predict(obs, n, vd);
        MlpKernelTests.AssertClose(vm, vd, 1e-4);
        // Adam's moments are checkpointed: they must agree too.
        var am = managed.ExportOptimizer();
        var ad = onDevice.ExportOptimizer();
        Assert.Equal(am.Step, ad.Step);
        MlpKernelTests.AssertClose(am.M, ad.M, 1e-4);
        MlpKernelTests.AssertClose(am.V, ad.V, 1e-4);
    }

    /// <summary>An on-policy batch: actions sampled from the policy, behaviour log-probabilities its own, advantages
    /// that reward larger first actions (so the surrogate has a clear ascent direction).</summary>
    private static (float[] O, float[] A, double[] Blp, float[] Adv, int N) Batch(MlpPolicy policy, int n, int seed)
    {
        var rng = new Random(seed);
        var xo = new TrpoEdge.Sim.Random.Pcg64((ulong)seed);
        float[] obs = MlpKernelTests.Random(rng, n * policy.ObservationSize);
        var outputs = new float[n * policy.OutputSize];
        policy.Forward(obs, n, outputs);
        var actions = new float[n * policy.ActionSize];
        var blp = new double[n];
        var adv = new float[n];
        for (int i = 0; i < n; i++)
        {
            blp[i] = policy.Sample(outputs.AsSpan(i * policy.OutputSize, policy.OutputSize), xo, actions.AsSpan(i * policy.ActionSize, policy.ActionSize));
            adv[i] = (float)(actions[i * policy.ActionSize] - 0.5 + 0.3 * (rng.NextDouble() - 0.5));
        }
        Statistics.Standardize(adv);
        return (obs, actions, blp, adv, n);
    }

    private static float[] Parameters(MlpPolicy p)
    {
        var t = new float[p.ParameterCount];
        p.GetParameters(t);
        return t;
    }

    private static float[] Subtract(float[] a, float[] b) => a.Select((v, i) => v - b[i]).ToArray();

    private static void Close(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"managed {expected:R}, device {actual:R} (tolerance {tolerance:G3})");
}
