using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Tests.Fakes;

namespace TrpoEdge.Runtime.Tests;

/// <summary>The control loop logs only steps whose command the plant says it applied, and an episode it could not
/// finish is closed as incomplete while the run goes on — checked in a real SQLite store.</summary>
public sealed class TruthfulLogTests
{
    private static TrajectoryWriter Open(string path) => TrajectoryWriter.Open(path, new RunInfo
    {
        EnvId = "Pendulum-v1",
        ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
        ActionSpace = SpaceSpec.Box([-2], [2]),
        Program = "test",
    });

    [Fact]
    public void The_log_stops_before_the_first_command_the_rig_did_not_apply_and_the_episode_stays_incomplete()
    {
        using var dir = new TempDir();
        var plant = new FeedbackPlant { EpisodeLength = 10, NotApplied = [4, 6] };
        RunSummary s;
        using (TrajectoryWriter log = Open(dir.File("f.db")))
            s = new ControlLoop(plant, new ScriptedPolicy(_ => 0.5f), new ControlLoopOptions { Episodes = 1 }, log).Run();

        EpisodeResult e = Assert.Single(s.Episodes);
        Assert.Equal((10, EpisodeEnd.TimeLimit, 2), (e.Steps, e.End, e.ActionsNotApplied)); // driven to its end
        Assert.Contains("first at step 4", e.Detail);
        using var reader = TrajectoryReader.Open(dir.File("f.db"));
        EpisodeData logged = Assert.Single(reader.ReadEpisodes());
        Assert.Equal(EpisodeStatus.Incomplete, logged.Status);
        Assert.NotNull(logged.EndedAt);
        Assert.Equal(4, logged.Length); // steps 0..3, whose commands were applied
    }

    [Fact]
    public void An_interrupted_episode_is_closed_as_incomplete_and_the_next_one_is_logged_whole()
    {
        using var dir = new TempDir();
        var plant = new FeedbackPlant { EpisodeLength = 6, InterruptAt = 3 };
        RunSummary s;
        using (TrajectoryWriter log = Open(dir.File("i.db")))
            s = new ControlLoop(plant, new ScriptedPolicy(_ => 0.5f), new ControlLoopOptions { Episodes = 2 }, log).Run();

        Assert.Equal(EpisodeEnd.Interrupted, s.Episodes[0].End);
        Assert.Contains("broker connection dropped", s.Episodes[0].Detail);
        Assert.Equal((6, EpisodeEnd.TimeLimit), (s.Episodes[1].Steps, s.Episodes[1].End));
        using var reader = TrajectoryReader.Open(dir.File("i.db"));
        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal((EpisodeStatus.Incomplete, 3), (episodes[0].Status, episodes[0].Length));
        Assert.Equal((EpisodeStatus.Complete, 6), (episodes[1].Status, episodes[1].Length));
    }
}
