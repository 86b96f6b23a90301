using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Gpu.Envs;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Bench;

/// <summary>The first thing `bench gpu` does on a real GPU: the checks the CPU-accelerator tests make, repeated on the
/// card, since its transcendental functions and summation order differ from the CPU's. Prints the largest deviations
/// (a GPU is not expected to be bit-exact; it must be close) and returns false when they are out of tolerance.</summary>
internal static class GpuCheck
{
    public static bool Run(GpuDevice device)
    {
        bool ok = true;
        // 1. Pendulum-v1 ×1024 for 400 steps (two time limits) against the simulator's VectorEnv.
        const int e = 1024, steps = 400;
        using var reference = new VectorEnv(_ => new PendulumEnv(), e, threads: 1);
        var obs = new float[e * 3];
        reference.Reset(5, obs);
        using var probe = new DeviceEnvBatch(device, "Pendulum-v1", e);
        probe.Reset(5);
        var rng = new Random(1);
        var actions = new float[e];
        var final = new float[e * 3];
        var rewards = new double[e];
        var term = new bool[e];
        var trunc = new bool[e];
        double maxObs = 0, maxReward = 0;
        int doneMismatch = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < e; i++) actions[i] = (float)(rng.NextDouble() * 4 - 2);
            reference.Step(actions, obs, rewards, term, trunc, final);
            probe.Step(actions);
            float[] dObs = probe.Observations;
            double[] dRewards = probe.Rewards;
            byte[] dTrunc = probe.Truncated;
            for (int i = 0; i < obs.Length; i++) maxObs = Math.Max(maxObs, Math.Abs(obs[i] - dObs[i]));
            for (int i = 0; i < e; i++)
            {
                maxReward = Math.Max(maxReward, Math.Abs(rewards[i] - dRewards[i]));
                if (trunc[i] != (dTrunc[i] != 0)) doneMismatch++;
            }
        }
        // Trajectories of a chaotic system drift apart from rounding differences; a few 1e-3 over 400 steps is fine.
        bool envOk = maxObs < 5e-2 && doneMismatch == 0;
        Console.WriteLine($"check Pendulum-v1 kernel vs sim/ ({e} envs × {steps} steps): max |Δobs| {maxObs:G3}, max |Δreward| {maxReward:G3}, episode-end mismatches {doneMismatch} → {(envOk ? "ok" : "FAILED")}");
        ok &= envOk;

        // 2. One TRPO update on the same batch, managed engine vs this device.
        SpaceSpec o = SpaceSpec.Box([-1f, -1f, -8f], [1f, 1f, 8f]), a = SpaceSpec.Box([-2f], [2f]);
        var options = new TrpoOptions { CgIterations = 10 };
        MlpPolicy managed = PolicyFactory.CreatePolicy(o, a, [64, 64], Activation.Tanh, 0, 3);
        MlpPolicy onDevice = PolicyFactory.CreatePolicy(o, a, [64, 64], Activation.Tanh, 0, 3);
        int n = 8192;
        var xr = new Random(2);
        var x = new float[n * 3];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(xr.NextDouble() * 2 - 1);
        var outputs = new float[n];
        managed.Forward(x, n, outputs);
        var act = new float[n];
        var blp = new double[n];
        var adv = new float[n];
        var xo = new TrpoEdge.Sim.Random.Pcg64(9);
        for (int i = 0; i < n; i++)
        {
            blp[i] = managed.Sample(outputs.AsSpan(i, 1), xo, act.AsSpan(i, 1));
            adv[i] = act[i] + (float)(0.3 * (xr.NextDouble() - 0.5));
        }
        Statistics.Standardize(adv);
        var before = new float[managed.ParameterCount];
        managed.GetParameters(before);
        using var ms = new TrpoPolicyStep(managed, options);
        PolicyStepReport rm = ms.Update(new PolicyBatch(x, act, blp, adv, n));
        using var gs = new TrpoPolicyStep(new GpuPolicyEngine(device, onDevice), options);
        PolicyStepReport rg = gs.Update(new PolicyBatch(x, act, blp, adv, n));
        var pm = new float[before.Length];
        var pg = new float[before.Length];
        managed.GetParameters(pm);
        onDevice.GetParameters(pg);
        double stepNorm = 0, diffNorm = 0;
        for (int i = 0; i < pm.Length; i++)
        {
            stepNorm += (pm[i] - before[i]) * (double)(pm[i] - before[i]);
            diffNorm += (pm[i] - pg[i]) * (double)(pm[i] - pg[i]);
        }
        double rel = Math.Sqrt(diffNorm / Math.Max(1e-30, stepNorm));
        bool updateOk = rm.LineSearchSuccess == rg.LineSearchSuccess && rel < 1e-2 && Math.Abs(rm.Kl - rg.Kl) <= 1e-2 * rm.Kl + 1e-9;
        Console.WriteLine($"check one TRPO update, batch {n}, [64, 64]: managed KL {rm.Kl:G4} / device {rg.Kl:G4}, surrogate {rm.SurrogateAfter:G5} / {rg.SurrogateAfter:G5}, |Δθ_device − Δθ_managed| / |Δθ| = {rel:G3} → {(updateOk ? "ok" : "FAILED")}");
        ok &= updateOk;
        return ok;
    }
}
