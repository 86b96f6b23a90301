using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Kernels;
using TrpoEdge.Trainer.Gpu.Networks;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Gpu.Engines;

/// <summary><see cref="IPolicyEngine"/> on a GPU: θ, the batch, the activations and every vector of the TRPO update live
/// in device memory; each call is a few kernel launches and returns at most one double. The host
/// <see cref="MlpPolicy"/> it was built from stays the model of record (rollouts on the host, checkpoints) and is
/// written once per update (<see cref="SyncToHost"/>). A device-resident collector stages its rollout buffers with
/// <see cref="StageDevice"/>, so no batch crosses to the host at all.</summary>
public sealed class GpuPolicyEngine : IPolicyEngine
{
    private const int MaxColumnParts = 1024;
    private readonly GpuDevice _device;
    private readonly HeadKernels _h;
    private readonly MlpPolicy _policy;
    private readonly GpuVectorSpace _vectors;
    private readonly GpuVector _theta;
    private readonly DeviceMlp _net;
    private readonly int _netCount, _k, _d, _a;
    private readonly bool _gaussian;
    private readonly float[] _hostTheta;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _referenceHead;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _columnPartials;
    private MemoryBuffer1D<float, Stride1D.Dense>? _obs, _actions, _advantages, _outputs, _reference, _dOut, _subObs, _subOutputs;
    private MemoryBuffer1D<double, Stride1D.Dense>? _behaviour, _logProb, _rowTerms;
    private ArrayView<float> _batchObs, _batchActions, _batchAdvantages;
    private ArrayView<double> _batchBehaviour;
    private int _capacity, _count, _fisherRows;
    // _forwardValid: the outputs buffer holds the staged batch at the current θ. _cacheHoldsBatch: the network's
    // activation cache holds that batch too (a Fisher subsample's forward pass replaces the cache, not the outputs).
    private bool _forwardValid, _cacheHoldsBatch;
    private ArrayView<float> _fisherOutputs;

    public GpuPolicyEngine(GpuDevice device, MlpPolicy policy)
    {
        _device = device;
        _h = device.Heads;
        _policy = policy;
        _vectors = new GpuVectorSpace(device, policy.ParameterCount);
        _theta = _vectors.CreateGpuVector();
        _netCount = policy.Network.ParameterCount;
        _k = policy.OutputSize;
        _d = policy.ObservationSize;
        _a = policy.ActionSize;
        _gaussian = policy is GaussianMlpPolicy;
        _hostTheta = new float[policy.ParameterCount];
        _net = new DeviceMlp(device, policy.Network, _theta.View);
        _referenceHead = device.Accelerator.Allocate1D<float>(Math.Max(1, policy.HeadSize));
        _columnPartials = device.Accelerator.Allocate1D<double>(MaxColumnParts * Math.Max(1, _k));
        SyncFromHost();
    }

    public string Name => $"gpu ({_device.Name})";

    public int ParameterCount => _policy.ParameterCount;

    public IVectorAlgebra Vectors => _vectors;

    public void GetParameters(EngineVector destination) => _vectors.Copy(_theta, destination);

    public void SetParameters(EngineVector source)
    {
        _vectors.Copy(source, _theta);
        _forwardValid = false;
    }

