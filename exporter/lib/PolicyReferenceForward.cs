using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Exporter;

/// <summary>The trainer's forward pass, recomputed in float32 straight from the checkpoint's tensors
/// (the exporter may not reference the trainer): z = clamp((x - mean32) / std32, ±clip);
/// h_{i+1} = act(h_i·W_iᵀ + b_i); the last layer is linear. <c>--verify</c> holds the ONNX model to this.
/// Not thread-safe: one instance owns its scratch buffers so a call allocates nothing.</summary>
public sealed class PolicyReferenceForward
{
    private readonly PolicyNetwork _net;
    private readonly float[] _a;
    private readonly float[] _b;

    public PolicyReferenceForward(PolicyCheckpoint checkpoint) : this(PolicyNetwork.From(checkpoint)) { }

    public PolicyReferenceForward(PolicyNetwork network)
    {
        _net = network ?? throw new ArgumentNullException(nameof(network));
        int widest = network.ObservationSize;
        foreach (DenseLayer l in network.Layers) widest = Math.Max(widest, l.Out);
        _a = new float[widest];
        _b = new float[widest];
    }

    public PolicyNetwork Network => _net;
    public int ObservationSize => _net.ObservationSize;
    public int HeadSize => _net.HeadSize;
    public bool IsDiscrete => _net.IsDiscrete;

    /// <summary>The last layer's output for one raw observation: the Gaussian mean, or the logits.</summary>
    public void Head(ReadOnlySpan<float> observation, Span<float> head)
    {
        if (observation.Length != _net.ObservationSize)
            throw new ArgumentException($"Expected an observation of {_net.ObservationSize} floats; got {observation.Length}.", nameof(observation));
        if (head.Length != _net.HeadSize)
            throw new ArgumentException($"Expected a head buffer of {_net.HeadSize} floats; got {head.Length}.", nameof(head));

        Span<float> x = _a.AsSpan(0, observation.Length);
        float[] mean = _net.NormMean, std = _net.NormStd;
        float clip = _net.NormClip;
        for (int j = 0; j < x.Length; j++)
            x[j] = Math.Clamp((observation[j] - mean[j]) / std[j], -clip, clip);

        float[] cur = _a, next = _b;
        IReadOnlyList<DenseLayer> layers = _net.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            DenseLayer l = layers[i];
            bool last = i == layers.Count - 1;
            Span<float> y = last ? head : next.AsSpan(0, l.Out);
            ReadOnlySpan<float> input = cur.AsSpan(0, l.In);
            for (int o = 0; o < l.Out; o++)
            {
                ReadOnlySpan<float> row = l.Weight.AsSpan(o * l.In, l.In);
                float sum = 0f;
                for (int k = 0; k < row.Length; k++) sum += row[k] * input[k];
                float v = sum + l.Bias[o];
                if (!last) v = _net.Activation == PolicyActivation.Tanh ? MathF.Tanh(v) : MathF.Max(v, 0f);
                y[o] = v;
            }
            (cur, next) = (next, cur);
        }
    }

    /// <summary>Continuous policies: the deterministic action, clip(mean, low, high) per dimension.</summary>
    public void ClipToBounds(ReadOnlySpan<float> mean, Span<float> action)
    {
        float[] low = _net.ActionLow, high = _net.ActionHigh;
        for (int j = 0; j < mean.Length; j++) action[j] = MathF.Min(MathF.Max(mean[j], low[j]), high[j]);
    }

    /// <summary>Continuous policies: the state-independent log standard deviation.</summary>
    public ReadOnlySpan<float> LogStd => _net.LogStd;
}
