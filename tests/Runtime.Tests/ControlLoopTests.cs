using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Tests.Fakes;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Tests;

public sealed class ControlLoopTests
{
    [Fact]
    public void A_normal_run_ends_with_a_zero_command_and_reports_every_episode()
    {
        var plant = new RecordingPlant { EpisodeLength = 5 };
        var summary = new ControlLoop(plant, new ScriptedPolicy(_ => 1.5f), new ControlLoopOptions { Episodes = 3, Seed = 10 }).Run();
        Assert.True(plant.LastCommandWasZero);
        Assert.Equal(3, summary.Episodes.Count);
        Assert.All(summary.Episodes, e => Assert.Equal(EpisodeEnd.TimeLimit, e.End));
        Assert.Equal([10UL, 11UL, 12UL], summary.Episodes.Select(e => e.Seed));
        Assert.Equal(-5.0, summary.ReturnMean);
        Assert.Equal(0.0, summary.ReturnStd);
        Assert.Equal(15, summary.Latency.Count);
        Assert.Equal(0, summary.Jitter.Count);
        Assert.Contains("reset 11", plant.Calls);
    }

    [Fact]
    public void A_nan_action_sends_zero_counts_a_fault_and_ends_the_episode_saying_why()
    {
        var plant = new RecordingPlant { EpisodeLength = 50 };
        var policy = new ScriptedPolicy(i => i == 3 ? float.NaN : 0.5f);
        var summary = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 1 }).Run();
        Assert.Equal(1, summary.Faults);
        EpisodeResult e = Assert.Single(summary.Episodes);
        Assert.Equal(EpisodeEnd.Fault, e.End);
        Assert.Equal(3, e.Steps);
        Assert.Contains("unusable action ([NaN])", e.Detail);
        // The NaN never reached the plant: three real commands, then zeros only.
        Assert.Equal(3, plant.Commands.Count(c => c[0] == 0.5f));
        Assert.DoesNotContain(plant.Commands, c => float.IsNaN(c[0]));
        Assert.Equal("stop", plant.Calls[plant.Calls.IndexOf("step") + 3]);
        Assert.True(plant.LastCommandWasZero);
    }

    [Fact]
    public void An_infinite_action_is_a_fault_too()
    {
        var plant = new RecordingPlant();
        var summary = new ControlLoop(plant, new ScriptedPolicy(_ => float.PositiveInfinity)).Run();
        Assert.Equal(EpisodeEnd.Fault, summary.Episodes[0].End);
        Assert.DoesNotContain(plant.Commands, c => c[0] != 0);
    }

    [Fact]
    public void Out_of_bounds_actions_are_clamped_before_the_plant()
    {
        var plant = new RecordingPlant { EpisodeLength = 4 };
        var summary = new ControlLoop(plant, new ScriptedPolicy(i => i % 2 == 0 ? 7f : -9f)).Run();
        Assert.Equal([2f, -2f, 2f, -2f, 0f], plant.Commands.Select(c => c[0]).Take(5));
        Assert.Equal(4, summary.Clamps);
    }

    [Fact]
    public void An_exception_from_the_policy_still_leaves_the_plant_at_zero()
    {
        var plant = new RecordingPlant();
        var policy = new ScriptedPolicy(i => i == 2 ? throw new InvalidOperationException("model crashed") : 1f);
        var e = Assert.Throws<InvalidOperationException>(() => new ControlLoop(plant, policy).Run());
        Assert.Equal("model crashed", e.Message);
        Assert.True(plant.LastCommandWasZero);
        Assert.Equal("stop", plant.Calls[^1]);
    }

    [Fact]
    public void An_exception_from_the_plant_still_sends_zero_last()
    {
        var plant = new RecordingPlant { ThrowOnStep = 4 };
        Assert.Throws<IOException>(() => new ControlLoop(plant, new ScriptedPolicy(_ => 1f)).Run());
        Assert.True(plant.LastCommandWasZero);
    }

    [Fact]
    public void Cancelling_mid_episode_stops_the_plant_and_reports_cancelled()
    {
        var plant = new RecordingPlant { EpisodeLength = 1_000_000 };
        using var cts = new CancellationTokenSource();
        var policy = new ScriptedPolicy(i =>
        {
            if (i == 20) cts.Cancel(); // what Ctrl-C's handler does
            return 1f;
        });
        var summary = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 5 }).Run(cts.Token);
        Assert.True(summary.Cancelled);
        EpisodeResult e = Assert.Single(summary.Episodes);
        Assert.Equal(EpisodeEnd.Cancelled, e.End);
        Assert.Equal(21, e.Steps);
        Assert.True(plant.LastCommandWasZero);
    }

    [Fact]
    public void A_velocity_limit_from_the_rig_ends_the_episode_with_the_values()
    {
        var plant = new RecordingPlant { ThetaDot = 25, EpisodeLength = 100, Limits = new RigLimits(null, 20.0, false) };
        var summary = new ControlLoop(plant, new ScriptedPolicy(_ => 0.1f)).Run();
        EpisodeResult e = Assert.Single(summary.Episodes);
        Assert.Equal(EpisodeEnd.SafetyLimit, e.End);
        Assert.Equal(1, e.Steps);
        Assert.Contains("|θ̇| = 25 rad/s exceeds limits.max_velocity 20 rad/s", e.Detail);
        Assert.True(plant.LastCommandWasZero);
    }

    [Fact]
    public void An_angle_limit_counts_whole_turns_not_the_wrapped_angle()
    {
        // 2 rad/s * 0.05 s = 0.1 rad per step: 4π rad (two full turns) after ~126 steps; limit at 3π.
        var plant = new RecordingPlant { ThetaDot = 2, EpisodeLength = 1000, Limits = new RigLimits(3 * Math.PI, null, false) };
        var summary = new ControlLoop(plant, new ScriptedPolicy(_ => 0f)).Run();
        EpisodeResult e = Assert.Single(summary.Episodes);
        Assert.Equal(EpisodeEnd.SafetyLimit, e.End);
        // First step with θ = 0.1·n > 3π: n = 95.
        Assert.Equal(95, e.Steps);
        Assert.Contains("angle limit", e.Detail);
    }

    [Fact]
    public void A_discrete_index_out_of_range_is_a_fault()
    {
        var plant = new RecordingPlant { ActionSpace = SpaceSpec.Discrete(2) };
        var summary = new ControlLoop(plant, new ScriptedPolicy(i => i == 1 ? 2f : 1f)).Run();
        Assert.Equal(EpisodeEnd.Fault, summary.Episodes[0].End);
        Assert.Equal(1, summary.Episodes[0].Steps);
    }

    [Fact]
    public void A_paced_loop_keeps_its_period_and_measures_jitter()
    {
        var plant = new RecordingPlant { EpisodeLength = 100 };
        var summary = new ControlLoop(plant, new ScriptedPolicy(_ => 0f), new ControlLoopOptions { RateHz = 500 }).Run();
        // 100 steps at 2 ms: 99 full periods after the first step, ~198 ms; a loaded machine may stretch it.
        Assert.InRange(summary.Elapsed.TotalMilliseconds, 197, 2000);
        Assert.Equal(100, summary.Jitter.Count);
        Assert.Equal(0.002, summary.PeriodSeconds!.Value, 9);
    }

    [Fact]
    public void A_real_plant_is_paced_at_its_own_period_without_a_rate()
    {
        var plant = new RecordingPlant { IsSimulated = false, ControlPeriod = 0.001, EpisodeLength = 30 };
        var loop = new ControlLoop(plant, new ScriptedPolicy(_ => 0f));
        Assert.Equal(0.001, loop.PeriodSeconds);
        var summary = loop.Run();
        Assert.Equal(30, summary.Jitter.Count);
        Assert.InRange(summary.Elapsed.TotalMilliseconds, 28.5, 1000);
    }

    [Fact]
    public void Steady_state_loop_steps_allocate_nothing()
    {
        var policy = new ScriptedPolicy(_ => 0.5f);
        // Measure the loop's own allocations by comparing a long and a short run: per-run costs cancel.
        static long Alloc(Action a) { long b = GC.GetAllocatedBytesForCurrentThread(); a(); return GC.GetAllocatedBytesForCurrentThread() - b; }
        var quiet = new NoRecordPlant(200_000);
        new ControlLoop(new NoRecordPlant(100), policy).Run(); // first-call costs (type initialisation, JIT)
        var brief = new NoRecordPlant(100);
        var shortRun = Alloc(() => new ControlLoop(brief, policy).Run());
        var longRun = Alloc(() => new ControlLoop(quiet, policy).Run());
        Assert.Equal(shortRun, longRun);
        Assert.Equal(200_000, quiet.Steps);
    }
}
