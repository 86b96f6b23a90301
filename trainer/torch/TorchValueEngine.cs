using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Engines;
using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary><see cref="IValueEngine"/> on LibTorch autograd: φ is one flat leaf tensor, the loss gradient one reverse
/// pass of ½·mean (V − t)².</summary>
public sealed class TorchValueEngine : IValueEngine
{
    private readonly Mlp _host;
    private readonly TorchMlp _net;
    private readonly TorchVectorSpace _vectors;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly Tensor _phi;
    private readonly TorchVector _parameters;
    private Tensor? _observations, _targets;
    private int _count;

    public TorchValueEngine(Mlp host, ScalarType dtype, Device device)
    {
        if (host.OutputSize != 1)
            throw new ArgumentException($"A value network has one output; this one has {host.OutputSize}.", nameof(host));
        _host = host;
        _net = new TorchMlp(host);
        _dtype = dtype;
        _device = device;
        _vectors = new TorchVectorSpace(host.ParameterCount, dtype, device);
        _phi = zeros(host.ParameterCount, dtype: dtype, device: device).requires_grad_(true);
        _parameters = _vectors.Wrap(_phi);
        SyncFromHost();
    }

    public string Name => $"torchsharp {_dtype.ToString().ToLowerInvariant()} {_device.type.ToString().ToLowerInvariant()}";

    public int ParameterCount => _host.ParameterCount;

    public IVectorAlgebra Vectors => _vectors;

    public EngineVector Parameters => _parameters;

    public void Predict(ReadOnlySpan<float> observations, int count, Span<float> values)
    {
        int d = _net.InputSize;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = tensor(observations[..(count * d)].ToArray()).view(count, d).to(_dtype, _device);
        _net.Forward(_phi, x).view(count).to(ScalarType.Float32).cpu().data<float>().ToArray().CopyTo(values);
    }

    public void StageRegression(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count)
    {
        int d = _net.InputSize;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A regression set needs at least one row.");
        using var scope = NewDisposeScope();
        _observations?.Dispose();
        _targets?.Dispose();
        _observations = tensor(observations[..(count * d)].ToArray()).view(count, d).to(_dtype, _device).MoveToOuterDisposeScope();
        _targets = tensor(targets[..count].ToArray()).to(_dtype, _device).MoveToOuterDisposeScope();
        _count = count;
    }

    public double LossGradient(ReadOnlySpan<int> rows, EngineVector gradient)
    {
        if (_count == 0) throw new InvalidOperationException("No regression set staged: call StageRegression first.");
        var index = new long[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            if ((uint)rows[r] >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(rows), rows[r], $"Row {rows[r]} is outside the staged set of {_count}.");
            index[r] = rows[r];
        }
        using var scope = NewDisposeScope();
        Tensor idx = tensor(index).to(_device);
        Tensor error = _net.Forward(_phi, _observations!.index_select(0, idx)).view(rows.Length).sub(_targets!.index_select(0, idx));
        Tensor loss = error.square().mean().mul(0.5);
        Tensor g = autograd.grad([loss], [_phi])[0];
        using (no_grad()) _vectors.Of(gradient).copy_(g);
        return error.detach().to(ScalarType.Float64).square().sum().item<double>();
    }

    public void SyncToHost()
    {
        using var scope = NewDisposeScope();
        _phi.detach().to(ScalarType.Float32).cpu().data<float>().ToArray().CopyTo(_host.Parameters);
    }

    public void SyncFromHost()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        _phi.copy_(tensor(_host.Parameters.ToArray()));
    }

    public void Dispose()
    {
        _observations?.Dispose();
        _targets?.Dispose();
        _phi.Dispose();
    }
}
