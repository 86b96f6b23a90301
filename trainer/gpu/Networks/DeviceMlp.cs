using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Networks;

/// <summary>The managed <see cref="Mlp"/>'s forward, backward (VJP) and JVP on the device, over a parameter view in the
/// same flat layout (W₀ [out·in], b₀, W₁, b₁, …), so host and device copy parameters as one block. Like the managed
/// network it caches the activations of the last <see cref="Forward"/>; buffers grow to the largest batch and are
/// reused.</summary>
internal sealed class DeviceMlp : IDisposable
{
    /// <summary>Rows per chunk of the weight gradient's partial sums: at most this many chunks, so the second stage is
    /// short, and at least 32 rows per chunk, so a thread does real work.</summary>
    private const int MaxChunks = 256;

    private readonly Accelerator _accelerator;
    private readonly DeviceKernels _k;
    private readonly int[] _widths;
    private readonly int[] _weightOffsets;
    private readonly int _activation;
    private readonly int _maxWidth, _maxPerChunk;
    private DenseLayer[] _layers;
    private MemoryBuffer1D<float, Stride1D.Dense>[] _h = [];
    private MemoryBuffer1D<float, Stride1D.Dense>? _scratchA, _scratchB, _partials;
    private ArrayView<float> _input;
    private int _capacity, _batch;

    public DeviceMlp(GpuDevice device, Mlp shape, ArrayView<float> parameters)
    {
        if (parameters.Length < shape.ParameterCount)
            throw new ArgumentException($"The parameter view holds {parameters.Length} floats; the network has {shape.ParameterCount}.", nameof(parameters));
        _accelerator = device.Accelerator;
        _k = device.Kernels;
        LayerCount = shape.LayerCount;
        _widths = new int[LayerCount + 1];
        _weightOffsets = new int[LayerCount];
        _layers = new DenseLayer[LayerCount];
        _activation = shape.Activation == Activation.Tanh ? MlpKernels.Tanh : MlpKernels.Relu;
        for (int i = 0; i < LayerCount; i++)
        {
            _widths[i] = shape.LayerInputs(i);
            _widths[i + 1] = shape.LayerOutputs(i);
            _weightOffsets[i] = shape.WeightOffset(i);
        }
        _maxWidth = _widths.Max();
        for (int i = 0; i < LayerCount; i++) _maxPerChunk = Math.Max(_maxPerChunk, _widths[i + 1] * (_widths[i] + 1));
        ParameterCount = shape.ParameterCount;
        Parameters = parameters;
    }

    public int LayerCount { get; }
    public int ParameterCount { get; }
    public int InputSize => _widths[0];
    public int OutputSize => _widths[^1];

    /// <summary>The flat parameters the kernels read (a view the owner allocated; writes change the network).</summary>
    public ArrayView<float> Parameters
    {
        get;
        set
        {
            field = value;
            for (int i = 0; i < LayerCount; i++)
                _layers[i] = new DenseLayer
                {
                    Parameters = value, WeightOffset = _weightOffsets[i], BiasOffset = _weightOffsets[i] + _widths[i + 1] * _widths[i],
                    In = _widths[i], Out = _widths[i + 1], Activation = i == LayerCount - 1 ? MlpKernels.Linear : _activation,
                };
            _batch = 0;
        }
    }

    /// <summary>y = f(x) for <paramref name="batch"/> rows; caches the activations (x itself is kept by reference and
    /// must not change until the next Forward).</summary>
    public void Forward(ArrayView<float> x, int batch, ArrayView<float> y)
    {
        EnsureCapacity(batch);
        _input = x;
        ArrayView<float> h = x;
        for (int i = 0; i < LayerCount; i++)
        {
            bool last = i == LayerCount - 1;
            ArrayView<float> z = last ? y : _h[i + 1].View;
            _k.Forward(batch * _widths[i + 1], _layers[i], h, z);
            h = z;
        }
        _batch = batch;
    }

    /// <summary>gradient = Σ_batch (∂y/∂θ)ᵀ·dy at the cached batch (overwrites the first <see cref="ParameterCount"/>
    /// elements of <paramref name="gradient"/>).</summary>
    public void Backward(ArrayView<float> dy, ArrayView<float> gradient)
    {
        int batch = RequireCache();
        int rowsPerChunk = Math.Max(32, (batch + MaxChunks - 1) / MaxChunks);
        int chunks = (batch + rowsPerChunk - 1) / rowsPerChunk;
        ArrayView<float> delta = dy;
        bool inA = false;
        for (int i = LayerCount - 1; i >= 0; i--)
        {
            ArrayView<float> h = Activations(i);
            int perChunk = _widths[i + 1] * (_widths[i] + 1);
            _k.WeightGradientPartial(chunks * perChunk, _layers[i], delta, h, _partials!.View, batch, rowsPerChunk);
            _k.SumChunks(perChunk, _partials.View, gradient, _weightOffsets[i], perChunk, chunks);
            if (i == 0) break;
            ArrayView<float> next = (inA ? _scratchB! : _scratchA!).View;
            _k.BackwardInput(batch * _widths[i], _layers[i], delta, h, next, _activation);
            delta = next;
            inA = !inA;
        }
    }

    /// <summary>dy = (∂y/∂θ)·tangent at the cached batch, forward mode.</summary>
    public void Jvp(ArrayView<float> tangent, ArrayView<float> dy)
    {
        int batch = RequireCache();
        ArrayView<float> t = _scratchA!.View; // unused by the first layer
        bool inA = false;
        for (int i = 0; i < LayerCount; i++)
        {
            bool last = i == LayerCount - 1;
            ArrayView<float> dz = last ? dy : (inA ? _scratchB! : _scratchA!).View;
            ArrayView<float> y = last ? dy : _h[i + 1].View; // a linear output ignores y
            _k.Jvp(batch * _widths[i + 1], _layers[i], tangent, Activations(i), t, y, dz, i == 0 ? 1 : 0);
            t = dz;
            inA = !inA;
        }
    }

    private ArrayView<float> Activations(int layer) => layer == 0 ? _input : _h[layer].View;

    private int RequireCache() =>
        _batch > 0 ? _batch : throw new InvalidOperationException("No cached batch: call Forward first.");

    private void EnsureCapacity(int batch)
    {
        if (batch <= _capacity) return;
        DisposeBuffers();
        _h = new MemoryBuffer1D<float, Stride1D.Dense>[LayerCount];
        for (int i = 1; i < LayerCount; i++) _h[i] = _accelerator.Allocate1D<float>((long)batch * _widths[i]);
        _scratchA = _accelerator.Allocate1D<float>((long)batch * _maxWidth);
        _scratchB = _accelerator.Allocate1D<float>((long)batch * _maxWidth);
        int rowsPerChunk = Math.Max(32, (batch + MaxChunks - 1) / MaxChunks);
        _partials = _accelerator.Allocate1D<float>((long)((batch + rowsPerChunk - 1) / rowsPerChunk) * _maxPerChunk);
        _capacity = batch;
    }

    private void DisposeBuffers()
    {
        foreach (var b in _h) b?.Dispose();
        _scratchA?.Dispose();
        _scratchB?.Dispose();
        _partials?.Dispose();
    }

    public void Dispose() => DisposeBuffers();
}
