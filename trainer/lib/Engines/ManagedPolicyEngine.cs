using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Engines;

/// <summary>The managed engine behind <see cref="IPolicyEngine"/>: the host <see cref="MlpPolicy"/> itself (its
/// <see cref="Engine.Mlp"/> with the analytic backward pass and forward-mode JVP), so θ has one copy and the sync calls
/// do nothing. The Fisher-vector product is Jᵀ·M·J·v (<see cref="MlpPolicy.FisherVectorProduct"/>). Buffers grow to
/// the largest batch and are reused: steady-state calls allocate nothing.</summary>
public sealed class ManagedPolicyEngine : IPolicyEngine
{
    private readonly MlpPolicy _policy;
    private readonly ManagedVectorSpace _vectors;
    private readonly float[] _referenceHead;
    private float[] _observations = [], _actions = [], _advantages = [], _outputs = [], _referenceOutputs = [], _coefficients = [];
    private float[] _subObservations = [], _subOutputs = [];
    private double[] _behaviourLogProb = [], _logProb = [];
    private int _count;
    // The rows the Fisher-vector products average over: the full batch's outputs or the subsample's.
    private float[] _fisherOutputs = [];
    private int _fisherRows;

    public ManagedPolicyEngine(MlpPolicy policy)
    {
        _policy = policy;
        _vectors = new ManagedVectorSpace(policy.ParameterCount);
        _referenceHead = new float[policy.HeadSize];
    }

    public string Name => "managed";

    public int ParameterCount => _policy.ParameterCount;

    public IVectorAlgebra Vectors => _vectors;

    public MlpPolicy Policy => _policy;

    public void GetParameters(EngineVector destination) => _policy.GetParameters(_vectors.Of(destination));

    public void SetParameters(EngineVector source) => _policy.SetParameters(_vectors.Of(source));

    public void StageBatch(in PolicyBatch batch)
    {
        int n = batch.Count, d = _policy.ObservationSize, a = _policy.ActionSize;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(batch), n, "A policy batch needs at least one sample.");
        EnsureCapacity(n);
        batch.Observations[..(n * d)].CopyTo(_observations);
        batch.Actions[..(n * a)].CopyTo(_actions);
        batch.BehaviourLogProb[..n].CopyTo(_behaviourLogProb);
        batch.Advantages[..n].CopyTo(_advantages);
        _count = n;
    }

    public double ForwardSurrogate()
    {
        int n = RequireBatch();
        _policy.Forward(_observations, n, _outputs);
        _policy.LogProb(_outputs, _actions, n, _logProb);
        double surrogate = 0;
        for (int i = 0; i < n; i++) surrogate += Math.Exp(_logProb[i] - _behaviourLogProb[i]) * _advantages[i];
        return surrogate / n;
    }

    /// <summary>g = 1/N Σ ρ_i Â_i ∇ log π(a_i|s_i), ρ_i = π_θ/π_b, through one backward pass with per-row coefficients.</summary>
    public void SurrogateGradient(EngineVector gradient)
    {
        int n = RequireBatch();
        for (int i = 0; i < n; i++)
            _coefficients[i] = (float)(Math.Exp(_logProb[i] - _behaviourLogProb[i]) * _advantages[i] / n);
        _policy.SurrogateGradient(_outputs, _actions, _coefficients, n, _vectors.Of(gradient));
    }

    public void MarkReference()
    {
        int n = RequireBatch();
        _outputs.AsSpan(0, n * _policy.OutputSize).CopyTo(_referenceOutputs);
        _policy.Head.CopyTo(_referenceHead);
    }

    public double MeanKl() => _policy.MeanKl(_referenceOutputs, _referenceHead, _outputs, RequireBatch());

    public double MeanEntropy() => _policy.MeanEntropy(_outputs, RequireBatch());

    /// <summary>With the whole batch the network still caches the last forward pass (a backward pass does not disturb
    /// it), so nothing is recomputed; a subsample is gathered and run forward once.</summary>
    public void PrepareFisher(double subsample)
    {
        int n = RequireBatch();
        if (!(subsample > 0 && subsample <= 1))
            throw new ArgumentOutOfRangeException(nameof(subsample), subsample, "The Fisher subsample fraction must be in (0, 1], e.g. 1 or 0.1.");
        if (subsample >= 1.0)
        {
            _fisherOutputs = _outputs;
            _fisherRows = n;
            return;
        }
        int stride = Math.Max(1, (int)Math.Round(1.0 / subsample));
        int rows = (n + stride - 1) / stride;
        int d = _policy.ObservationSize;
        for (int r = 0; r < rows; r++)
            _observations.AsSpan(r * stride * d, d).CopyTo(_subObservations.AsSpan(r * d, d));
        _fisherOutputs = _subOutputs;
        _fisherRows = rows;
        _policy.Forward(_subObservations, rows, _subOutputs);
    }

    public void FisherVectorProduct(EngineVector v, EngineVector result)
    {
        if (_fisherRows == 0) throw new InvalidOperationException("Call PrepareFisher before FisherVectorProduct.");
        _policy.FisherVectorProduct(_fisherOutputs, _fisherRows, _vectors.Of(v), _vectors.Of(result));
    }

    public void SyncToHost()
    {
    }

    public void SyncFromHost()
    {
    }

    public void Dispose()
    {
    }

    private int RequireBatch()
    {
        if (_count == 0) throw new InvalidOperationException("No batch staged: call StageBatch first.");
        return _count;
    }

    private void EnsureCapacity(int n)
    {
        _fisherRows = 0;
        if (_advantages.Length >= n) return;
        int o = _policy.OutputSize, d = _policy.ObservationSize;
        _observations = new float[n * d];
        _actions = new float[n * _policy.ActionSize];
        _behaviourLogProb = new double[n];
        _advantages = new float[n];
        _outputs = new float[n * o];
        _referenceOutputs = new float[n * o];
        _coefficients = new float[n];
        _logProb = new double[n];
        _subObservations = new float[n * d];
        _subOutputs = new float[n * o];
    }
}
