using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Wire;
using TrpoEdge.Runtime.Plants;

namespace TrpoEdge.Runtime.Tests;

/// <summary>The host's session rules that the serial and the MQTT plant share, on known answers.</summary>
public sealed class RigSessionTests
{
    private static readonly HandshakeMessage Rig = new("rig-x", 3, [-1f], [1f], 50_000, 200, float.PositiveInfinity, 20f);

    private static RigSession NewSession(int? cap = null)
    {
        var s = new RigSession(Rig, null, null, null, cap);
        s.BeginEpisode();
        return s;
    }

    [Fact]
    public void A_state_acknowledging_the_steps_own_action_means_applied_and_anything_else_does_not()
    {
        RigSession s = NewSession();
        s.ActionSent(7);
        s.OnState(7, StateFlags.None, replacesAnother: false);
        s.Finish(-1f, StateFlags.None, 7);
        Assert.True(s.LastActionApplied);
        Assert.Equal(1, s.RoundTrip.Count);

        s.ActionSent(8);
        s.OnState(7, StateFlags.None, false); // the rig held the previous command: ACTION 8 was lost or late
        s.Finish(-1f, StateFlags.None, 7);
        Assert.False(s.LastActionApplied);

        s.ActionSent(9);
        s.OnState(120, StateFlags.None, false); // a command this host never sent
        s.Finish(-1f, StateFlags.None, 120);
        Assert.False(s.LastActionApplied);

        s.ActionSent(10);
        s.OnState(10, StateFlags.Watchdog, false); // acknowledged, but the watchdog had zeroed the motor
        s.Finish(-1f, StateFlags.Watchdog, 10);
        Assert.False(s.LastActionApplied);
        Assert.Equal(3, s.ActionsNotApplied);
        Assert.Equal(1, s.WatchdogStates);
    }

    [Fact]
    public void The_ack_compares_the_low_16_bits_the_serial_frame_carries()
    {
        RigSession s = NewSession();
        s.ActionSent(0x1_0005); // a 32-bit MQTT seq; the rig's frame echoes 5
        s.OnState(5, StateFlags.None, false);
        s.Finish(0f, StateFlags.None, 5);
        Assert.True(s.LastActionApplied);
    }

    [Fact]
    public void Limit_terminates_truncated_estop_and_the_step_cap_truncate()
    {
        RigSession s = NewSession(cap: 2);
        s.ActionSent(1);
        var r = s.Finish(0f, StateFlags.Limit | StateFlags.Truncated, 1);
        Assert.True(r.Terminated);
        Assert.False(r.Truncated); // terminal wins: no bootstrap
        s.ActionSent(2);
        Assert.True(s.Finish(0f, StateFlags.None, 2).Truncated); // the second step hits the cap of 2
        s.BeginEpisode();
        s.ActionSent(3);
        Assert.True(s.Finish(0f, StateFlags.EStop, 3).Truncated);
        s.BeginEpisode(); // a new session counts steps from 0 again
        s.ActionSent(4);
        Assert.False(s.Finish(0f, StateFlags.None, 4).Truncated);
    }

    [Fact]
    public void Commands_are_clipped_to_the_rigs_limits_and_a_non_finite_one_is_refused()
    {
        RigSession s = NewSession();
        float[] command = new float[1];
        s.Clip([3f], command);
        Assert.Equal(1f, command[0]);
        Assert.Throws<ArgumentException>(() => s.Clip([float.NaN], command));
        Assert.Throws<ArgumentException>(() => s.Clip([0f, 0f], command));
    }

    [Fact]
    public void A_handshake_that_does_not_fit_the_policy_is_refused_naming_the_field()
    {
        var e = Assert.Throws<RigContractException>(() => RigSession.CheckContract(Rig, SpaceSpec.Box([-1, -1, -8], [1, 1, 8]), SpaceSpec.Box([-2], [2]), 0.05, "rig 'rig-x'"));
        Assert.Contains("exceed", e.Message);
        e = Assert.Throws<RigContractException>(() => RigSession.CheckContract(Rig, null, null, 0.02, "rig 'rig-x'"));
        Assert.Contains("20 ms control period", e.Message);
        e = Assert.Throws<RigContractException>(() => RigSession.CheckContract(Rig, SpaceSpec.Box([-1, -1], [1, 1]), null, null, "rig 'rig-x'"));
        Assert.Contains("observation", e.Message);
        RigSession.CheckContract(Rig, SpaceSpec.Box([-1, -1, -8], [1, 1, 8]), SpaceSpec.Box([-1], [1]), 0.0502, "rig 'rig-x'"); // within 1 %
        Assert.Equal(TimeSpan.FromSeconds(0.45), new RigSession(Rig, null, null, null, null).LinkTimeout); // max(3 x 50 ms, 200 ms) + 250 ms
    }
}
