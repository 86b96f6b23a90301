using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Policies;
using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary><see cref="IPolicyEngine"/> on LibTorch autograd. θ is one flat leaf tensor (network, then log σ), the
/// surrogate's gradient is a reverse pass, and the Fisher-vector product is the Hessian-vector product of the mean
/// KL(π_θold ‖ π_θ) at θ = θ_old by double backpropagation (the KL's gradient is built once per update with
/// create_graph, each product differentiates g·v) — a different route from the managed engine's Jᵀ·M·J·v, so the
/// two check each other. Float32 to train; float64 as the test oracle.</summary>
public sealed class TorchPolicyEngine : IPolicyEngine
{
    private readonly MlpPolicy _host;
    private readonly TorchMlp _net;
    private readonly TorchPolicyHead _head;
    private readonly TorchVectorSpace _vectors;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly Tensor _theta;
    private readonly float[] _hostTheta;
    private Tensor? _observations, _actions, _behaviourLogProb, _advantages;
    private Tensor? _outputs, _surrogate, _referenceOutputs, _referenceHead, _fisherGradient;
    private int _count;

    public TorchPolicyEngine(MlpPolicy host, ScalarType dtype, Device device)
    {
        _host = host;
        _net = new TorchMlp(host.Network);
        _head = host is GaussianMlpPolicy ? new TorchGaussianHead(host.OutputSize) : new TorchCategoricalHead();
        _dtype = dtype;
        _device = device;
        _vectors = new TorchVectorSpace(host.ParameterCount, dtype, device);
        _hostTheta = new float[host.ParameterCount];
        _theta = zeros(host.ParameterCount, dtype: dtype, device: device).requires_grad_(true);
        SyncFromHost();
    }

    public string Name => $"torchsharp {_dtype.ToString().ToLowerInvariant()} {_device.type.ToString().ToLowerInvariant()}";

    public int ParameterCount => _host.ParameterCount;

    public IVectorAlgebra Vectors => _vectors;

    /// <summary>The live θ, for tests that differentiate further.</summary>
    public Tensor Theta => _theta;

    public void GetParameters(EngineVector destination)
    {
        using var _ = no_grad();
        _vectors.Of(destination).copy_(_theta);
    }

    public void SetParameters(EngineVector source)
    {
        using (no_grad()) _theta.copy_(_vectors.Of(source));
        Forget(ref _outputs);
        Forget(ref _surrogate);
        Forget(ref _fisherGradient);
    }

