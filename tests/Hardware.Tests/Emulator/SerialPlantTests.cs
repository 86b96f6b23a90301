using System.Diagnostics;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Wire;
using TrpoEdge.Emulator;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Serial;
using TrpoEdge.Sim;

namespace TrpoEdge.Hardware.Tests.Emulator;

/// <summary>The runtime's serial plant and the virtual rig, each on its own side of a real pty.</summary>
[Collection(TimingSensitive.Name)]
public sealed class SerialPlantTests
{
    /// <summary>A deterministic swing-up heuristic: pump energy with the sign of θ̇·cos θ.</summary>
    private static float Controller(ReadOnlySpan<float> obs) => Math.Clamp(1.5f * obs[2] * obs[0] + 0.2f * obs[1], -1.2f, 1.2f);

    [Fact]
    public void The_handshake_states_the_rig_files_dimensions_limits_and_period()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        using var plant = SerialPlant.Open(rig.Port, 115200);
        HandshakeMessage h = plant.Handshake;
        Assert.Equal("emu-direct-drive", h.RigId);
        Assert.Equal(3, h.ObservationDim);
        Assert.Equal([-1f], h.ActionLow);
        Assert.Equal([1f], h.ActionHigh);
        Assert.Equal(50_000u, h.ControlPeriodUs);
        Assert.Equal(200, h.WatchdogMs); // 4 periods of 50 ms
        Assert.Equal(20f, h.VelocityLimit);
        Assert.True(float.IsPositiveInfinity(h.AngleLimit));
        Assert.Equal(0.05, plant.ControlPeriod, 9);
        Assert.Equal(20.0, plant.Limits!.MaxVelocity);
        Assert.Equal("Rig:emu-direct-drive", plant.EnvId);
    }

    [Fact]
    public void Lockstep_episodes_over_the_pty_reproduce_the_local_rig_model_bit_for_bit()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        using var plant = SerialPlant.Open(rig.Port, 115200, new SerialPlantOptions { EnvId = "Rig:direct-drive" });
        var local = new RigEnv(rig.Spec);
        float[] obs = new float[3], expected = new float[3], act = new float[1];
        for (ulong seed = 3; seed < 5; seed++)
        {
            plant.Reset(seed, obs);
            local.Reset(seed, expected);
            Assert.Equal(expected, obs);
            int steps = 0;
            while (true)
            {
                act[0] = Controller(obs);
                StepResult got = plant.Step(act, obs);
                // The plant clips to the rig's ±1 before sending; the local model clips the same way.
                StepResult want = local.Step([Math.Clamp(act[0], -1f, 1f)], expected);
                steps++;
                Assert.Equal(expected, obs);
                Assert.Equal((float)want.Reward, (float)got.Reward);
                Assert.Equal(want.Terminated, got.Terminated);
                if (got.Truncated || got.Terminated) break;
            }
            Assert.Equal(200, steps); // the rig file's max_episode_steps, signalled by the TRUNCATED flag
            plant.Stop();
        }
        SerialLinkStats s = plant.LinkStats;
        Assert.Equal(0, s.MissedStates);
        Assert.Equal(0, s.Decoder.Dropped);
        Assert.Equal(400, s.RoundTrips);
        Assert.True(s.RoundTripP50Ns > 0 && s.RoundTripP99Ns >= s.RoundTripP50Ns, s.ToString());
        Assert.Equal(400, rig.Rig.Stats.ActionsApplied);
        Assert.Equal(0, rig.Rig.Stats.Decoder.Dropped);
    }

    [Fact]
    public void A_timed_rig_paces_the_episode_at_its_control_period()
    {
        using var rig = new EmulatorHarness(null, ("control.period", 0.01));
        using var plant = SerialPlant.Open(rig.Port, 115200, new SerialPlantOptions { MaxEpisodeSteps = 50, ExpectedControlPeriod = 0.01 });
        float[] obs = new float[3], act = new float[1];
        plant.Reset(1, obs);
        var sw = Stopwatch.StartNew();
        int steps = 0;
        while (true)
        {
            act[0] = Controller(obs);
            StepResult r = plant.Step(act, obs);
            steps++;
            if (r.Done) break;
        }
        sw.Stop();
        Assert.Equal(50, steps);
        // 50 periods of 10 ms; generous upper bound for a loaded 2-core CI machine.
        Assert.InRange(sw.Elapsed.TotalMilliseconds, 400, 2500);
        Assert.InRange(plant.LinkStats.RoundTripP50Ns, 1e4, 30e6);
    }

    [Fact]
    public void Killing_the_host_mid_episode_makes_the_rig_zero_its_motor_within_the_watchdog_period()
    {
        // The rig files' own watchdog (hardware/rigs/direct-drive.yaml, the firmware): 200 ms.
        const int watchdogMs = 200, slackMs = 40; // the rig checks every millisecond; slack for a loaded 2-core machine
        using var rig = new EmulatorHarness(new EmulatorOptions { WatchdogMs = watchdogMs }, ("control.period", 0.01));
        ISerialPort port = SerialPort.Open(rig.Port, 115200);
        var plant = new SerialPlant(port);
        float[] obs = new float[3];
        plant.Reset(2, obs);
        for (int i = 0; i < 20; i++) plant.Step([0.8f], obs);
        // Read the rig's state right at the last command; a stall before the kill could otherwise let the watchdog trip
        // for a reason other than the kill.
        float appliedWhileCommanded = rig.Rig.AppliedCommand;
        long tripsBefore = rig.Rig.Stats.WatchdogTrips;

        // What the kernel does when the runtime is killed: its descriptor closes, no STOP is sent.
        long killed = Stopwatch.GetTimestamp();
        port.Dispose();
        var sw = Stopwatch.StartNew();
        while (!rig.Rig.WatchdogTripped && sw.ElapsedMilliseconds < 3000) Thread.Sleep(1);

        Assert.Equal(0.8f, appliedWhileCommanded);
        Assert.True(rig.Rig.WatchdogTripped);
        Assert.Equal(0f, rig.Rig.AppliedCommand);
        double sinceLastAction = (rig.Rig.LastWatchdogTripTimestamp - rig.Rig.LastValidActionTimestamp) * 1000.0 / Stopwatch.Frequency;
        double sinceKill = (rig.Rig.LastWatchdogTripTimestamp - killed) * 1000.0 / Stopwatch.Frequency;
        Assert.InRange(sinceLastAction, watchdogMs, watchdogMs + slackMs);
        Assert.True(sinceKill <= watchdogMs + slackMs, $"motor zeroed {sinceKill:F1} ms after the host died");
        Assert.Equal(tripsBefore + 1, rig.Rig.Stats.WatchdogTrips);
    }

    [Fact]
    public void A_megabyte_of_garbage_injected_into_the_link_yields_no_action_and_the_session_recovers()
    {
        using var rig = new EmulatorHarness(null, ("control.period", 0.01));
        ISerialPort port = SerialPort.Open(rig.Port, 115200);
        using var plant = new SerialPlant(port);
        float[] obs = new float[3];
        plant.Reset(5, obs);
        for (int i = 0; i < 20; i++) plant.Step([0.1f], obs);
        EmulatorStats before = rig.Rig.Stats;
        Assert.Equal(20, before.ActionsApplied);

        var garbage = new byte[1 << 20];
        new Random(99).NextBytes(garbage);
        port.Write(garbage);

        for (int i = 0; i < 30; i++) plant.Step([-0.3f], obs);
        EmulatorStats after = rig.Rig.Stats;
        // Host frames: HELLO + STOP (connect), HELLO (reset), 50 ACTIONs. The garbage decoded to nothing:
        // every decoded frame is one of those, and at most the ACTION glued to the garbage's tail is lost.
        Assert.InRange(after.ActionsApplied, 49, 50);
        Assert.Equal(3 + after.ActionsApplied, after.Decoder.Decoded);
        Assert.Equal(0, after.BadActions);
        Assert.True(after.Decoder.Dropped > 1000, after.ToString());
        Assert.Equal(-0.3f, rig.Rig.AppliedCommand); // recovered: the rig executes what the host sends
        Assert.False(rig.Rig.WatchdogTripped);
    }

    [Fact]
    public void A_rig_whose_period_differs_from_the_policys_is_refused_naming_both()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        var e = Assert.Throws<RigContractException>(() => SerialPlant.Open(rig.Port, 115200, new SerialPlantOptions
        {
            ExpectedControlPeriod = 0.02,
            ExpectedObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
        }));
        Assert.Contains("20 ms control period", e.Message);
        Assert.Contains("50 ms", e.Message);
    }

    [Fact]
    public void A_policy_with_wider_action_bounds_than_the_rig_is_refused()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        var e = Assert.Throws<RigContractException>(() => SerialPlant.Open(rig.Port, 115200, new SerialPlantOptions
        {
            ExpectedActionSpace = SpaceSpec.Box([-2], [2]),
        }));
        Assert.Contains("exceed", e.Message);
    }

    [Fact]
    public void A_port_with_no_rig_behind_it_fails_after_three_hellos_with_advice()
    {
        using var pty = PseudoTerminal.Open();
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<RigLinkException>(() => SerialPlant.Open(pty.SlavePath, 115200,
            new SerialPlantOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(100) }));
        Assert.Contains("No HANDSHAKE", e.Message);
        Assert.Contains("baud rate", e.Message);
        Assert.InRange(sw.ElapsedMilliseconds, 250, 3000);
    }

    [Fact]
    public void Commands_outside_the_limits_are_clipped_by_the_host_before_they_are_sent()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        using var plant = SerialPlant.Open(rig.Port, 115200);
        float[] obs = new float[3];
        plant.Reset(1, obs);
        plant.Step([5f], obs);
        Assert.Equal(1f, rig.Rig.AppliedCommand);
        Assert.Equal(0, rig.Rig.Stats.ClippedActions); // the rig never saw an out-of-range value
        Assert.Throws<ArgumentException>(() => plant.Step([float.NaN], obs));
    }

    [Fact]
    public void A_steady_state_step_over_the_serial_link_allocates_nothing()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { Lockstep = true });
        using var plant = SerialPlant.Open(rig.Port, 115200);
        float[] obs = new float[3], act = new float[1];
        plant.Reset(1, obs);
        for (int i = 0; i < 50; i++) plant.Step(act, obs); // JIT, tiering, first-use buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            act[0] = Controller(obs);
            plant.Step(act, obs);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
