using System.Globalization;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Runtime.Tests.Models;

/// <summary>A linear policy model written by hand (mean = obs·W + b), with knobs to break each part
/// of the contract. Its outputs are simple enough to check against arithmetic done in the test.</summary>
internal sealed record TestPolicy
{
    public string EnvId { get; init; } = "Pendulum-v1";
    public SpaceSpec ObservationSpace { get; init; } = PendulumObs;
    public SpaceSpec ActionSpace { get; init; } = PendulumAct;
    public double ControlPeriod { get; init; } = 0.05;
    public long PolicyVersion { get; init; } = 7;
    public int FormatVersion { get; init; } = PolicyModelContract.FormatVersion;
    /// <summary>[obs, act] row-major (obs·W): W[i*act + j].</summary>
    public float[]? Weight { get; init; }
    public float[]? Bias { get; init; }
    public float[]? LogStd { get; init; }
    public string ObservationInputName { get; init; } = PolicyModelContract.ObservationInput;
    public bool IncludeDistributionOutputs { get; init; } = true;
    public bool IncludeMetadata { get; init; } = true;
    /// <summary>Overrides the declared obs input dims (e.g. to claim 4 observations).</summary>
    public object[]? ObservationDims { get; init; }

    public static SpaceSpec PendulumObs => SpaceSpec.Box([-1, -1, -8], [1, 1, 8]);
    public static SpaceSpec PendulumAct => SpaceSpec.Box([-2], [2]);

    public int ObsSize => ObservationSpace.FlatSize;
    public int ActSize => ActionSpace.Size;

    public float[] W => Weight ?? Enumerable.Range(0, ObsSize * ActSize).Select(k => 0.5f - 0.25f * k).ToArray();
    public float[] B => Bias ?? Enumerable.Range(0, ActSize).Select(j => 0.1f * (j + 1)).ToArray();
    public float[] S => LogStd ?? Enumerable.Range(0, ActSize).Select(j => -0.5f + 0.1f * j).ToArray();

    /// <summary>What the model computes, in float32 like ORT: mean (or logits) for one observation.</summary>
    public float[] Mean(ReadOnlySpan<float> obs)
    {
        float[] w = W, b = B;
        var m = new float[ActSize];
        for (int j = 0; j < ActSize; j++)
        {
            float s = 0;
            for (int i = 0; i < ObsSize; i++) s += obs[i] * w[i * ActSize + j];
            m[j] = s + b[j];
        }
        return m;
    }

    public byte[] Build()
    {
        bool discrete = ActionSpace.Kind == SpaceKind.Discrete;
        var g = new OnnxModelBuilder()
            .Input(ObservationInputName, OnnxModelBuilder.Float, ObservationDims ?? ["batch", ObsSize])
            .Initializer("W", [ObsSize, ActSize], W)
            .Initializer("b", [ActSize], B);
        if (discrete)
        {
            g.Node("MatMul", [ObservationInputName, "W"], ["xw"])
             .Node("Add", ["xw", "b"], [PolicyModelContract.LogitsOutput])
             .Node("ArgMax", [PolicyModelContract.LogitsOutput], [PolicyModelContract.ActionOutput], ("axis", 1), ("keepdims", 0))
             .Output(PolicyModelContract.ActionOutput, OnnxModelBuilder.Int64, "batch");
            if (IncludeDistributionOutputs) g.Output(PolicyModelContract.LogitsOutput, OnnxModelBuilder.Float, "batch", ActSize);
        }
        else
        {
            g.Initializer("low", [ActSize], ActionSpace.Low)
             .Initializer("high", [ActSize], ActionSpace.High)
             .Initializer("log_std", [ActSize], S)
             .Initializer("zero", [1], [0f])
             .Node("MatMul", [ObservationInputName, "W"], ["xw"])
             .Node("Add", ["xw", "b"], [PolicyModelContract.ActionMeanOutput])
             .Node("Min", [PolicyModelContract.ActionMeanOutput, "high"], ["clip_hi"])
             .Node("Max", ["clip_hi", "low"], [PolicyModelContract.ActionOutput])
             .Node("Mul", [PolicyModelContract.ActionMeanOutput, "zero"], ["zeros"])
             .Node("Add", ["zeros", "log_std"], [PolicyModelContract.ActionLogStdOutput])
             .Output(PolicyModelContract.ActionOutput, OnnxModelBuilder.Float, "batch", ActSize);
            if (IncludeDistributionOutputs)
                g.Output(PolicyModelContract.ActionMeanOutput, OnnxModelBuilder.Float, "batch", ActSize)
                 .Output(PolicyModelContract.ActionLogStdOutput, OnnxModelBuilder.Float, "batch", ActSize);
        }
        if (IncludeMetadata)
        {
            g.Metadata(PolicyModelContract.Metadata.FormatVersion, FormatVersion.ToString(CultureInfo.InvariantCulture))
             .Metadata(PolicyModelContract.Metadata.EnvId, EnvId)
             .Metadata(PolicyModelContract.Metadata.ObservationSpace, ObservationSpace.ToJson())
             .Metadata(PolicyModelContract.Metadata.ActionSpace, ActionSpace.ToJson())
             .Metadata(PolicyModelContract.Metadata.ControlPeriod, ControlPeriod.ToString("R", CultureInfo.InvariantCulture))
             .Metadata(PolicyModelContract.Metadata.PolicyVersion, PolicyVersion.ToString(CultureInfo.InvariantCulture))
             .Metadata(PolicyModelContract.Metadata.CheckpointSha256, new string('a', 64));
        }
        return g.Build();
    }
}