    public void StageBatch(in PolicyBatch batch)
    {
        int n = batch.Count, d = _host.ObservationSize, a = _host.ActionSize;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(batch), n, "A policy batch needs at least one sample.");
        using var scope = NewDisposeScope();
        Replace(ref _observations, tensor(batch.Observations[..(n * d)].ToArray()).view(n, d).to(_dtype, _device).MoveToOuterDisposeScope());
        Replace(ref _actions, _head.Actions(batch.Actions[..(n * a)].ToArray(), n, _dtype, _device).MoveToOuterDisposeScope());
        Replace(ref _behaviourLogProb, tensor(batch.BehaviourLogProb[..n].ToArray()).to(_dtype, _device).MoveToOuterDisposeScope());
        Replace(ref _advantages, tensor(batch.Advantages[..n].ToArray()).to(_dtype, _device).MoveToOuterDisposeScope());
        _count = n;
        Forget(ref _outputs);
        Forget(ref _surrogate);
        Forget(ref _fisherGradient);
    }

    public double ForwardSurrogate()
    {
        RequireBatch();
        using var scope = NewDisposeScope();
        Tensor outputs = _net.Forward(_theta, _observations!);
        Tensor logProb = _head.LogProb(outputs, Head(_theta), _actions!);
        Tensor surrogate = logProb.sub(_behaviourLogProb!).exp().mul(_advantages!).mean();
        Replace(ref _outputs, outputs.MoveToOuterDisposeScope());
        Replace(ref _surrogate, surrogate.MoveToOuterDisposeScope());
        return surrogate.detach().to(ScalarType.Float64).item<double>();
    }

    public void SurrogateGradient(EngineVector gradient)
    {
        Tensor surrogate = _surrogate ?? throw new InvalidOperationException("Call ForwardSurrogate before SurrogateGradient.");
        using var scope = NewDisposeScope();
        Tensor g = autograd.grad([surrogate], [_theta], retain_graph: true)[0];
        using var _ = no_grad();
        _vectors.Of(gradient).copy_(g);
    }

    public void MarkReference()
    {
        Tensor outputs = _outputs ?? throw new InvalidOperationException("Call ForwardSurrogate before MarkReference.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Replace(ref _referenceOutputs, outputs.detach().clone().MoveToOuterDisposeScope());
        Replace(ref _referenceHead, Head(_theta).detach().clone().MoveToOuterDisposeScope());
    }

    public double MeanKl()
    {
        Tensor outputs = _outputs ?? throw new InvalidOperationException("Call ForwardSurrogate before MeanKl.");
        Tensor reference = _referenceOutputs ?? throw new InvalidOperationException("Call MarkReference before MeanKl.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return _head.Kl(reference, _referenceHead!, outputs, Head(_theta)).mean().to(ScalarType.Float64).item<double>();
    }

    public double MeanEntropy()
    {
        Tensor outputs = _outputs ?? throw new InvalidOperationException("Call ForwardSurrogate before MeanEntropy.");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return _head.Entropy(outputs, Head(_theta)).mean().to(ScalarType.Float64).item<double>();
    }

    /// <summary>g(θ) = ∇ mean KL(π_θ_now ‖ π_θ) over the Fisher rows, kept with its graph (create_graph), so each
    /// product is one more reverse pass through g·v.</summary>
    public void PrepareFisher(double subsample)
    {
        RequireBatch();
        if (!(subsample > 0 && subsample <= 1))
            throw new ArgumentOutOfRangeException(nameof(subsample), subsample, "The Fisher subsample fraction must be in (0, 1], e.g. 1 or 0.1.");
        using var scope = NewDisposeScope();
        int stride = subsample >= 1.0 ? 1 : Math.Max(1, (int)Math.Round(1.0 / subsample));
        Tensor rows = stride == 1 ? _observations! : _observations!.slice(0, 0, _count, stride);
        Tensor outputs = _net.Forward(_theta, rows);
        Tensor head = Head(_theta);
        Tensor kl = _head.Kl(outputs.detach(), head.detach(), outputs, head).mean();
        // create_graph does not imply retain_graph in TorchSharp (it does in PyTorch): without it the first product's
        // backward frees the graph the next one needs, and LibTorch aborts the process.
        Tensor g = autograd.grad([kl], [_theta], retain_graph: true, create_graph: true)[0];
        Replace(ref _fisherGradient, g.MoveToOuterDisposeScope());
    }

    public void FisherVectorProduct(EngineVector v, EngineVector result)
    {
        Tensor g = _fisherGradient ?? throw new InvalidOperationException("Call PrepareFisher before FisherVectorProduct.");
        using var scope = NewDisposeScope();
        Tensor gv = g.dot(_vectors.Of(v).detach());
        Tensor hv = autograd.grad([gv], [_theta], retain_graph: true)[0];
        using var _ = no_grad();
        _vectors.Of(result).copy_(hv);
    }

    public void SyncToHost()
    {
        using var scope = NewDisposeScope();
        _theta.detach().to(ScalarType.Float32).cpu().data<float>().ToArray().CopyTo(_hostTheta, 0);
        _host.SetParameters(_hostTheta);
    }

    public void SyncFromHost()
    {
        _host.GetParameters(_hostTheta);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        _theta.copy_(tensor(_hostTheta));
    }

    public void Dispose()
    {
        foreach (Tensor? t in new[] { _observations, _actions, _behaviourLogProb, _advantages, _outputs, _surrogate, _referenceOutputs, _referenceHead, _fisherGradient })
            t?.Dispose();
        _theta.Dispose();
    }

    private Tensor Head(Tensor theta) => theta.narrow(0, _net.ParameterCount, _host.HeadSize);

    private void RequireBatch()
    {
        if (_count == 0) throw new InvalidOperationException("No batch staged: call StageBatch first.");
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        field?.Dispose();
        field = value;
    }

    private static void Forget(ref Tensor? field)
    {
        field?.Dispose();
        field = null;
    }
}
