using System.Diagnostics;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>One TRPO policy update (Schulman et al. 2015, §6 "practical algorithm", appendix C), each step of the
/// algorithm a method of its own:
/// g = ∇_θ L(θ_old) → s ≈ (F + cI)⁻¹ g by conjugate gradient → β = √(2δ / sᵀ(F + cI)s) →
/// backtracking line search on θ_old + shrinkᵏ β s accepting only if mean KL ≤ δ and L improved, otherwise
/// restoring θ_old. L is the importance-weighted surrogate L(θ) = 1/N Σ π_θ(a|s)/π_b(a|s) · Â; with on-policy
/// data π_b = π_old and the ratios are 1 at θ_old.
///
/// Written once over <see cref="IPolicyEngine"/>: the vectors (g, s, θ_old, the trial θ, CG's work) are the engine's,
/// so the whole update runs where the engine computes and only scalars come back. Vectors are created once.</summary>
public sealed class TrpoPolicyStep : IDisposable
{
    private readonly IPolicyEngine _engine;
    private readonly IVectorAlgebra _ops;
    private readonly TrpoOptions _options;
    private readonly ConjugateGradient _cg;
    private readonly EngineVector _gradient, _direction, _fvp, _oldParameters, _trial;
    private readonly LinearOperator _dampedFisher;

    /// <summary>On the managed engine, over <paramref name="policy"/> itself.</summary>
    public TrpoPolicyStep(MlpPolicy policy, TrpoOptions options)
        : this(new ManagedPolicyEngine(policy), options)
    {
    }

    /// <summary>On any engine; the step owns it from here on (<see cref="Dispose"/>).</summary>
    public TrpoPolicyStep(IPolicyEngine engine, TrpoOptions options)
    {
        options.Validate();
        _engine = engine;
        _ops = engine.Vectors;
        _options = options;
        _cg = new ConjugateGradient(_ops);
        _gradient = _ops.CreateVector();
        _direction = _ops.CreateVector();
        _fvp = _ops.CreateVector();
        _oldParameters = _ops.CreateVector();
        _trial = _ops.CreateVector();
        _dampedFisher = DampedFisherProduct;
    }

    public IPolicyEngine Engine => _engine;

    /// <summary>How many trailing parameters (the policy head: a Gaussian's state-independent log σ) the step leaves
    /// unchanged: their gradient entries are zeroed before conjugate gradient. A Gaussian's Fisher matrix has no
    /// mean/log σ cross terms, so the direction then has zeros there too and the whole KL budget moves the mean.
    /// 0 (the default): every parameter moves.</summary>
    public int FrozenTail
    {
        get => _frozenTail;
        init
        {
            if (value < 0 || value > _engine.Vectors.Length)
                throw new ArgumentOutOfRangeException(nameof(FrozenTail), value, $"FrozenTail must be between 0 and the {_engine.Vectors.Length} parameters.");
            _frozenTail = value;
        }
    }

    private readonly int _frozenTail;
    private float[] _hostGradient = [];

    /// <summary>Stages the batch in the engine and updates; the host policy reflects the result when this returns.</summary>
    /// <param name="accept">An extra condition on each trial (see <see cref="TrialCheck"/>); null: none.</param>
    public PolicyStepReport Update(in PolicyBatch batch, TrialCheck? accept = null)
    {
        long start = Stopwatch.GetTimestamp();
        _engine.StageBatch(batch);
        double stage = Stopwatch.GetElapsedTime(start).TotalSeconds;
        PolicyStepReport report = UpdateStaged(accept);
        return report with { Times = report.Times with { Stage = stage } };
    }

    /// <summary>The update on the batch the engine already holds (an engine that collects on its device stages its own).</summary>
    public PolicyStepReport UpdateStaged(TrialCheck? accept = null)
    {
        long start = Stopwatch.GetTimestamp();
        _engine.GetParameters(_oldParameters);
        double surrogateBefore = SurrogateGradient();
        long gradient = Stopwatch.GetTimestamp();
        _engine.PrepareFisher(_options.FvpSubsample);
        var (iterations, residual) = SolveForStepDirection();
        double maxStep = MaximalStepLength();
        double expectedFull = _ops.Dot(_gradient, _direction) * maxStep;
        double entropy = _engine.MeanEntropy();
        long solved = Stopwatch.GetTimestamp();
        PolicyStepReport report = LineSearch(surrogateBefore, maxStep, expectedFull, entropy, iterations, residual, accept);
        _engine.SyncToHost();
        long searched = Stopwatch.GetTimestamp();
        return report with { Times = new PolicyStepTimes(0, Seconds(start, gradient), Seconds(gradient, solved), Seconds(solved, searched)) };
    }

