using TrpoEdge.Core.Trajectories;
using TrpoEdge.Emulator;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Serial;
using TrpoEdge.Sim;

namespace TrpoEdge.Hardware.Tests.Emulator;

/// <summary>The runtime's control loop driving the virtual rig over a pty and logging to the store —
/// the whole `runtime --port` path except the ONNX model.</summary>
[Collection(TimingSensitive.Name)]
public sealed class ControlLoopOverSerialTests
{
    [Fact]
    public void Episodes_over_the_pty_are_logged_and_replay_exactly_on_the_local_rig_model()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        string db = Path.Combine(Path.GetTempPath(), $"trpoedge-serial-{Guid.NewGuid():N}.db");
        try
        {
            using var policy = new EnergyPumpPolicy();
            using var plant = SerialPlant.Open(rig.Port, 115200, new SerialPlantOptions { EnvId = "Rig:direct-drive", ExpectedControlPeriod = 0.05 });
            RunSummary summary;
            using (var log = TrajectoryWriter.Open(db, new RunInfo
            {
                EnvId = plant.EnvId,
                ObservationSpace = plant.ObservationSpace,
                ActionSpace = plant.ActionSpace,
                Program = "hardware-tests",
                Plant = plant.Description,
                ControlPeriod = plant.ControlPeriod,
                PolicyVersion = 7,
            }))
            {
                summary = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 2, Seed = 11 }, log).Run();
            }
            Assert.Equal(2, summary.Episodes.Count);
            Assert.All(summary.Episodes, e => Assert.Equal((200, EpisodeEnd.TimeLimit), (e.Steps, e.End)));
            Assert.Equal(0, rig.Rig.Stats.WatchdogTrips);

            using var reader = TrajectoryReader.Open(db);
            var episodes = reader.ReadEpisodes().ToList();
            Assert.Equal(2, episodes.Count);
            var local = new RigEnv(rig.Spec);
            float[] obs = new float[3];
            for (int e = 0; e < 2; e++)
            {
                EpisodeData ep = episodes[e];
                Assert.True(ep.Truncated);
                Assert.Equal(200, ep.Length);
                Assert.All(ep.PolicyVersions, v => Assert.Equal(7, v));
                local.Reset(11 + (ulong)e, obs);
                for (int t = 0; t < ep.Length; t++)
                {
                    Assert.Equal(obs, ep.Observations.AsSpan(3 * t, 3).ToArray());
                    StepResult r = local.Step([Math.Clamp(ep.Actions[t], -1f, 1f)], obs);
                    Assert.Equal((float)r.Reward, (float)ep.Rewards[t]);
                }
                Assert.Equal(obs, ep.FinalObservation);
            }
            // A swing-up: both episodes end balanced near the top (cos θ > 0.9 for the last 50 steps).
            Assert.All(episodes, ep => Assert.Equal(50, Enumerable.Range(150, 50).Count(t => ep.Observations[3 * t] > 0.9f)));
        }
        finally
        {
            foreach (string f in new[] { db, db + "-wal", db + "-shm" }) if (File.Exists(f)) File.Delete(f);
        }
    }
}
