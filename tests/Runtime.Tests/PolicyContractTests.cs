using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

public sealed class PolicyContractTests
{
    private static readonly PlantDescription Pendulum = new("Pendulum-v1", TestPolicy.PendulumObs, TestPolicy.PendulumAct, 0.05);
    private static readonly PlantDescription CartPole = new("CartPole-v1", SpaceSpec.Box([-4.8f, -1e9f, -0.42f, -1e9f], [4.8f, 1e9f, 0.42f, 1e9f]), SpaceSpec.Discrete(2), 0.02);

    private static PolicyContractException Refused(TestPolicy policy, PlantDescription plant, PolicyMode mode = PolicyMode.Deterministic) =>
        Assert.Throws<PolicyContractException>(() => PolicySession.Open(policy.Build(), plant, new PolicySessionOptions { Mode = mode }, "policy.onnx"));

    [Fact]
    public void A_matching_model_opens_with_no_errors_or_warnings()
    {
        using var session = PolicySession.Open(new TestPolicy().Build(), Pendulum, new PolicySessionOptions { Mode = PolicyMode.Explore });
        Assert.False(session.Report.HasErrors);
        Assert.Empty(session.Report.Warnings);
        Assert.Equal(7, session.Model.PolicyVersion);
        Assert.Equal("Pendulum-v1", session.Model.EnvId);
        Assert.Equal(64, session.Model.ModelSha256.Length);
    }

    [Fact]
    public void A_model_for_another_environment_is_refused_naming_both_ids_and_what_to_run()
    {
        var e = Refused(new TestPolicy { EnvId = "Rig:direct-drive" }, Pendulum);
        Assert.Contains("trained for environment \"Rig:direct-drive\" but the plant is \"Pendulum-v1\"", e.Message);
        Assert.Contains("--sim Rig:direct-drive", e.Message);
        Assert.Contains("policy.onnx", e.Message);
    }

    [Fact]
    public void A_model_with_a_different_observation_size_is_refused_with_both_sizes()
    {
        var policy = new TestPolicy { ObservationSpace = SpaceSpec.Box([-1, -1, -1, -1], [1, 1, 1, 1]) };
        var e = Refused(policy, Pendulum);
        Assert.Contains("observation space is Box(4)", e.Message);
        Assert.Contains("plant gives Box(3)", e.Message);
        Assert.Contains("\"obs\" has 4 observation values per row but the plant gives 3", e.Message);
    }

    [Fact]
    public void A_continuous_model_on_a_discrete_plant_is_refused_naming_both_kinds()
    {
        var e = Refused(new TestPolicy { EnvId = "CartPole-v1", ObservationSpace = CartPole.ObservationSpace }, CartPole);
        Assert.Contains("acts in a box action space (Box(1)", e.Message);
        Assert.Contains("plant takes discrete actions (Discrete(2))", e.Message);
    }

    [Fact]
    public void A_model_with_more_action_dimensions_is_refused()
    {
        var e = Refused(new TestPolicy { ActionSpace = SpaceSpec.Box([-2, -2], [2, 2]) }, Pendulum);
        Assert.Contains("2 vs 1 action dimensions", e.Message);
        Assert.Contains("\"action\" has 2 action values per row but the plant takes 1", e.Message);
    }

    [Fact]
    public void A_model_without_contract_metadata_is_refused_as_not_from_the_exporter()
    {
        var e = Refused(new TestPolicy { IncludeMetadata = false }, Pendulum);
        Assert.Contains("not written by the TrpoEdge exporter", e.Message);
        Assert.Contains("exporter --onnx", e.Message);
        Assert.Contains("trpoedge.env_id", e.Message);
    }

    [Fact]
    public void A_newer_format_version_asks_for_a_newer_runtime()
    {
        var e = Refused(new TestPolicy { FormatVersion = 2 }, Pendulum);
        Assert.Contains("format version is 2, but this runtime reads version 1. Update the runtime.", e.Message);
    }

    [Fact]
    public void A_misnamed_input_is_reported_with_the_inputs_the_model_has()
    {
        var e = Refused(new TestPolicy { ObservationInputName = "observations" }, Pendulum);
        Assert.Contains("no input \"obs\"; its inputs are observations: float32[?, 3]", e.Message);
    }

    [Fact]
    public void Exploring_needs_the_distribution_outputs_but_deterministic_runs_only_warn()
    {
        var policy = new TestPolicy { IncludeDistributionOutputs = false };
        var e = Refused(policy, Pendulum, PolicyMode.Explore);
        Assert.Contains("no output \"action_mean\" (Gaussian mean (needed to explore))", e.Message);

        using var session = PolicySession.Open(policy.Build(), Pendulum);
        Assert.False(session.Report.HasErrors);
        Assert.Contains(session.Report.Warnings, w => w.Message.Contains("Deterministic runs do not need it"));
    }

    [Fact]
    public void A_fixed_batch_dimension_other_than_one_is_an_error()
    {
        var e = Refused(new TestPolicy { ObservationDims = [8, 3] }, Pendulum);
        Assert.Contains("fixed batch dimension of 8", e.Message);
    }

    [Fact]
    public void A_different_control_period_or_action_bounds_only_warn_with_both_values()
    {
        var policy = new TestPolicy { ControlPeriod = 0.02, ActionSpace = SpaceSpec.Box([-1], [1]) };
        using var session = PolicySession.Open(policy.Build(), Pendulum);
        var warnings = session.Report.Warnings.Select(w => w.Message).ToList();
        Assert.Contains(warnings, w => w.Contains("control period of 0.02 s (50 Hz) but the plant runs at 0.05 s (20 Hz)"));
        Assert.Contains(warnings, w => w.Contains("Action bounds differ") && w.Contains("clamps every action to the plant's bounds"));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var policy = new TestPolicy { EnvId = "Acrobot-v1", ObservationSpace = SpaceSpec.Box([-1, -1, -1, -1, -1, -1], [1, 1, 1, 1, 1, 1]), FormatVersion = 0 };
        var e = Refused(policy, Pendulum);
        Assert.True(e.Report.Errors.Count() >= 4, e.Message);
    }

    [Fact]
    public void Allowing_another_env_turns_only_the_env_id_mismatch_into_a_warning()
    {
        var policy = new TestPolicy { EnvId = "Pendulum-v1" };
        var rig = Pendulum with { EnvId = "Rig:direct-drive" };
        using var session = PolicySession.Open(policy.Build(), rig, new PolicySessionOptions { AllowOtherEnv = true });
        Assert.Contains(session.Report.Warnings, w => w.Message.Contains("runs on \"Rig:direct-drive\" (allowed by request)"));

        var e = Refused(new TestPolicy { ObservationSpace = SpaceSpec.Box([-1, -1], [1, 1]) }, Pendulum);
        Assert.Contains("--allow-other-env", Refused(policy, rig).Message);
        Assert.Contains("Box(2)", e.Message);
    }

    [Fact]
    public void A_continuous_model_on_a_discrete_plant_is_not_also_blamed_for_lacking_discrete_outputs()
    {
        var e = Refused(new TestPolicy { EnvId = "CartPole-v1", ObservationSpace = CartPole.ObservationSpace }, CartPole);
        Assert.DoesNotContain("expected int64", e.Message);
        Assert.DoesNotContain(e.Report.Checks, c => c.Message.Contains("\"logits\""));
    }
}
