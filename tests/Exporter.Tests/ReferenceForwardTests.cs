using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Exporter.Tests;

/// <summary>The reference forward pass against values worked out by hand.</summary>
public sealed class ReferenceForwardTests
{
    // obs 2 → hidden 2 → 1. Normaliser: mean [1, -2], var [4, 0.25], epsilon 0 → std [2, 0.5]; clip 5.
    // W0 = [[0.5, -0.25], [1, 1]], b0 = [0.1, -3]; W1 = [[2, 7]], b1 = [0.05]; action bounds ±0.5.
    private static PolicyCheckpoint Tiny(string activation, SpaceSpec? actionSpace = null) => new()
    {
        EnvId = "Tiny-v0",
        ObservationSpace = SpaceSpec.Box([-100f, -100f], [100f, 100f]),
        ActionSpace = actionSpace ?? SpaceSpec.Box([-0.5f], [0.5f]),
        ControlPeriod = 0.02,
        Hidden = [2],
        Activation = activation,
        PolicyLayers =
        [
            new DenseLayer(2, 2, [0.5f, -0.25f, 1f, 1f], [0.1f, -3f]),
            actionSpace?.Kind == SpaceKind.Discrete
                ? new DenseLayer(2, 2, [2f, 7f, -2f, 7f], [0.05f, 0.1f])
                : new DenseLayer(2, 1, [2f, 7f], [0.05f]),
        ],
        ValueLayers = [new DenseLayer(2, 2, new float[4], new float[2]), new DenseLayer(2, 1, new float[2], [0f])],
        LogStd = actionSpace?.Kind == SpaceKind.Discrete ? null : [-0.7f],
        ObsNorm = new ObservationNormState([1.0, -2.0], [4.0, 0.25], 10, 5f, 0f),
    };

    [Fact]
    public void Tanh_policy_matches_the_hand_computed_mean_inside_the_bounds()
    {
        var f = new PolicyReferenceForward(Tiny("tanh"));
        var mean = new float[1];
        var action = new float[1];
        // z = [(3-1)/2, (-1+2)/0.5] = [1, 2]; pre = [0.5 - 0.5 + 0.1, 1 + 2 - 3] = [0.1, 0]; mean = 2 tanh(0.1) + 0.05.
        f.Head([3f, -1f], mean);
        f.ClipToBounds(mean, action);
        Assert.Equal(2 * Math.Tanh(0.1) + 0.05, mean[0], 1e-6);
        Assert.Equal(mean[0], action[0]);
        Assert.Equal(-0.7f, f.LogStd[0]);
    }

    [Fact]
    public void Observations_beyond_the_clip_are_clamped_before_the_first_layer_and_the_action_to_its_bound()
    {
        var f = new PolicyReferenceForward(Tiny("tanh"));
        var mean = new float[1];
        var action = new float[1];
        // z0 = (21-1)/2 = 10 → clipped to 5; z = [5, 2]; pre = [2.5 - 0.5 + 0.1, 5 + 2 - 3] = [2.1, 4].
        f.Head([21f, -1f], mean);
        f.ClipToBounds(mean, action);
        Assert.Equal(2 * Math.Tanh(2.1) + 7 * Math.Tanh(4) + 0.05, mean[0], 1e-5);
        Assert.Equal(0.5f, action[0]);
    }

    [Fact]
    public void Relu_policy_matches_the_hand_computed_mean()
    {
        var f = new PolicyReferenceForward(Tiny("relu"));
        var mean = new float[1];
        // pre = [0.1, 0] → relu [0.1, 0]; mean = 0.2 + 0.05. And at obs [-3, -2]: z = [-2, 0], pre = [-0.9, -5] → 0 → 0.05.
        f.Head([3f, -1f], mean);
        Assert.Equal(0.25, mean[0], 1e-7);
        f.Head([-3f, -2f], mean);
        Assert.Equal(0.05f, mean[0]);
    }

    [Fact]
    public void Discrete_policy_gives_the_hand_computed_logits()
    {
        var f = new PolicyReferenceForward(Tiny("tanh", SpaceSpec.Discrete(2)));
        var logits = new float[2];
        // h = [tanh(0.1), 0]: logits = [2 tanh(0.1) + 0.05, -2 tanh(0.1) + 0.1].
        f.Head([3f, -1f], logits);
        Assert.Equal(2 * Math.Tanh(0.1) + 0.05, logits[0], 1e-6);
        Assert.Equal(-2 * Math.Tanh(0.1) + 0.1, logits[1], 1e-6);
    }

    [Fact]
    public void A_wrong_observation_length_is_refused_with_both_sizes()
    {
        var f = new PolicyReferenceForward(Tiny("tanh"));
        var e = Assert.Throws<ArgumentException>(() => f.Head([1f, 2f, 3f], new float[1]));
        Assert.Contains("2 floats", e.Message);
        Assert.Contains("got 3", e.Message);
    }
}
