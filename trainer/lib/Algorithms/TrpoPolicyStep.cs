using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>One TRPO policy update (Schulman et al. 2015, §6 "practical algorithm", appendix C), each step of the
/// algorithm a method of its own:
/// g = ∇_θ L(θ_old) → s ≈ (F + cI)⁻¹ g by conjugate gradient → β = √(2δ / sᵀ(F + cI)s) →
/// backtracking line search on θ_old + shrinkᵏ β s accepting only if mean KL ≤ δ and L improved, otherwise
/// restoring θ_old. L is the importance-weighted surrogate L(θ) = 1/N Σ π_θ(a|s)/π_b(a|s) · Â; with on-policy
/// data π_b = π_old and the ratios are 1 at θ_old. Buffers are sized once for the largest batch.</summary>
public sealed class TrpoPolicyStep
{
    private readonly MlpPolicy _policy;
    private readonly TrpoOptions _options;
    private readonly int _n;
    private float[] _oldOutputs = [], _newOutputs = [], _subObservations = [], _subOutputs = [], _coefficients = [];
    private double[] _logProb = [];
    private readonly float[] _oldHead, _gradient, _direction, _cgWork, _fvp, _oldParameters, _trial;
    private readonly LinearOperator _dampedFisher;
    // The rows the Fisher-vector products average over: the full batch's outputs or the subsample's.
    private float[] _fvpOutputs = [];
    private int _fvpRows;

    public TrpoPolicyStep(MlpPolicy policy, TrpoOptions options)
    {
        options.Validate();
        _policy = policy;
        _options = options;
        _n = policy.ParameterCount;
        _oldHead = new float[policy.HeadSize];
        _gradient = new float[_n];
        _direction = new float[_n];
        _cgWork = new float[3 * _n];
        _fvp = new float[_n];
        _oldParameters = new float[_n];
        _trial = new float[_n];
        _dampedFisher = DampedFisherProduct;
    }

    /// <param name="accept">An extra condition on each trial (see <see cref="TrialCheck"/>); null: none.</param>
    public PolicyStepReport Update(in PolicyBatch batch, TrialCheck? accept = null)
    {
        EnsureCapacity(batch.Count);
        _policy.GetParameters(_oldParameters);
        _policy.Head.CopyTo(_oldHead);

        double surrogateBefore = SurrogateGradient(batch);
        PrepareFisherBatch(batch);
        var (iterations, residual) = SolveForStepDirection();
        double maxStep = MaximalStepLength();
        double expectedFull = ConjugateGradient.Dot(_gradient, _direction) * maxStep;
        double entropy = _policy.MeanEntropy(_oldOutputs, batch.Count);
        return LineSearch(batch, surrogateBefore, maxStep, expectedFull, entropy, iterations, residual, accept);
    }

    /// <summary>L(θ_old) and g = ∇L(θ_old) = 1/N Σ ρ_i Â_i ∇ log π(a_i|s_i), ρ_i = π_old/π_b (eq. 14's sample estimate).</summary>
    private double SurrogateGradient(in PolicyBatch batch)
    {
        int n = batch.Count;
        _policy.Forward(batch.Observations, n, _oldOutputs);
        _policy.LogProb(_oldOutputs, batch.Actions, n, _logProb);
        double surrogate = 0;
        for (int i = 0; i < n; i++)
        {
            double ratio = Math.Exp(_logProb[i] - batch.BehaviourLogProb[i]);
            surrogate += ratio * batch.Advantages[i];
            _coefficients[i] = (float)(ratio * batch.Advantages[i] / n);
        }
        _policy.SurrogateGradient(_oldOutputs, batch.Actions, _coefficients, n, _gradient);
        return surrogate / n;
    }

