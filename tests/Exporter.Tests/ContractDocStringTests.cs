using TrpoEdge.Core.Contracts;
using TrpoEdge.Exporter.Onnx.Proto;

namespace TrpoEdge.Exporter.Tests;

/// <summary>The exported model documents its own contract: every input and output carries a doc string, the
/// log-std output says what it means and how to explore, the model's doc string gives control_period's unit.</summary>
public sealed class ContractDocStringTests
{
    private static ModelProto Model(bool discrete) => PolicyGraphBuilder.Build(
        PolicyNetwork.From(discrete ? TestCheckpoints.Discrete() : TestCheckpoints.Continuous()), new string('a', 64));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_input_and_output_is_documented(bool discrete)
    {
        ModelProto model = Model(discrete);
        Assert.All(model.Graph.Input.Concat(model.Graph.Output), v => Assert.False(string.IsNullOrWhiteSpace(v.DocString), $"{v.Name} has no doc string"));
        Assert.Contains("3.4028235e38", model.Graph.Input.Single().DocString);
        Assert.Contains("seconds per control step", model.DocString);
    }

    [Fact]
    public void The_log_std_output_states_its_meaning_and_the_exploration_recipe()
    {
        ModelProto model = Model(discrete: false);
        string doc = model.Graph.Output.Single(o => o.Name == PolicyModelContract.ActionLogStdOutput).DocString;
        Assert.Contains("Natural log of the Gaussian's standard deviation", doc);
        Assert.Contains("action_mean + exp(action_log_std) * z", doc);
    }
}
