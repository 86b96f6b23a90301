using System.Globalization;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Exporter.Onnx;
using TrpoEdge.Exporter.Onnx.Proto;
using DataType = TrpoEdge.Exporter.Onnx.Proto.TensorProto.Types.DataType;

namespace TrpoEdge.Exporter;

/// <summary>Turns a checkpoint's policy into the ONNX graph of docs/ARCHITECTURE.md contract 2:
/// raw <c>obs</c> → Sub(mean) → Div(std) → Clip(±clip) → [Gemm(transB=1) → Tanh|Relu]* → Gemm →
/// continuous: <c>action_mean</c>, <c>action</c> (mean clipped to the bounds), <c>action_log_std</c>;
/// discrete: <c>logits</c>, <c>action</c> (ArgMax, int64).</summary>
public static class PolicyGraphBuilder
{
    public static ModelProto Build(PolicyCheckpoint checkpoint, string checkpointSha256) =>
        Build(PolicyNetwork.From(checkpoint), checkpointSha256);

    public static ModelProto Build(PolicyNetwork network, string checkpointSha256)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointSha256);
        PolicyCheckpoint ckpt = network.Checkpoint;
        OnnxDim batch = OnnxDim.Symbolic(PolicyModelContract.BatchDim);
        int obsDim = network.ObservationSize;
        int headDim = network.HeadSize;

        var g = new OnnxGraphBuilder("trpoedge_policy");
        string obs = g.AddInput(PolicyModelContract.ObservationInput, DataType.Float, batch, obsDim);
        g.Document(obs, PolicyModelContract.Docs.Observation);

        // Observation normalisation exactly as in training: z = clamp((x - mean32) / std32, -clip, clip).
        string mean = g.AddInitializer("obs_norm.mean", network.NormMean, obsDim);
        string std = g.AddInitializer("obs_norm.std", network.NormStd, obsDim);
        string clipLow = g.AddScalar("obs_norm.clip_min", -network.NormClip);
        string clipHigh = g.AddScalar("obs_norm.clip_max", network.NormClip);
        string h = g.AddNode("Sub", "obs_centered", [obs, mean]);
        h = g.AddNode("Div", "obs_scaled", [h, std]);
        h = g.AddNode("Clip", "obs_normalized", [h, clipLow, clipHigh]);

        string headName = network.IsDiscrete ? PolicyModelContract.LogitsOutput : PolicyModelContract.ActionMeanOutput;
        string activationOp = network.Activation == PolicyActivation.Tanh ? "Tanh" : "Relu";
        for (int i = 0; i < network.Layers.Count; i++)
        {
            DenseLayer layer = network.Layers[i];
            // Initializers keep the checkpoint's tensor names and [out, in] layout; transB = 1 computes h·Wᵀ + b.
            string w = g.AddInitializer($"policy.{i}.weight", layer.Weight, layer.Out, layer.In);
            string b = g.AddInitializer($"policy.{i}.bias", layer.Bias, layer.Out);
            bool last = i == network.Layers.Count - 1;
            AttributeProto transB = OnnxAttributes.Int("transB", 1);
            if (last)
            {
                h = g.AddNode("Gemm", [h, w, b], [headName], transB)[0];
            }
            else
            {
                h = g.AddNode("Gemm", $"policy.{i}.linear", [h, w, b], transB);
                h = g.AddNode(activationOp, $"policy.{i}.{activationOp.ToLowerInvariant()}", [h]);
            }
        }

        if (network.IsDiscrete)
            AddDiscreteHead(g, h, batch, headDim);
        else
            AddGaussianHead(g, network, h, batch, headDim);

        return g.Build(new OnnxModelHeader
        {
            IrVersion = PolicyModelContract.IrVersion,
            Opset = PolicyModelContract.Opset,
            ProducerName = PolicyModelContract.ProducerName,
            ProducerVersion = typeof(PolicyGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
            ModelVersion = ckpt.PolicyVersion,
            DocString = $"TrpoEdge policy for {ckpt.EnvId}: hidden [{string.Join(",", ckpt.Hidden ?? [])}] {ckpt.Activation}, "
                + $"{(network.IsDiscrete ? "categorical" : "diagonal Gaussian")} head, policy version {ckpt.PolicyVersion}. "
                + PolicyModelContract.Docs.Metadata,
            Metadata = Metadata(ckpt, checkpointSha256),
        });
    }

    /// <summary>The model contract's metadata_props (docs/ARCHITECTURE.md, "Policy model"), keyed by <see cref="PolicyModelContract.Metadata"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(PolicyCheckpoint checkpoint, string checkpointSha256) =>
    [
        new(PolicyModelContract.Metadata.FormatVersion, PolicyModelContract.FormatVersion.ToString(CultureInfo.InvariantCulture)),
        new(PolicyModelContract.Metadata.EnvId, checkpoint.EnvId),
        new(PolicyModelContract.Metadata.ObservationSpace, checkpoint.ObservationSpace.ToJson()),
        new(PolicyModelContract.Metadata.ActionSpace, checkpoint.ActionSpace.ToJson()),
        new(PolicyModelContract.Metadata.ControlPeriod, checkpoint.ControlPeriod.ToString("R", CultureInfo.InvariantCulture)),
        new(PolicyModelContract.Metadata.PolicyVersion, checkpoint.PolicyVersion.ToString(CultureInfo.InvariantCulture)),
        new(PolicyModelContract.Metadata.CheckpointSha256, checkpointSha256),
    ];

    private static void AddDiscreteHead(OnnxGraphBuilder g, string logits, OnnxDim batch, int actions)
    {
        // select_last_index = 0 (the default): ties go to the first index, like Categorical.ArgMax.
        g.AddNode("ArgMax", [logits], [PolicyModelContract.ActionOutput],
            OnnxAttributes.Int("axis", 1), OnnxAttributes.Int("keepdims", 0));
        g.AddOutput(PolicyModelContract.ActionOutput, DataType.Int64, batch);
        g.AddOutput(logits, DataType.Float, batch, actions);
        g.Document(PolicyModelContract.ActionOutput, PolicyModelContract.Docs.DiscreteAction);
        g.Document(logits, PolicyModelContract.Docs.Logits);
    }

    private static void AddGaussianHead(OnnxGraphBuilder g, PolicyNetwork network, string mean, OnnxDim batch, int actDim)
    {
        float[] low = network.ActionLow, high = network.ActionHigh;
        if (AllEqual(low) && AllEqual(high))
        {
            // One bound for every dimension: Clip takes scalar min and max inputs.
            string lo = g.AddScalar("action_space.low", low[0]);
            string hi = g.AddScalar("action_space.high", high[0]);
            g.AddNode("Clip", [mean, lo, hi], [PolicyModelContract.ActionOutput]);
        }
        else
        {
            // Per-dimension bounds: Clip only takes scalars, so clip(x, low, high) = Min(Max(x, low), high),
            // which broadcasts the [act_dim] bounds over the batch.
            string lo = g.AddInitializer("action_space.low", low, actDim);
            string hi = g.AddInitializer("action_space.high", high, actDim);
            string raised = g.AddNode("Max", "action_raised", [mean, lo]);
            g.AddNode("Min", [raised, hi], [PolicyModelContract.ActionOutput]);
        }

        // log_std is state-independent; Expand to the mean's shape copies it exactly (no arithmetic).
        string logStd = g.AddInitializer("policy.log_std", network.LogStd, actDim);
        string shape = g.AddNode("Shape", "action_mean_shape", [mean]);
        g.AddNode("Expand", [logStd, shape], [PolicyModelContract.ActionLogStdOutput]);

        g.AddOutput(PolicyModelContract.ActionOutput, DataType.Float, batch, actDim);
        g.AddOutput(mean, DataType.Float, batch, actDim);
        g.AddOutput(PolicyModelContract.ActionLogStdOutput, DataType.Float, batch, actDim);
        g.Document(PolicyModelContract.ActionOutput, PolicyModelContract.Docs.ContinuousAction);
        g.Document(mean, PolicyModelContract.Docs.ActionMean);
        g.Document(PolicyModelContract.ActionLogStdOutput, PolicyModelContract.Docs.ActionLogStd);
    }

    private static bool AllEqual(float[] values)
    {
        for (int i = 1; i < values.Length; i++)
            if (!values[i].Equals(values[0])) return false;
        return true;
    }
}
