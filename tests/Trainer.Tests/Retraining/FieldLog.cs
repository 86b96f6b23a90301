using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Retraining;

/// <summary>Writes a real trajectory store the way the runtime does in exploration mode: the agent's policy samples
/// actions, the logged log-prob is the sampled action's, and the run records the acting checkpoint.</summary>
internal static class FieldLog
{
    public static (Agent Agent, PolicyCheckpoint Checkpoint, string CheckpointPath, string Sha) TrainedAgent(string dir, string envId = "Pendulum-v1")
    {
        IEnv probe = EnvRegistry.Make(envId);
        var options = new TrainingOptions { EnvId = envId, Hidden = [16, 16], NumEnvs = 2, StepsPerEnv = 64, Trpo = new() { CriticBatchSize = 32 } };
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        agent.PolicyVersion = 3;
        string path = Path.Combine(dir, "ckpt.safetensors");
        string sha = agent.ToCheckpoint().Save(path);
        return (agent, PolicyCheckpoint.Load(path), path, sha);
    }

    /// <param name="corrupt">Called with (episode, step, observation, log-prob) before each step is logged; may damage them.</param>
    /// <param name="actingPolicy">The acting policy recorded for each episode (null: the run's).</param>
    public static void Write(string storePath, Agent agent, string envId, string? checkpointSha, int episodes, int maxSteps, ulong seed, bool crashLastEpisode = false,
        Func<int, int, float[], double, double>? corrupt = null, Func<int, ActingPolicy?>? actingPolicy = null)
    {
        IEnv env = EnvRegistry.Make(envId);
        using var writer = TrajectoryWriter.Open(storePath, new RunInfo
        {
            EnvId = env.Id,
            ObservationSpace = SpaceConversion.ToSpec(env.ObservationSpace),
            ActionSpace = SpaceConversion.ToSpec(env.ActionSpace),
            Program = "test",
            CheckpointSha256 = checkpointSha,
            PolicyVersion = agent.PolicyVersion,
        });
        int d = env.ObservationSpace.FlatSize;
        var obs = new float[d];
        var norm = new float[d];
        var outputs = new float[agent.Policy.OutputSize];
        var action = new float[agent.Policy.ActionSize];
        var envAction = new float[env.ActionSpace.FlatSize];
        var next = new float[d];
        var rng = new Pcg64(seed);
        for (int e = 0; e < episodes; e++)
        {
            writer.BeginEpisode(actingPolicy?.Invoke(e));
            env.Reset(seed + (ulong)e, obs);
            for (int t = 0; ; t++)
            {
                agent.Normalizer.Normalize(obs, norm);
                agent.Policy.Forward(norm, 1, outputs);
                double logProb = agent.Policy.Sample(outputs, rng, action);
                agent.Policy.ToEnvironmentAction(action, envAction);
                StepResult r = env.Step(envAction, next);
                if (corrupt is not null) logProb = corrupt(e, t, obs, logProb);
                writer.Append(new StepRecord(obs, action, r.Reward, logProb, actingPolicy?.Invoke(e)?.Version ?? agent.PolicyVersion));
                next.CopyTo(obs, 0);
                bool cut = t + 1 >= maxSteps;
                if (crashLastEpisode && e == episodes - 1 && cut) return; // never ended: stays 'incomplete'
                if (r.Done || cut)
                {
                    writer.EndEpisode(r.Terminated, r.Truncated || !r.Done, next);
                    break;
                }
            }
        }
    }
}