    /// <summary>Chooses the rows the Fisher-vector products average over (every k-th row when sub-sampling, as the
    /// paper's 10 % subsample) and leaves the network's cache on them.</summary>
    private void PrepareFisherBatch(in PolicyBatch batch)
    {
        int n = batch.Count;
        if (_options.FvpSubsample >= 1.0)
        {
            // The network still caches the full batch from the gradient's forward pass: Backward does not disturb it.
            _fvpOutputs = _oldOutputs;
            _fvpRows = n;
            return;
        }
        int stride = Math.Max(1, (int)Math.Round(1.0 / _options.FvpSubsample));
        int rows = (n + stride - 1) / stride;
        int d = _policy.ObservationSize;
        for (int r = 0; r < rows; r++)
            batch.Observations.Slice(r * stride * d, d).CopyTo(_subObservations.AsSpan(r * d, d));
        _fvpOutputs = _subOutputs;
        _fvpRows = rows;
        _policy.Forward(_subObservations, rows, _subOutputs);
    }

    /// <summary>(F + cI) v with F averaged over the Fisher rows.</summary>
    private void DampedFisherProduct(ReadOnlySpan<float> v, Span<float> result)
    {
        _policy.FisherVectorProduct(_fvpOutputs, _fvpRows, v, result);
        float damping = (float)_options.CgDamping;
        for (int i = 0; i < result.Length; i++) result[i] += damping * v[i];
    }

    /// <summary>s ≈ (F + cI)⁻¹ g by conjugate gradient (appendix C).</summary>
    private (int, double) SolveForStepDirection() =>
        ConjugateGradient.Solve(_dampedFisher, _gradient, _direction, _options.CgIterations, _options.CgResidualTolerance, _cgWork);

    /// <summary>β = √(2δ / sᵀ(F + cI)s): the largest step along s whose quadratic KL model equals δ.</summary>
    private double MaximalStepLength()
    {
        DampedFisherProduct(_direction, _fvp);
        double sFs = ConjugateGradient.Dot(_direction, _fvp);
        return sFs > 0 && double.IsFinite(sFs) ? Math.Sqrt(2 * _options.TargetKl / sFs) : 0.0;
    }

    /// <summary>Backtracks θ = θ_old + shrinkᵏ β s until mean KL ≤ δ and L(θ) > L(θ_old) (and <paramref name="accept"/>
    /// holds); otherwise restores θ_old.</summary>
    private PolicyStepReport LineSearch(in PolicyBatch batch, double surrogateBefore, double maxStep, double expectedFull, double entropy, int cgIterations, double cgResidual, TrialCheck? accept)
    {
        int n = batch.Count;
        double fraction = 1.0;
        double lastKl = 0, lastSurrogate = surrogateBefore;
        for (int k = 0; k < _options.LineSearchSteps && maxStep > 0; k++)
        {
            for (int i = 0; i < _n; i++) _trial[i] = (float)(_oldParameters[i] + fraction * maxStep * _direction[i]);
            _policy.SetParameters(_trial);
            _policy.Forward(batch.Observations, n, _newOutputs);
            lastSurrogate = batch.Surrogate(_policy, _newOutputs, _logProb);
            lastKl = _policy.MeanKl(_oldOutputs, _oldHead, _newOutputs, n);
            if (lastKl <= _options.TargetKl && lastSurrogate > surrogateBefore && double.IsFinite(lastSurrogate)
                && (accept is null || accept(_newOutputs.AsSpan(0, n * _policy.OutputSize), _logProb.AsSpan(0, n))))
            {
                double newEntropy = _policy.MeanEntropy(_newOutputs, n);
                return new PolicyStepReport(surrogateBefore, lastSurrogate, lastKl, newEntropy, expectedFull * fraction,
                    lastSurrogate - surrogateBefore, true, k + 1, cgIterations, cgResidual, maxStep)
                { StepLength = fraction * maxStep * Math.Sqrt(ConjugateGradient.Dot(_direction, _direction)) };
            }
            fraction *= _options.LineSearchShrink;
        }
        _policy.SetParameters(_oldParameters);
        return new PolicyStepReport(surrogateBefore, surrogateBefore, 0, entropy, 0, 0, false, _options.LineSearchSteps, cgIterations, cgResidual, maxStep);
    }

    private void EnsureCapacity(int n)
    {
        if (_coefficients.Length >= n) return;
        _oldOutputs = new float[n * _policy.OutputSize];
        _newOutputs = new float[n * _policy.OutputSize];
        _subObservations = new float[n * _policy.ObservationSize];
        _subOutputs = new float[n * _policy.OutputSize];
        _coefficients = new float[n];
        _logProb = new double[n];
    }
}
