using TrpoEdge.Sim.Random;

namespace TrpoEdge.Trainer.Engine;

/// <summary>A multilayer perceptron over batches: h₀ = x, h_{i+1} = act(h_i·W_iᵀ + b_i) for hidden layers, the last
/// layer linear. Weights use PyTorch's [out, in] row-major layout and live in one flat parameter vector
/// (W₀, b₀, W₁, b₁, …) so optimisers and TRPO's conjugate gradient see a single vector.
///
/// <see cref="Forward"/> caches the batch's activations; <see cref="Backward"/> (reverse mode, VJP) and
/// <see cref="Jvp"/> (forward mode) then differentiate at that batch. TRPO's Fisher-vector product for a policy is
/// Jᵀ·M·J·v: one <see cref="Jvp"/>, a per-sample metric, one <see cref="Backward"/>. Buffers grow to the largest
/// batch seen and are reused: steady-state calls allocate nothing. Not thread-safe (one instance per thread).</summary>
public sealed class Mlp
{
    private readonly int[] _widths; // [inputs, hidden..., outputs]
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;
    private readonly float[] _parameters;
    private readonly int _maxWidth;

    // _h[i] = h_i for i < LayerCount (h_0 is a copy of the input); the output layer's values go straight to y.
    private readonly float[][] _h;
    private float[] _scratchA = [];
    private float[] _scratchB = [];
    private int _capacity;
    private int _batch;

    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation, IComputeBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "An MLP needs at least one input.");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "An MLP needs at least one output.");
        for (int i = 0; i < hidden.Count; i++)
            if (hidden[i] < 1)
                throw new ArgumentOutOfRangeException(nameof(hidden), hidden[i], $"Hidden layer {i} has width {hidden[i]}; widths must be at least 1.");
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Known activations: Tanh, Relu.");

        Activation = activation;
        Backend = backend ?? ComputeBackends.Default;
        _widths = [inputs, .. hidden, outputs];
        LayerCount = hidden.Count + 1;
        _weightOffsets = new int[LayerCount];
        _biasOffsets = new int[LayerCount];
        int offset = 0;
        for (int i = 0; i < LayerCount; i++)
        {
            _weightOffsets[i] = offset;
            offset += _widths[i + 1] * _widths[i];
            _biasOffsets[i] = offset;
            offset += _widths[i + 1];
        }
        ParameterCount = offset;
        _parameters = new float[offset];
        _maxWidth = _widths.Max();
        _h = new float[LayerCount][];
        for (int i = 0; i < LayerCount; i++) _h[i] = [];
    }

    public int InputSize => _widths[0];

    public int OutputSize => _widths[^1];

    /// <summary>Dense layers, hidden ones plus the output layer.</summary>
    public int LayerCount { get; }

    public Activation Activation { get; }

    public IComputeBackend Backend { get; }

    public int ParameterCount { get; }

    /// <summary>The batch size of the activations cached by the last <see cref="Forward"/>, or 0 before any.</summary>
    public int CachedBatch => _batch;

    /// <summary>All parameters, flat: W₀ [out·in] row-major, b₀, W₁, b₁, …; writes change the network.</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>The array behind <see cref="Parameters"/>, for the managed engine to wrap as a vector without copying.</summary>
    internal float[] ParameterArray => _parameters;

    /// <summary>Inputs of layer <paramref name="layer"/> (columns of its weight).</summary>
    public int LayerInputs(int layer) => _widths[CheckLayer(layer)];

    /// <summary>Outputs of layer <paramref name="layer"/> (rows of its weight).</summary>
    public int LayerOutputs(int layer) => _widths[CheckLayer(layer) + 1];

    /// <summary>Where layer <paramref name="layer"/>'s weight starts in <see cref="Parameters"/> (and in gradients).</summary>
    public int WeightOffset(int layer) => _weightOffsets[CheckLayer(layer)];

    /// <summary>Where layer <paramref name="layer"/>'s bias starts in <see cref="Parameters"/> (and in gradients).</summary>
    public int BiasOffset(int layer) => _biasOffsets[CheckLayer(layer)];

    /// <summary>Layer <paramref name="layer"/>'s weight, [out, in] row-major (PyTorch layout), a view into <see cref="Parameters"/>.</summary>
    public Span<float> Weight(int layer) => _parameters.AsSpan(WeightOffset(layer), LayerOutputs(layer) * LayerInputs(layer));

    /// <summary>Layer <paramref name="layer"/>'s bias, a view into <see cref="Parameters"/>.</summary>
    public Span<float> Bias(int layer) => _parameters.AsSpan(BiasOffset(layer), LayerOutputs(layer));

    private int CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)LayerCount)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"This MLP has layers 0..{LayerCount - 1}.");
        return layer;
    }

    /// <summary>The cached input of layer <paramref name="layer"/> from the last <see cref="Forward"/>: h_layer,
    /// [<see cref="CachedBatch"/>, <see cref="LayerInputs"/>] row-major (layer 0: a copy of the input; the last layer:
    /// the last hidden layer's activations, the features a linear head reads). Valid until the next Forward.</summary>
    public ReadOnlySpan<float> CachedActivations(int layer)
    {
        int batch = RequireCache();
        return _h[CheckLayer(layer)].AsSpan(0, batch * _widths[layer]);
    }

    /// <summary>Orthogonal weights as PyTorch's <c>nn.init.orthogonal_</c> (see <see cref="Orthogonal"/>), biases
    /// zero. Stable-Baselines3 passes √2 for hidden layers, 0.01 for a policy head and 1 for a value head.
    /// Layers draw in order from one Pcg64 stream (NumPy's default_rng) seeded with <paramref name="seed"/>.</summary>
    public void InitOrthogonal(ulong seed, float hiddenGain, float outputGain)
    {
        if (!float.IsFinite(hiddenGain) || !float.IsFinite(outputGain))
            throw new ArgumentOutOfRangeException(nameof(hiddenGain), $"Gains must be finite; got hidden {hiddenGain}, output {outputGain}.");
        var rng = new Pcg64(seed);
        for (int i = 0; i < LayerCount; i++)
        {
            Orthogonal.Fill(rng, Weight(i), LayerOutputs(i), LayerInputs(i), i == LayerCount - 1 ? outputGain : hiddenGain);
            Bias(i).Clear();
        }
        _batch = 0; // cached activations belong to the old parameters
    }

    /// <summary>y = f(x) for <paramref name="batch"/> rows of x ([batch, inputs] row-major) into y ([batch, outputs]),
    /// and caches the activations for <see cref="Backward"/> and <see cref="Jvp"/>.</summary>
    public void Forward(ReadOnlySpan<float> x, int batch, Span<float> y)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must hold at least one row.");
        CheckLength(x.Length, batch, InputSize, nameof(x));
        CheckLength(y.Length, batch, OutputSize, nameof(y));
        EnsureCapacity(batch);
        _batch = 0;
        x[..(batch * InputSize)].CopyTo(_h[0]);
        IComputeBackend be = Backend;
        for (int i = 0; i < LayerCount; i++)
        {
            int nIn = _widths[i], nOut = _widths[i + 1];
            bool last = i == LayerCount - 1;
            Span<float> z = last ? y[..(batch * nOut)] : _h[i + 1].AsSpan(0, batch * nOut);
            // z = h_i·W_iᵀ + b_i: write the bias, then accumulate the product onto it (beta = 1).
            be.BroadcastRows(Bias(i), batch, z);
            be.Gemm(false, true, batch, nOut, nIn, 1f, _h[i].AsSpan(0, batch * nIn), nIn, Weight(i), nIn, 1f, z, nOut);
            if (!last) be.Activate(Activation, z);
        }
        _batch = batch;
    }

    /// <summary>Vector-Jacobian product w.r.t. the parameters at the cached batch: gradParams = Σ_batch (∂y/∂θ)ᵀ·dy,
    /// overwriting <paramref name="gradParams"/> (layout of <see cref="Parameters"/>). dy is [batch, outputs].</summary>
    public void Backward(ReadOnlySpan<float> dy, Span<float> gradParams) => Backward(dy, gradParams, Span<float>.Empty);

    /// <summary>As <see cref="Backward(ReadOnlySpan{float}, Span{float})"/>, and also the gradient w.r.t. the input
    /// into <paramref name="gradInput"/> ([batch, inputs]) unless it is empty.</summary>
    public void Backward(ReadOnlySpan<float> dy, Span<float> gradParams, Span<float> gradInput)
    {
        int batch = RequireCache();
        CheckLength(dy.Length, batch, OutputSize, nameof(dy));
        if (gradParams.Length != ParameterCount)
            throw new ArgumentException($"gradParams holds {gradParams.Length} floats; this MLP has {ParameterCount} parameters.", nameof(gradParams));
        if (!gradInput.IsEmpty) CheckLength(gradInput.Length, batch, InputSize, nameof(gradInput));

        IComputeBackend be = Backend;
        ReadOnlySpan<float> delta = dy[..(batch * OutputSize)]; // ∂L/∂z_i, z_i the pre-activation of layer i
        bool inA = false;
        for (int i = LayerCount - 1; i >= 0; i--)
        {
            int nIn = _widths[i], nOut = _widths[i + 1];
            ReadOnlySpan<float> h = _h[i].AsSpan(0, batch * nIn);
            // ∂L/∂W_i = δᵀ·h_i  ([out, batch]·[batch, in]),  ∂L/∂b_i = Σ_batch δ.
            be.Gemm(true, false, nOut, nIn, batch, 1f, delta, nOut, h, nIn, 0f, gradParams.Slice(_weightOffsets[i], nOut * nIn), nIn);
            be.SumRows(delta, batch, nOut, gradParams.Slice(_biasOffsets[i], nOut));
            if (i == 0 && gradInput.IsEmpty) break;
            // ∂L/∂h_i = δ·W_i ([batch, out]·[out, in]); then through the activation that produced h_i.
            Span<float> next = i == 0 ? gradInput[..(batch * nIn)] : (inA ? _scratchB : _scratchA).AsSpan(0, batch * nIn);
            be.Gemm(false, false, batch, nIn, nOut, 1f, delta, nOut, Weight(i), nIn, 0f, next, nIn);
            if (i > 0) be.MultiplyByDerivative(Activation, h, next);
            delta = next;
            inA = !inA;
        }
    }

    /// <summary>Jacobian-vector product w.r.t. the parameters at the cached batch: dy = (∂y/∂θ)·tangent, [batch,
    /// outputs], by forward-mode differentiation (one pass, no finite differences). tangent has the layout of
    /// <see cref="Parameters"/>.</summary>
    public void Jvp(ReadOnlySpan<float> tangent, Span<float> dy)
    {
        int batch = RequireCache();
        if (tangent.Length != ParameterCount)
            throw new ArgumentException($"tangent holds {tangent.Length} floats; this MLP has {ParameterCount} parameters.", nameof(tangent));
        CheckLength(dy.Length, batch, OutputSize, nameof(dy));

        IComputeBackend be = Backend;
        ReadOnlySpan<float> t = ReadOnlySpan<float>.Empty; // ṫ_i = ∂h_i/∂θ · tangent; zero for the input
        bool inA = false;
        for (int i = 0; i < LayerCount; i++)
        {
            int nIn = _widths[i], nOut = _widths[i + 1];
            bool last = i == LayerCount - 1;
            Span<float> dz = last ? dy[..(batch * nOut)] : (inA ? _scratchB : _scratchA).AsSpan(0, batch * nOut);
            // ż_i = h_i·Ẇ_iᵀ + ḃ_i + ḣ_i·W_iᵀ.
            be.BroadcastRows(tangent.Slice(_biasOffsets[i], nOut), batch, dz);
            be.Gemm(false, true, batch, nOut, nIn, 1f, _h[i].AsSpan(0, batch * nIn), nIn, tangent.Slice(_weightOffsets[i], nOut * nIn), nIn, 1f, dz, nOut);
            if (i > 0) be.Gemm(false, true, batch, nOut, nIn, 1f, t, nIn, Weight(i), nIn, 1f, dz, nOut);
            if (!last) be.MultiplyByDerivative(Activation, _h[i + 1].AsSpan(0, batch * nOut), dz);
            t = dz;
            inA = !inA;
        }
    }

    private int RequireCache()
    {
        if (_batch == 0)
            throw new InvalidOperationException("No cached batch: call Forward first (InitOrthogonal also clears the cache).");
        return _batch;
    }

    // Takes the shape as numbers, not a preformatted string, so the check allocates nothing when it passes.
    private static void CheckLength(int actual, int rows, int cols, string name)
    {
        if (actual < rows * cols)
            throw new ArgumentException($"{name} holds {actual} floats but [{rows}, {cols}] needs {rows * cols}.", name);
    }

    private void EnsureCapacity(int batch)
    {
        if (batch <= _capacity) return;
        for (int i = 0; i < LayerCount; i++) _h[i] = new float[batch * _widths[i]];
        _scratchA = new float[batch * _maxWidth];
        _scratchB = new float[batch * _maxWidth];
        _capacity = batch;
    }
}
