using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.StoreCrashChild;

// Usage: TrpoEdge.StoreCrashChild <store.db>
// Appends steps forever, episode after episode, and prints "committed N" after every commit, where N steps are
// known to be durable. The parent kills this process (kill -9) and checks the store.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: TrpoEdge.StoreCrashChild <store.db>");
    return 2;
}

var run = new RunInfo
{
    EnvId = "Pendulum-v1",
    ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
    ActionSpace = SpaceSpec.Box([-2], [2]),
    Program = "TrpoEdge.StoreCrashChild",
    Plant = "crash test",
};
var options = new TrajectoryWriterOptions { BatchSize = CrashSchedule.BatchSize, FlushInterval = TimeSpan.FromSeconds(10), Capacity = 256 };
var writer = TrajectoryWriter.Open(args[0], run, options);
var stdout = Console.Out;
writer.Committed += n =>
{
    stdout.WriteLine($"committed {n}");
    stdout.Flush();
};
stdout.WriteLine("ready");
stdout.Flush();

var obs = new float[CrashSchedule.ObservationSize];
var act = new float[CrashSchedule.ActionSize];
for (int episode = 0; ; episode++)
{
    writer.BeginEpisode();
    for (int t = 0; t < CrashSchedule.EpisodeLength; t++)
    {
        CrashSchedule.Observation(episode, t, obs);
        act[0] = CrashSchedule.Action(episode, t);
        writer.Append(new StepRecord(obs, act, CrashSchedule.Reward(episode, t), CrashSchedule.LogProb(episode, t), policyVersion: episode));
    }
    CrashSchedule.Observation(episode, CrashSchedule.EpisodeLength, obs);
    writer.EndEpisode(terminated: false, truncated: true, obs);
}