    public void StageBatch(in PolicyBatch batch)
    {
        int n = batch.Count;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(batch), n, "A policy batch needs at least one sample.");
        EnsureCapacity(n);
        ((ArrayView<float>)_obs!.View).SubView(0, (long)n * _d).CopyFromCPU(batch.Observations[..(n * _d)]);
        ((ArrayView<float>)_actions!.View).SubView(0, (long)n * _a).CopyFromCPU(batch.Actions[..(n * _a)]);
        ((ArrayView<double>)_behaviour!.View).SubView(0, n).CopyFromCPU(batch.BehaviourLogProb[..n]);
        ((ArrayView<float>)_advantages!.View).SubView(0, n).CopyFromCPU(batch.Advantages[..n]);
        Bind(_obs.View, _actions.View, _behaviour.View, _advantages.View, n);
    }

    /// <summary>Takes a batch that is already in device memory (the device collector's buffers), without copying; the
    /// views must stay unchanged until the update ends.</summary>
    public void StageDevice(ArrayView<float> observations, ArrayView<float> actions, ArrayView<double> behaviourLogProb, ArrayView<float> advantages, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A policy batch needs at least one sample.");
        EnsureCapacity(count);
        Bind(observations, actions, behaviourLogProb, advantages, count);
    }

    private void Bind(ArrayView<float> obs, ArrayView<float> actions, ArrayView<double> behaviour, ArrayView<float> advantages, int n)
    {
        _batchObs = obs;
        _batchActions = actions;
        _batchBehaviour = behaviour;
        _batchAdvantages = advantages;
        _count = n;
        _fisherRows = 0;
        _forwardValid = false;
    }

    public double ForwardSurrogate()
    {
        int n = RequireBatch();
        _net.Forward(_batchObs, n, _outputs!.View);
        _h.Surrogate(n, Rows(_outputs.View, n));
        _forwardValid = _cacheHoldsBatch = true;
        return _device.Reducer.Sum(_rowTerms!.View, n) / n;
    }

    public void SurrogateGradient(EngineVector gradient)
    {
        int n = RequireForward();
        if (!_cacheHoldsBatch) _net.Forward(_batchObs, n, _outputs!.View);
        _cacheHoldsBatch = true;
        ArrayView<float> g = _vectors.Of(gradient);
        _h.OutputGradient(n, Rows(_outputs!.View, n), _dOut!.View);
        _net.Backward(_dOut.View, g);
        if (_gaussian) ColumnSums(n, g, _netCount);
    }

    public void MarkReference()
    {
        int n = RequireForward();
        _outputs!.View.SubView(0, (long)n * _k).CopyTo(_reference!.View.SubView(0, (long)n * _k));
        if (_policy.HeadSize > 0) _theta.View.SubView(_netCount, _policy.HeadSize).CopyTo(((ArrayView<float>)_referenceHead.View).SubView(0, _policy.HeadSize));
    }

    public double MeanKl()
    {
        int n = RequireForward();
        _h.Kl(n, Rows(_outputs!.View, n));
        return _device.Reducer.Sum(_rowTerms!.View, n) / n;
    }

    public double MeanEntropy()
    {
        int n = RequireForward();
        _h.Entropy(n, Rows(_outputs!.View, n));
        return _device.Reducer.Sum(_rowTerms!.View, n) / n;
    }

    public void PrepareFisher(double subsample)
    {
        int n = RequireBatch();
        if (!(subsample > 0 && subsample <= 1))
            throw new ArgumentOutOfRangeException(nameof(subsample), subsample, "The Fisher subsample fraction must be in (0, 1], e.g. 1 or 0.1.");
        if (subsample >= 1.0)
        {
            // The network still caches the forward pass of the staged batch at θ_old (a backward pass leaves it).
            if (!_forwardValid || !_cacheHoldsBatch) _net.Forward(_batchObs, n, _outputs!.View);
            _cacheHoldsBatch = true;
            _fisherOutputs = _outputs!.View;
            _fisherRows = n;
            return;
        }
        int stride = Math.Max(1, (int)Math.Round(1.0 / subsample));
        int rows = (n + stride - 1) / stride;
        _h.StrideRows(rows * _d, _batchObs, _subObs!.View, _d, stride);
        _net.Forward(_subObs.View, rows, _subOutputs!.View);
        _fisherOutputs = _subOutputs.View;
        _fisherRows = rows;
        _cacheHoldsBatch = false; // the cache now holds the subsample; the outputs buffer still holds the batch
    }

    public void FisherVectorProduct(EngineVector v, EngineVector result)
    {
        if (_fisherRows == 0) throw new InvalidOperationException("Call PrepareFisher before FisherVectorProduct.");
        ArrayView<float> vv = _vectors.Of(v), rv = _vectors.Of(result);
        int rows = _fisherRows;
        _net.Jvp(vv, _dOut!.View);
        _h.FisherMetric(rows, Rows(_fisherOutputs, rows), _dOut.View, 1f / rows);
        _net.Backward(_dOut.View, rv);
        if (_policy.HeadSize > 0) _h.HeadFisher(_policy.HeadSize, vv, rv, _netCount);
    }

    public void SyncToHost()
    {
        _theta.View.CopyToCPU(_hostTheta);
        _policy.SetParameters(_hostTheta);
    }

    public void SyncFromHost()
    {
        _policy.GetParameters(_hostTheta);
        _theta.View.CopyFromCPU(_hostTheta);
        _forwardValid = false;
    }

    /// <summary>θ on the device, for the device collector's forward passes.</summary>
    internal ArrayView<float> Theta => _theta.View;

    /// <summary>g[offset + j] = Σ_r RowTerms[r·K + j]: the log σ gradient, reduced on the device.</summary>
    private void ColumnSums(int n, ArrayView<float> destination, int offset)
    {
        int parts = Math.Min(MaxColumnParts, n);
        _h.ColumnSumPartial(parts * _k, _rowTerms!.View, _columnPartials.View, n, _k, parts);
        _h.ColumnSumFinish(_k, _columnPartials.View, destination, offset, _k, parts);
    }

    private PolicyRows Rows(ArrayView<float> outputs, int n) => new()
    {
        Outputs = outputs, Reference = _reference!.View, Actions = _batchActions, Advantages = _batchAdvantages,
        Theta = _theta.View, ReferenceHead = _referenceHead.View, BehaviourLogProb = _batchBehaviour,
        LogProb = _logProb!.View, RowTerms = _rowTerms!.View, K = _k, HeadOffset = _netCount, Gaussian = _gaussian ? 1 : 0, Count = n,
    };

    private int RequireBatch() =>
        _count > 0 ? _count : throw new InvalidOperationException("No batch staged: call StageBatch first.");

    private int RequireForward() =>
        _forwardValid ? RequireBatch() : throw new InvalidOperationException("Call ForwardSurrogate at the current θ first (SetParameters invalidates it).");

    private void EnsureCapacity(int n)
    {
        if (n <= _capacity) return;
        DisposeBatch();
        Accelerator acc = _device.Accelerator;
        _obs = acc.Allocate1D<float>((long)n * _d);
        _actions = acc.Allocate1D<float>((long)n * _a);
        _advantages = acc.Allocate1D<float>(n);
        _behaviour = acc.Allocate1D<double>(n);
        _outputs = acc.Allocate1D<float>((long)n * _k);
        _reference = acc.Allocate1D<float>((long)n * _k);
        _dOut = acc.Allocate1D<float>((long)n * _k);
        _subObs = acc.Allocate1D<float>((long)n * _d);
        _subOutputs = acc.Allocate1D<float>((long)n * _k);
        _logProb = acc.Allocate1D<double>(n);
        _rowTerms = acc.Allocate1D<double>((long)n * _k);
        _capacity = n;
    }

    private void DisposeBatch()
    {
        _obs?.Dispose(); _actions?.Dispose(); _advantages?.Dispose(); _behaviour?.Dispose(); _outputs?.Dispose();
        _reference?.Dispose(); _dOut?.Dispose(); _subObs?.Dispose(); _subOutputs?.Dispose(); _logProb?.Dispose(); _rowTerms?.Dispose();
    }

    public void Dispose()
    {
        DisposeBatch();
        _net.Dispose();
        _referenceHead.Dispose();
        _columnPartials.Dispose();
        _vectors.Dispose();
    }
}
