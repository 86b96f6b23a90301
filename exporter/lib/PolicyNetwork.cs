using System.Globalization;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Exporter;

/// <summary>The policy half of a checkpoint, checked for internal consistency and reduced to the float32
/// numbers that both the ONNX graph and <see cref="PolicyReferenceForward"/> use. Deriving the
/// normaliser's float32 mean and standard deviation in one place is what makes the two agree bit for bit
/// before the MLP starts. A checkpoint built in memory never went through <c>PolicyCheckpoint.Load</c>,
/// so everything Load would refuse is refused here too, naming the tensor.</summary>
public sealed class PolicyNetwork
{
    private PolicyNetwork(PolicyCheckpoint checkpoint, float[] normMean, float[] normStd, PolicyActivation activation)
    {
        Checkpoint = checkpoint;
        NormMean = normMean;
        NormStd = normStd;
        Activation = activation;
    }

    public PolicyCheckpoint Checkpoint { get; }
    public int ObservationSize => Checkpoint.ObservationSpace.Size;
    public bool IsDiscrete => Checkpoint.ActionSpace.Kind == SpaceKind.Discrete;
    /// <summary>Width of the last layer: act_dim (Gaussian mean) or the number of actions (logits).</summary>
    public int HeadSize => Checkpoint.ActionSpace.Size;
    public IReadOnlyList<DenseLayer> Layers => Checkpoint.PolicyLayers;
    public PolicyActivation Activation { get; }
    /// <summary>float32 normaliser mean: <c>(float)Mean[j]</c>.</summary>
    public float[] NormMean { get; }
    /// <summary>float32 normaliser standard deviation: <c>(float)Math.Sqrt(Var[j] + Epsilon)</c>.</summary>
    public float[] NormStd { get; }
    public float NormClip => Checkpoint.ObsNorm.Clip;
    /// <summary>Continuous policies only.</summary>
    public float[] LogStd => Checkpoint.LogStd ?? [];
    public float[] ActionLow => Checkpoint.ActionSpace.Low;
    public float[] ActionHigh => Checkpoint.ActionSpace.High;

    /// <summary>Learned policy parameters: every weight and bias, plus log_std for a Gaussian policy.</summary>
    public long ParameterCount
    {
        get
        {
            long n = LogStd.Length;
            foreach (DenseLayer l in Layers) n += l.Weight.Length + l.Bias.Length;
            return n;
        }
    }

    public static PolicyNetwork From(PolicyCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        SpaceSpec obsSpace = checkpoint.ObservationSpace;
        SpaceSpec actSpace = checkpoint.ActionSpace;
        if (obsSpace.Kind != SpaceKind.Box)
            throw new InvalidDataException(
                $"The observation space is {obsSpace}; an exported policy takes float observations, so only a box observation space can be exported.");

        PolicyActivation activation = checkpoint.Activation switch
        {
            "tanh" => PolicyActivation.Tanh,
            "relu" => PolicyActivation.Relu,
            _ => throw new InvalidDataException(
                $"Checkpoint metadata \"activation\" is \"{checkpoint.Activation}\"; the exporter knows \"tanh\" and \"relu\"."),
        };

        IReadOnlyList<DenseLayer> layers = checkpoint.PolicyLayers;
        int[] hidden = checkpoint.Hidden ?? [];
        if (layers.Count != hidden.Length + 1)
            throw new InvalidDataException(
                $"The checkpoint has {layers.Count} policy layers but hidden sizes [{string.Join(",", hidden)}] call for {hidden.Length + 1} (tensors policy.0 .. policy.{hidden.Length}).");
        int expectedIn = obsSpace.Size;
        for (int i = 0; i < layers.Count; i++)
        {
            DenseLayer l = layers[i];
            int expectedOut = i < hidden.Length ? hidden[i] : actSpace.Size;
            if (l.In != expectedIn || l.Out != expectedOut)
                throw new InvalidDataException(
                    $"Tensor policy.{i}.weight is [{l.Out}, {l.In}] but the network shape calls for [{expectedOut}, {expectedIn}] "
                    + $"(observation size {obsSpace.Size}, hidden [{string.Join(",", hidden)}], {(actSpace.Kind == SpaceKind.Discrete ? "actions" : "action size")} {actSpace.Size}).");
            if (l.Weight.Length != (long)l.In * l.Out)
                throw new InvalidDataException($"Tensor policy.{i}.weight holds {l.Weight.Length} values; shape [{l.Out}, {l.In}] needs {(long)l.In * l.Out}.");
            if (l.Bias.Length != l.Out)
                throw new InvalidDataException($"Tensor policy.{i}.bias holds {l.Bias.Length} values; layer {i} has {l.Out} outputs.");
            RequireFinite(l.Weight, $"policy.{i}.weight");
            RequireFinite(l.Bias, $"policy.{i}.bias");
            expectedIn = l.Out;
        }

        if (actSpace.Kind == SpaceKind.Box)
        {
            float[] logStd = checkpoint.LogStd
                ?? throw new InvalidDataException("Tensor policy.log_std is missing; a continuous (box) action space needs it.");
            if (logStd.Length != actSpace.Size)
                throw new InvalidDataException($"Tensor policy.log_std holds {logStd.Length} values; the action space has {actSpace.Size} dimensions.");
            RequireFinite(logStd, "policy.log_std");
        }

        ObservationNormState norm = checkpoint.ObsNorm
            ?? throw new InvalidDataException("The observation normaliser (obs_norm.mean, obs_norm.var) is missing.");
        if (norm.Mean.Length != obsSpace.Size)
            throw new InvalidDataException($"Tensor obs_norm.mean holds {norm.Mean.Length} values; the observation space has {obsSpace.Size} dimensions.");
        if (norm.Var.Length != obsSpace.Size)
            throw new InvalidDataException($"Tensor obs_norm.var holds {norm.Var.Length} values; the observation space has {obsSpace.Size} dimensions.");
        if (!(norm.Clip > 0) || !float.IsFinite(norm.Clip))
            throw new InvalidDataException($"Checkpoint metadata \"obs_clip\" is {F(norm.Clip)}; it must be a positive finite number.");
        if (!(norm.Epsilon >= 0) || !float.IsFinite(norm.Epsilon))
            throw new InvalidDataException($"Checkpoint metadata \"obs_epsilon\" is {F(norm.Epsilon)}; it must be a non-negative finite number.");

        var mean32 = new float[obsSpace.Size];
        var std32 = new float[obsSpace.Size];
        for (int j = 0; j < mean32.Length; j++)
        {
            mean32[j] = (float)norm.Mean[j];
            std32[j] = (float)Math.Sqrt(norm.Var[j] + norm.Epsilon);
            if (!float.IsFinite(mean32[j]))
                throw new InvalidDataException($"Tensor obs_norm.mean[{j}] is {norm.Mean[j].ToString("R", CultureInfo.InvariantCulture)}, which is not a finite float32.");
            if (!(std32[j] > 0) || !float.IsFinite(std32[j]))
                throw new InvalidDataException(
                    $"Tensor obs_norm.var[{j}] is {norm.Var[j].ToString("R", CultureInfo.InvariantCulture)}; with epsilon {F(norm.Epsilon)} it gives standard deviation {F(std32[j])}, which cannot divide an observation.");
        }

        return new PolicyNetwork(checkpoint, mean32, std32, activation);
    }

    private static void RequireFinite(float[] values, string tensor)
    {
        for (int k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k]))
                throw new InvalidDataException($"Tensor {tensor} holds {F(values[k])} at flat index {k}; a policy with non-finite parameters cannot be exported.");
    }

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
