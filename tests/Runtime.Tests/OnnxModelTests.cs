using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Runtime.Inference;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary>The runtime's use of Microsoft.ML.OnnxRuntime, against the real native library from NuGet: model
/// description, metadata, hand-computed outputs through pre-bound buffers, zero managed bytes per run, and
/// ORT's own errors passed through.</summary>
public sealed class OnnxModelTests
{
    [Fact]
    public void The_loaded_library_is_onnx_runtime_1_32_0_with_the_cpu_provider()
    {
        Assert.Equal("1.32.0", OnnxRuntimeEnvironment.Version);
        Assert.Contains("CPUExecutionProvider", OnnxRuntimeEnvironment.AvailableProviders);
    }

    [Fact]
    public void Garbage_bytes_fail_with_onnx_runtimes_own_message()
    {
        byte[] garbage = "this is not an onnx model"u8.ToArray();
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxModel(garbage));
        // ORT's own words: "Failed to load model because protobuf parsing failed."
        Assert.Contains("protobuf parsing failed", e.Message);
    }

    [Fact]
    public void A_graph_with_an_unknown_operator_fails_with_the_operator_named()
    {
        byte[] model = new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1)
            .Node("NoSuchOperator", ["x"], ["y"])
            .Output("y", OnnxModelBuilder.Float, 1)
            .Build();
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxModel(model));
        Assert.Contains("NoSuchOperator", e.Message);
    }

    [Fact]
    public void An_empty_model_is_refused_before_onnx_runtime_sees_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new OnnxModel([]));
        Assert.Contains("empty (0 bytes)", e.Message);
    }

    [Fact]
    public void Model_reports_inputs_outputs_with_types_and_symbolic_batch_dims()
    {
        using var session = new OnnxModel(new TestPolicy().Build());
        NodeInfo obs = Assert.Single(session.Inputs);
        Assert.Equal("obs", obs.Name);
        Assert.Equal(TensorElementType.Float, obs.ElementType);
        Assert.Equal([-1L, 3L], obs.Dimensions);
        Assert.Equal(["action", "action_mean", "action_log_std"], session.Outputs.Select(o => o.Name));
        Assert.All(session.Outputs, o => Assert.Equal(TensorElementType.Float, o.ElementType));
        Assert.Equal("obs: float32[?, 3]", obs.ToString());
        Assert.Equal(InferenceDevice.Cpu, session.Device);
    }

    [Fact]
    public void Metadata_custom_map_lookup_and_keys_match_what_was_written()
    {
        using var session = new OnnxModel(new TestPolicy { PolicyVersion = 42 }.Build());
        OnnxModelMetadata m = session.Metadata;
        Assert.Equal("trpoedge-tests", m.ProducerName);
        Assert.Equal("42", m.LookupCustomMetadata(PolicyModelContract.Metadata.PolicyVersion));
        Assert.Equal("Pendulum-v1", m.LookupCustomMetadata(PolicyModelContract.Metadata.EnvId));
        Assert.Null(m.LookupCustomMetadata("no.such.key"));
        Assert.Equal(7, m.CustomMetadataKeys.Count);
        Assert.Contains(PolicyModelContract.Metadata.ControlPeriod, m.CustomMetadataKeys);
    }

    [Fact]
    public void Bound_run_writes_hand_computed_values_into_the_callers_buffers_at_batch_4()
    {
        var policy = new TestPolicy();
        using var session = new OnnxModel(policy.Build());
        using var runner = new PolicyRunner(session, batch: 4, observationSize: 3, actionSize: 1, discrete: false);
        float[][] rows = [[1, 0, 0], [0, 1, 2], [-1, 0.5f, 8], [-6, 0, 0]];
        for (int r = 0; r < 4; r++) rows[r].CopyTo(runner.Observations.Slice(r * 3, 3));
        runner.Run();
        for (int r = 0; r < 4; r++)
        {
            float mean = policy.Mean(rows[r])[0];
            Assert.Equal(mean, runner.ActionMean[r], 5);
            Assert.Equal(Math.Clamp(mean, -2f, 2f), runner.Action[r], 5);
            Assert.Equal(policy.S[0], runner.ActionLogStd[r]);
        }
        // By hand, W = [0.5, 0.25, 0], b = 0.1: row 2 -> -0.5 + 0.125 + 0.1 = -0.275; row 3 -> -3 + 0.1 = -2.9, clipped to -2.
        Assert.Equal(-0.275f, runner.Action[2], 6);
        Assert.Equal(-2.9f, runner.ActionMean[3], 6);
        Assert.Equal(-2f, runner.Action[3]);
    }

    [Fact]
    public void Every_run_reads_the_current_observations_not_a_copy_taken_at_bind_time()
    {
        using var session = new OnnxModel(new TestPolicy().Build());
        using var runner = new PolicyRunner(session, 1, 3, 1, discrete: false, withDistribution: false);
        float[] seen = new float[3];
        for (int i = 0; i < 3; i++)
        {
            runner.Observations[0] = i; // action = clip(0.5 * obs0 + 0.1)
            runner.Run();
            seen[i] = runner.Action[0];
        }
        Assert.Equal([0.1f, 0.6f, 1.1f], seen.Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void Discrete_model_returns_int64_argmax_and_logits()
    {
        var policy = new TestPolicy { ObservationSpace = TrpoEdge.Core.Spaces.SpaceSpec.Box([-5, -5, -5, -5], [5, 5, 5, 5]), ActionSpace = TrpoEdge.Core.Spaces.SpaceSpec.Discrete(2), EnvId = "CartPole-v1" };
        using var session = new OnnxModel(policy.Build());
        using var runner = PolicyRunner.ForModel(session, batch: 2);
        Assert.True(runner.IsDiscrete);
        float[] a = [1, 2, 3, 4], b = [-1, 0, 0, 4];
        a.CopyTo(runner.Observations);
        b.CopyTo(runner.Observations[4..]);
        runner.Run();
        float[] la = policy.Mean(a), lb = policy.Mean(b);
        Assert.Equal(la[0], runner.Logits[0], 4);
        Assert.Equal(lb[1], runner.Logits[3], 4);
        Assert.Equal(la[1] > la[0] ? 1L : 0L, runner.DiscreteAction[0]);
        Assert.Equal(lb[1] > lb[0] ? 1L : 0L, runner.DiscreteAction[1]);
    }

    [Fact]
    public void Steady_state_run_allocates_no_managed_bytes()
    {
        using var session = new OnnxModel(new TestPolicy().Build());
        using var runner = new PolicyRunner(session, 1, 3, 1, discrete: false);
        for (int i = 0; i < 100; i++) runner.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            runner.Observations[0] = i * 1e-4f;
            runner.Run();
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }

    [Fact]
    public void Steady_state_policy_act_allocates_no_managed_bytes_deterministic_or_exploring()
    {
        var plant = new PlantDescription("Pendulum-v1", TrpoEdge.Core.Spaces.SpaceSpec.Box([-1, -1, -8], [1, 1, 8]), TrpoEdge.Core.Spaces.SpaceSpec.Box([-2], [2]), 0.05);
        foreach (PolicyMode mode in new[] { PolicyMode.Deterministic, PolicyMode.Explore })
        {
            using var policy = PolicySession.Open(new TestPolicy().Build(), plant, new PolicySessionOptions { Mode = mode, Seed = 1 });
            float[] obs = [0.3f, -0.9f, 1.7f], action = new float[1];
            for (int i = 0; i < 100; i++) policy.Act(obs, action);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                obs[2] = (i & 15) * 0.1f;
                policy.Act(obs, action);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void A_wrongly_shaped_bound_input_fails_at_run_with_orts_message()
    {
        // Binding a 4-wide observation to a model that takes 3: ORT checks dims at Run.
        using var session = new OnnxModel(new TestPolicy().Build());
        using var runner = new PolicyRunner(session, 1, observationSize: 4, actionSize: 1, discrete: false);
        var e = Assert.Throws<OnnxRuntimeException>(runner.Run);
        Assert.Contains("obs", e.Message);
    }

    [Fact]
    public void Binding_an_unknown_output_name_lists_the_models_outputs()
    {
        using var session = new OnnxModel(new TestPolicy().Build());
        using var value = OrtValue.CreateTensorValueFromMemory(new float[3], [1, 3]);
        var e = Assert.Throws<ArgumentException>(() => session.Bind([new("obs", value)], [new("value", value)]));
        Assert.Contains("no output \"value\"", e.Message);
        Assert.Contains("action_mean: float32[?, 1]", e.Message);
    }

    [Fact]
    public void A_disposed_binding_refuses_to_run()
    {
        using var session = new OnnxModel(new TestPolicy().Build());
        var runner = new PolicyRunner(session, 1, 3, 1, discrete: false);
        runner.Dispose();
        Assert.Throws<ObjectDisposedException>(runner.Run);
    }
}
