using TrpoEdge.Core.Contracts;
using Microsoft.ML.OnnxRuntime;
using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Runtime.Policy;

/// <summary>Runs a policy model (DESIGN.md contract 2) on pinned, reused buffers: write observations
/// into <see cref="Observations"/>, call <see cref="Run"/>, read the outputs. After construction a Run
/// allocates nothing managed. Works at batch 1 (control loop) or N (the exporter's verification).</summary>
public sealed class PolicyRunner : IDisposable
{
    private readonly float[] _obs;
    private readonly float[] _action;
    private readonly long[] _discreteAction;
    private readonly float[] _mean;
    private readonly float[] _logStd;
    private readonly float[] _logits;
    private readonly List<OrtValue> _values = [];
    private readonly ModelBinding _binding;

    /// <param name="actionSize">Continuous: action dimensions. Discrete: number of actions (logits per row).</param>
    /// <param name="withDistribution">Also bind action_mean/action_log_std (continuous) or logits (discrete),
    /// which exploration needs; deterministic runs can skip them.</param>
    public PolicyRunner(OnnxModel session, int batch, int observationSize, int actionSize, bool discrete, bool withDistribution = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Batch must be at least 1.");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "Observation size must be at least 1.");
        if (actionSize < 1) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, "Action size must be at least 1.");
        Batch = batch;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        IsDiscrete = discrete;

        _obs = GC.AllocateArray<float>(batch * observationSize, pinned: true);
        _action = discrete ? [] : GC.AllocateArray<float>(batch * actionSize, pinned: true);
        _discreteAction = discrete ? GC.AllocateArray<long>(batch, pinned: true) : [];
        _mean = !discrete && withDistribution ? GC.AllocateArray<float>(batch * actionSize, pinned: true) : [];
        _logStd = !discrete && withDistribution ? GC.AllocateArray<float>(batch * actionSize, pinned: true) : [];
        _logits = discrete && withDistribution ? GC.AllocateArray<float>(batch * actionSize, pinned: true) : [];

        try
        {
            var inputs = new List<KeyValuePair<string, OrtValue>> { new(PolicyModelContract.ObservationInput, Tensor(_obs, batch, observationSize)) };
            var outputs = new List<KeyValuePair<string, OrtValue>>();
            if (discrete)
            {
                outputs.Add(new(PolicyModelContract.ActionOutput, Tensor(_discreteAction, batch)));
                if (withDistribution) outputs.Add(new(PolicyModelContract.LogitsOutput, Tensor(_logits, batch, actionSize)));
            }
            else
            {
                outputs.Add(new(PolicyModelContract.ActionOutput, Tensor(_action, batch, actionSize)));
                if (withDistribution)
                {
                    outputs.Add(new(PolicyModelContract.ActionMeanOutput, Tensor(_mean, batch, actionSize)));
                    outputs.Add(new(PolicyModelContract.ActionLogStdOutput, Tensor(_logStd, batch, actionSize)));
                }
            }
            _binding = session.Bind(inputs, outputs);
        }
        catch
        {
            foreach (OrtValue v in _values) v.Dispose();
            _values.Clear();
            throw;
        }
    }

    /// <summary>Sizes taken from the model's own fixed dimensions (obs [?, n], logits or action [?, m]).</summary>
    public static PolicyRunner ForModel(OnnxModel session, int batch, bool withDistribution = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        NodeInfo obs = session.FindInput(PolicyModelContract.ObservationInput)
            ?? throw new ArgumentException($"The model has no \"{PolicyModelContract.ObservationInput}\" input; it has: {string.Join(", ", session.Inputs)}.");
        bool discrete = session.FindOutput(PolicyModelContract.LogitsOutput) is not null;
        NodeInfo sizing = (discrete ? session.FindOutput(PolicyModelContract.LogitsOutput) : session.FindOutput(PolicyModelContract.ActionOutput))
            ?? throw new ArgumentException($"The model has no \"{PolicyModelContract.ActionOutput}\" output; it has: {string.Join(", ", session.Outputs)}.");
        return new PolicyRunner(session, batch, FixedLastDim(obs), FixedLastDim(sizing), discrete, withDistribution);
    }

    public int Batch { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public bool IsDiscrete { get; }

    /// <summary>[batch * observationSize], row-major: fill before <see cref="Run"/>.</summary>
    public Span<float> Observations => _obs;
    /// <summary>Continuous: the model's deterministic (clipped) action, [batch * actionSize].</summary>
    public ReadOnlySpan<float> Action => _action;
    /// <summary>Discrete: the model's argmax action, [batch].</summary>
    public ReadOnlySpan<long> DiscreteAction => _discreteAction;
    public ReadOnlySpan<float> ActionMean => _mean;
    public ReadOnlySpan<float> ActionLogStd => _logStd;
    public ReadOnlySpan<float> Logits => _logits;

    public void Run() => _binding.Run();

    public void Dispose()
    {
        _binding.Dispose();
        foreach (OrtValue v in _values) v.Dispose();
    }

    private OrtValue Tensor<T>(T[] buffer, params long[] shape) where T : unmanaged
    {
        // The arrays are pinned for their lifetime (GC.AllocateArray pinned), so ORT reads and writes them in place.
        OrtValue v = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        _values.Add(v);
        return v;
    }

    private static int FixedLastDim(NodeInfo node)
    {
        if (node.Dimensions.Count != 2 || node.Dimensions[1] < 1)
            throw new ArgumentException($"Model {node} needs a fixed last dimension ([batch, n]) to size the buffers.");
        return (int)node.Dimensions[1];
    }
}
