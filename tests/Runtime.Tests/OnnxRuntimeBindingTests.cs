using TrpoEdge.Core.Contracts;
using TrpoEdge.Runtime.OnnxRuntime;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

public sealed class OnnxRuntimeBindingTests
{
    [Fact]
    public void The_loaded_library_is_onnx_runtime_1_23_2()
    {
        Assert.Equal("1.23.2", OrtEnvironment.Instance.Version);
        Assert.True(File.Exists(OrtEnvironment.Instance.LibraryPath));
    }

    [Fact]
    public void Garbage_bytes_fail_with_onnx_runtimes_own_message_and_code()
    {
        byte[] garbage = "this is not an onnx model"u8.ToArray();
        var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(garbage));
        // ORT's own words: "Failed to load model because protobuf parsing failed."
        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.ErrorCode);
        Assert.Contains("protobuf parsing failed", e.Message);
        Assert.Contains("while loading a model of 25 bytes", e.Message);
    }

    [Fact]
    public void A_graph_with_an_unknown_operator_fails_with_the_operator_named()
    {
        byte[] model = new OnnxModelBuilder()
            .Input("x", OnnxModelBuilder.Float, 1)
            .Node("NoSuchOperator", ["x"], ["y"])
            .Output("y", OnnxModelBuilder.Float, 1)
            .Build();
        var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(model));
        Assert.Contains("NoSuchOperator", e.Message);
        Assert.NotEqual(OrtErrorCode.Ok, e.ErrorCode);
    }

    [Fact]
    public void Session_reports_inputs_outputs_with_types_and_symbolic_batch_dims()
    {
        using var session = new InferenceSession(new TestPolicy().Build());
        NodeInfo obs = Assert.Single(session.Inputs);
        Assert.Equal("obs", obs.Name);
        Assert.Equal(TensorElementType.Float, obs.ElementType);
        Assert.Equal([-1L, 3L], obs.Dimensions);
        Assert.Equal(["action", "action_mean", "action_log_std"], session.Outputs.Select(o => o.Name));
        Assert.All(session.Outputs, o => Assert.Equal(TensorElementType.Float, o.ElementType));
        Assert.Equal("obs: float[?, 3]", obs.ToString());
    }

    [Fact]
    public void Metadata_custom_map_lookup_and_keys_match_what_was_written()
    {
        using var session = new InferenceSession(new TestPolicy { PolicyVersion = 42 }.Build());
        ModelMetadata m = session.Metadata;
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
        using var session = new InferenceSession(policy.Build());
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
    public void Discrete_model_returns_int64_argmax_and_logits()
    {
        var policy = new TestPolicy { ObservationSpace = TrpoEdge.Core.Spaces.SpaceSpec.Box([-5, -5, -5, -5], [5, 5, 5, 5]), ActionSpace = TrpoEdge.Core.Spaces.SpaceSpec.Discrete(2), EnvId = "CartPole-v1" };
        using var session = new InferenceSession(policy.Build());
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
        using var session = new InferenceSession(new TestPolicy().Build());
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
    public void A_wrongly_shaped_bound_input_fails_at_run_with_orts_message()
    {
        // Binding a 4-wide observation to a model that takes 3: ORT checks dims at Run.
        using var session = new InferenceSession(new TestPolicy().Build());
        using var runner = new PolicyRunner(session, 1, observationSize: 4, actionSize: 1, discrete: false);
        var e = Assert.Throws<OnnxRuntimeException>(runner.Run);
        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains("obs", e.Message);
        Assert.Contains("while running the model", e.Message);
    }

    [Fact]
    public void Binding_an_unknown_output_name_lists_the_models_outputs()
    {
        using var session = new InferenceSession(new TestPolicy().Build());
        using var value = OrtValue.CreateTensor<float>(new float[3], [1, 3]);
        var e = Assert.Throws<ArgumentException>(() => session.Bind([new("obs", value)], [new("value", value)]));
        Assert.Contains("no output \"value\"", e.Message);
        Assert.Contains("action_mean: float[?, 1]", e.Message);
    }

    [Fact]
    public void A_tensor_over_a_too_small_buffer_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor<float>(new float[5], [2, 3]));
        Assert.Contains("needs 6 elements but the buffer holds 5", e.Message);
    }

    [Fact]
    public void Disposing_values_before_the_binding_keeps_the_run_valid()
    {
        using var session = new InferenceSession(new TestPolicy().Build());
        float[] obs = [1, 0, 0];
        float[] act = new float[1];
        var o = OrtValue.CreateTensor<float>(obs, [1, 3]);
        var a = OrtValue.CreateTensor<float>(act, [1, 1]);
        using SessionBinding binding = session.Bind([new("obs", o)], [new("action", a)]);
        o.Dispose();
        a.Dispose();
        binding.Run();
        Assert.Equal(0.6f, act[0], 5);
    }
}