    /// <summary>L(θ_old) and g = ∇L(θ_old) = 1/N Σ ρ_i Â_i ∇ log π(a_i|s_i), ρ_i = π_old/π_b (eq. 14's sample
    /// estimate); π_old becomes the KL reference.</summary>
    private double SurrogateGradient()
    {
        double surrogate = _engine.ForwardSurrogate();
        _engine.MarkReference();
        _engine.SurrogateGradient(_gradient);
        if (_frozenTail > 0) FreezeTail();
        return surrogate;
    }

    /// <summary>Zeroes the frozen parameters' gradient entries (once per update, through the host).</summary>
    private void FreezeTail()
    {
        if (_hostGradient.Length != _ops.Length) _hostGradient = new float[_ops.Length];
        _ops.Download(_gradient, _hostGradient);
        _hostGradient.AsSpan(_hostGradient.Length - _frozenTail).Clear();
        _ops.Upload(_hostGradient, _gradient);
    }

    /// <summary>(F + cI) v with F averaged over the Fisher rows.</summary>
    private void DampedFisherProduct(EngineVector v, EngineVector result)
    {
        _engine.FisherVectorProduct(v, result);
        // The damping is applied as a float, as it always was: (double)(float)c keeps the product's rounding.
        _ops.Axpy((float)_options.CgDamping, v, result);
    }

    /// <summary>s ≈ (F + cI)⁻¹ g by conjugate gradient (appendix C).</summary>
    private (int, double) SolveForStepDirection() =>
        _cg.Solve(_dampedFisher, _gradient, _direction, _options.CgIterations, _options.CgResidualTolerance);

    /// <summary>β = √(2δ / sᵀ(F + cI)s): the largest step along s whose quadratic KL model equals δ.</summary>
    private double MaximalStepLength()
    {
        DampedFisherProduct(_direction, _fvp);
        double sFs = _ops.Dot(_direction, _fvp);
        return sFs > 0 && double.IsFinite(sFs) ? Math.Sqrt(2 * _options.TargetKl / sFs) : 0.0;
    }

    /// <summary>Backtracks θ = θ_old + shrinkᵏ β s until mean KL ≤ δ and L(θ) > L(θ_old) (and <paramref name="accept"/>
    /// holds); otherwise restores θ_old.</summary>
    private PolicyStepReport LineSearch(double surrogateBefore, double maxStep, double expectedFull, double entropy, int cgIterations, double cgResidual, TrialCheck? accept)
    {
        double fraction = 1.0;
        double lastKl = 0, lastSurrogate = surrogateBefore;
        for (int k = 0; k < _options.LineSearchSteps && maxStep > 0; k++)
        {
            _ops.Combine(_trial, _oldParameters, fraction * maxStep, _direction);
            _engine.SetParameters(_trial);
            lastSurrogate = _engine.ForwardSurrogate();
            lastKl = _engine.MeanKl();
            if (lastKl <= _options.TargetKl && lastSurrogate > surrogateBefore && double.IsFinite(lastSurrogate) && Accepts(accept))
            {
                double newEntropy = _engine.MeanEntropy();
                return new PolicyStepReport(surrogateBefore, lastSurrogate, lastKl, newEntropy, expectedFull * fraction,
                    lastSurrogate - surrogateBefore, true, k + 1, cgIterations, cgResidual, maxStep)
                { StepLength = fraction * maxStep * Math.Sqrt(_ops.Dot(_direction, _direction)) };
            }
            fraction *= _options.LineSearchShrink;
        }
        _engine.SetParameters(_oldParameters);
        return new PolicyStepReport(surrogateBefore, surrogateBefore, 0, entropy, 0, 0, false, _options.LineSearchSteps, cgIterations, cgResidual, maxStep);
    }

    /// <summary>The caller's extra condition, evaluated with the trial θ in the host policy.</summary>
    private bool Accepts(TrialCheck? accept)
    {
        if (accept is null) return true;
        _engine.SyncToHost();
        return accept();
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;

    public void Dispose() => _engine.Dispose();
}
