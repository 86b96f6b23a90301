using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Fakes;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary>A NaN or infinite observation faults before inference, whatever the policy head: a discrete head
/// would otherwise turn it into a valid-looking action (ArgMax of NaN logits is action 0).</summary>
public sealed class NonFiniteObservationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_loop_faults_on_a_nan_observation_without_running_the_policy(bool discrete)
    {
        var plant = new RecordingPlant { NaNAfterStep = 2, ActionSpace = discrete ? SpaceSpec.Discrete(3) : SpaceSpec.Box([-2], [2]) };
        var policy = new ScriptedPolicy(_ => 1f);
        RunSummary summary = new ControlLoop(plant, policy).Run();

        EpisodeResult episode = summary.Episodes[0];
        Assert.Equal(EpisodeEnd.Fault, episode.End);
        Assert.Equal(2, episode.Steps); // the step that produced the NaN is not counted or logged
        Assert.Contains("unusable observation", episode.Detail);
        Assert.False(policy.SawNonFinite);
        Assert.Equal(3, policy.Calls);
        Assert.Equal(1, summary.Faults);
        Assert.True(plant.LastCommandWasZero);
    }

    [Theory]
    [InlineData(PolicyMode.Deterministic)]
    [InlineData(PolicyMode.Explore)]
    public void A_discrete_session_answers_a_nan_observation_with_an_unusable_action_not_action_zero(PolicyMode mode)
    {
        var obsSpace = SpaceSpec.Box([-5, -5, -5, -5], [5, 5, 5, 5]);
        var policy = new TestPolicy { EnvId = "CartPole-v1", ObservationSpace = obsSpace, ActionSpace = SpaceSpec.Discrete(2) };
        var plant = new PlantDescription("CartPole-v1", obsSpace, SpaceSpec.Discrete(2), 0.02);
        using var session = PolicySession.Open(policy.Build(), plant, new PolicySessionOptions { Mode = mode, Seed = 1 });
        var action = new float[1];
        session.Act([0.1f, float.NaN, 0f, 0f], action);
        Assert.True(float.IsNaN(action[0]), $"action {action[0]}");
        var safety = new SafetyLayer(SpaceSpec.Discrete(2));
        Assert.Equal(SafetyVerdict.NonFinite, safety.Filter(action, new float[1]));
    }
}
