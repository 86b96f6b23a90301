using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Networks;

namespace TrpoEdge.Trainer.Gpu.Engines;

/// <summary><see cref="IValueEngine"/> on a GPU: φ, the regression set, the minibatch and Adam's moments live in device
/// memory. Per minibatch the host sends the B row indices its shuffle chose and gets back Σ(V − t)²; the host critic
/// <see cref="Mlp"/> is written once per fit (<see cref="SyncToHost"/>).</summary>
public sealed class GpuValueEngine : IValueEngine
{
    private readonly GpuDevice _device;
    private readonly HeadKernels _h;
    private readonly Mlp _host;
    private readonly GpuVectorSpace _vectors;
    private readonly GpuVector _phi;
    private readonly DeviceMlp _net;
    private readonly int _d;
    private readonly float[] _hostPhi;
    private MemoryBuffer1D<float, Stride1D.Dense>? _obs, _targets, _predictObs, _predictValues;
    private MemoryBuffer1D<float, Stride1D.Dense>? _miniObs, _miniTargets, _miniPredictions, _dy;
    private MemoryBuffer1D<double, Stride1D.Dense>? _squares;
    private MemoryBuffer1D<int, Stride1D.Dense>? _rows;
    private int[] _rowsHost = [];
    private ArrayView<float> _setObs, _setTargets;
    private int _setCapacity, _miniCapacity, _predictCapacity, _count;

    public GpuValueEngine(GpuDevice device, Mlp network)
    {
        if (network.OutputSize != 1)
            throw new ArgumentException($"A value network has one output; this one has {network.OutputSize}.", nameof(network));
        _device = device;
        _h = device.Heads;
        _host = network;
        _d = network.InputSize;
        _vectors = new GpuVectorSpace(device, network.ParameterCount);
        _phi = _vectors.CreateGpuVector();
        _net = new DeviceMlp(device, network, _phi.View);
        _hostPhi = new float[network.ParameterCount];
        SyncFromHost();
    }

    public string Name => $"gpu ({_device.Name})";

    public int ParameterCount => _host.ParameterCount;

    public IVectorAlgebra Vectors => _vectors;

    public EngineVector Parameters => _phi;

    public void Predict(ReadOnlySpan<float> observations, int count, Span<float> values)
    {
        if (count < 1) return;
        if (_predictCapacity < count)
        {
            _predictObs?.Dispose(); _predictValues?.Dispose();
            _predictObs = _device.Accelerator.Allocate1D<float>((long)count * _d);
            _predictValues = _device.Accelerator.Allocate1D<float>(count);
            _predictCapacity = count;
        }
        ((ArrayView<float>)_predictObs!.View).SubView(0, (long)count * _d).CopyFromCPU(observations[..(count * _d)]);
        PredictDevice(_predictObs.View, count, _predictValues!.View);
        ((ArrayView<float>)_predictValues.View).SubView(0, count).CopyToCPU(values[..count]);
    }

    /// <summary>V(s) for rows already in device memory.</summary>
    public void PredictDevice(ArrayView<float> observations, int count, ArrayView<float> values) => _net.Forward(observations, count, values);

    public void StageRegression(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A regression set needs at least one row.");
        if (_setCapacity < count)
        {
            _obs?.Dispose(); _targets?.Dispose();
            _obs = _device.Accelerator.Allocate1D<float>((long)count * _d);
            _targets = _device.Accelerator.Allocate1D<float>(count);
            _setCapacity = count;
        }
        ((ArrayView<float>)_obs!.View).SubView(0, (long)count * _d).CopyFromCPU(observations[..(count * _d)]);
        ((ArrayView<float>)_targets!.View).SubView(0, count).CopyFromCPU(targets[..count]);
        StageDevice(_obs.View, _targets.View, count);
    }

    /// <summary>Takes a regression set already in device memory (the device collector's observations and returns).</summary>
    public void StageDevice(ArrayView<float> observations, ArrayView<float> targets, int count)
    {
        _setObs = observations;
        _setTargets = targets;
        _count = count;
    }

    public double LossGradient(ReadOnlySpan<int> rows, EngineVector gradient)
    {
        if (_count == 0) throw new InvalidOperationException("No regression set staged: call StageRegression first.");
        int b = rows.Length;
        if (b < 1) throw new ArgumentException("A minibatch needs at least one row.", nameof(rows));
        EnsureMinibatch(b);
        for (int r = 0; r < b; r++)
        {
            int row = rows[r];
            if ((uint)row >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row {row} is outside the staged set of {_count}.");
            _rowsHost[r] = row;
        }
        ArrayView<int> rowView = _rows!.View.SubView(0, b);
        rowView.CopyFromCPU(_rowsHost.AsSpan(0, b));
        _h.GatherRows(b * _d, _setObs, _miniObs!.View, rowView, _d);
        _h.GatherValues(b, _setTargets, _miniTargets!.View, rowView);
        _net.Forward(_miniObs.View, b, _miniPredictions!.View);
        _h.Residual(b, _miniPredictions.View, _miniTargets.View, _dy!.View, _squares!.View, b);
        _net.Backward(_dy.View, _vectors.Of(gradient));
        return _device.Reducer.Sum(_squares.View, b);
    }

    public void SyncToHost()
    {
        _phi.View.CopyToCPU(_hostPhi);
        _hostPhi.CopyTo(_host.Parameters);
    }

    public void SyncFromHost()
    {
        _host.Parameters.CopyTo(_hostPhi);
        _phi.View.CopyFromCPU(_hostPhi);
    }

    private void EnsureMinibatch(int b)
    {
        if (b <= _miniCapacity) return;
        _miniObs?.Dispose(); _miniTargets?.Dispose(); _miniPredictions?.Dispose(); _dy?.Dispose(); _squares?.Dispose(); _rows?.Dispose();
        Accelerator acc = _device.Accelerator;
        _miniObs = acc.Allocate1D<float>((long)b * _d);
        _miniTargets = acc.Allocate1D<float>(b);
        _miniPredictions = acc.Allocate1D<float>(b);
        _dy = acc.Allocate1D<float>(b);
        _squares = acc.Allocate1D<double>(b);
        _rows = acc.Allocate1D<int>(b);
        _rowsHost = new int[b];
        _miniCapacity = b;
    }

    public void Dispose()
    {
        _obs?.Dispose(); _targets?.Dispose(); _predictObs?.Dispose(); _predictValues?.Dispose();
        _miniObs?.Dispose(); _miniTargets?.Dispose(); _miniPredictions?.Dispose(); _dy?.Dispose(); _squares?.Dispose(); _rows?.Dispose();
        _net.Dispose();
        _vectors.Dispose();
    }
}
