using TrpoEdge.Core.Contracts;
using Microsoft.ML.OnnxRuntime;
using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Exporter;

/// <summary>Runs an exported policy model on a batch of observations through ONNX Runtime and returns
/// every contract output. Allocates per call: it serves verification and tests, not the control loop
/// (that is the runtime's policy session).</summary>
public sealed class OnnxPolicyRunner : IDisposable
{
    private readonly OnnxModel _session;

    public OnnxPolicyRunner(string onnxPath, int observationSize, int headSize, bool discrete, InferenceOptions? options = null)
    {
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "Observations need at least one value.");
        if (headSize < 1) throw new ArgumentOutOfRangeException(nameof(headSize), headSize, "The policy head needs at least one output.");
        ObservationSize = observationSize;
        HeadSize = headSize;
        IsDiscrete = discrete;
        _session = OnnxModel.FromFile(onnxPath, options);
    }

    public OnnxModel Session => _session;
    public int ObservationSize { get; }
    public int HeadSize { get; }
    public bool IsDiscrete { get; }

    /// <summary>Float outputs of this head kind, in contract order.</summary>
    public IReadOnlyList<string> FloatOutputs => IsDiscrete
        ? [PolicyModelContract.LogitsOutput]
        : [PolicyModelContract.ActionOutput, PolicyModelContract.ActionMeanOutput, PolicyModelContract.ActionLogStdOutput];

    /// <summary>Runs <paramref name="rows"/> observations (row-major [rows, obs_dim]). Float outputs come back
    /// as [rows * head] arrays keyed by output name; a discrete model's int64 actions in <paramref name="actions"/>.</summary>
    public Dictionary<string, float[]> Run(ReadOnlySpan<float> observations, int rows, out long[]? actions)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Run at least one observation.");
        if (observations.Length != rows * ObservationSize)
            throw new ArgumentException($"{rows} observations of {ObservationSize} values need {rows * ObservationSize} floats; got {observations.Length}.", nameof(observations));
        float[] obs = observations.ToArray();
        long[] headShape = [rows, HeadSize];
        var values = new List<OrtValue>();
        var floats = new Dictionary<string, float[]>(StringComparer.Ordinal);
        actions = null;
        try
        {
            OrtValue input = OrtValue.CreateTensorValueFromMemory(obs, [rows, ObservationSize]);
            values.Add(input);
            var outputs = new List<KeyValuePair<string, OrtValue>>();
            foreach (string name in FloatOutputs)
            {
                var buffer = new float[rows * HeadSize];
                // NaN makes an output that ONNX Runtime never wrote impossible to mistake for a match.
                Array.Fill(buffer, float.NaN);
                floats[name] = buffer;
                OrtValue v = OrtValue.CreateTensorValueFromMemory(buffer, headShape);
                values.Add(v);
                outputs.Add(new(name, v));
            }
            if (IsDiscrete)
            {
                actions = new long[rows];
                Array.Fill(actions, -1L);
                OrtValue v = OrtValue.CreateTensorValueFromMemory(actions, [rows]);
                values.Add(v);
                outputs.Add(new(PolicyModelContract.ActionOutput, v));
            }
            using ModelBinding binding = _session.Bind([new(PolicyModelContract.ObservationInput, input)], outputs);
            binding.Run();
        }
        finally
        {
            foreach (OrtValue v in values) v.Dispose();
        }
        return floats;
    }

    public void Dispose() => _session.Dispose();
}
