using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Constraints;

/// <summary>The KL-penalty simplification of TRPO (Schulman et al. 2015, eq. 11 with a fixed β; adaptive β as in
/// Schulman et al. 2017, §4): instead of a hard trust region, maximise
/// L(θ) − β·KL̄(θ_old, θ),  L(θ) = 1/N Σ π_θ(a|s)/π_b(a|s)·Â,  KL̄ = 1/N Σ KL(π_old(·|s) ‖ π_θ(·|s)),
/// with Adam over shuffled minibatches for several epochs, then adapt β: ×2 when KL̄ &gt; 1.5δ, ÷2 when
/// KL̄ &lt; δ/1.5. ∇KL̄ is exact (<see cref="MlpPolicy.KlGradient"/>). Takes the same <see cref="PolicyBatch"/>
/// as <see cref="TrpoPolicyStep"/>, so it pairs with single-path or vine sampling alike. Adam's moments and β carry
/// over from update to update and are saved in the checkpoint (<see cref="Export"/>, <see cref="Restore"/>), so a
/// resumed run continues with them instead of restarting at β₀ with cold moments.</summary>
public sealed class KlPenaltyStep
{
    /// <summary>β is kept in [MinBeta, MaxBeta] so a long run of small (or large) KLs cannot drive it to a
    /// denormal (or overflow) from which halving/doubling would take hundreds of updates to return.</summary>
    public const double MinBeta = 1e-6, MaxBeta = 1e6;
    private const double Tolerance = 1.5, Factor = 2.0;

    private readonly MlpPolicy _policy;
    private readonly KlPenaltyOptions _options;
    private readonly double _targetKl;
    private readonly Adam _adam;
    private readonly Random _shuffle;
    private readonly int _n;
    private readonly float[] _theta, _oldParameters, _oldHead, _surrogateGradient, _klGradient, _gradient, _initialGradient;
    private float[] _oldOutputs = [], _outputs = [], _miniObs = [], _miniActions = [], _miniOldOutputs = [], _coefficients = [];
    private double[] _logProb = [], _miniBehaviour = [];
    private float[] _miniAdvantages = [];
    private int[] _order = [];

    public KlPenaltyStep(MlpPolicy policy, KlPenaltyOptions options, double targetKl, ulong seed)
    {
        options.Validate();
        TrpoOptions.Require(targetKl > 0 && targetKl < 1, nameof(targetKl), targetKl, "in (0, 1), e.g. 0.01");
        _policy = policy;
        _options = options;
        _targetKl = targetKl;
        _n = policy.ParameterCount;
        _adam = new Adam(_n, new AdamOptions(options.LearningRate));
        _shuffle = new Random(unchecked((int)(seed ^ (seed >> 32))));
        _theta = new float[_n];
        _oldParameters = new float[_n];
        _oldHead = new float[policy.HeadSize];
        _surrogateGradient = new float[_n];
        _klGradient = new float[_n];
        _gradient = new float[_n];
        _initialGradient = new float[_n];
        Beta = options.BetaInit;
    }

    /// <summary>The β the next update will use.</summary>
    public double Beta { get; private set; }

    /// <summary>β and a copy of Adam's state, for the checkpoint.</summary>
    public KlPenaltyState Export() =>
        new(Beta, new AdamState(_adam.Step, _adam.FirstMoment.ToArray(), _adam.SecondMoment.ToArray()));

    /// <summary>Continues from a saved state. The moments must be over this policy's parameters.</summary>
    public void Restore(KlPenaltyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        TrpoOptions.Require(state.Beta >= MinBeta && state.Beta <= MaxBeta, "penalty_beta", state.Beta, $"in [{MinBeta:G}, {MaxBeta:G}]");
        _adam.Restore(state.Optimizer.Step, state.Optimizer.M, state.Optimizer.V);
        Beta = state.Beta;
    }

    public PolicyStepReport Update(in PolicyBatch batch)
    {
        int n = batch.Count;
        EnsureCapacity(n);
        _policy.GetParameters(_oldParameters);
        _policy.Head.CopyTo(_oldHead);
        _policy.Forward(batch.Observations, n, _oldOutputs);
        double surrogateBefore = batch.Surrogate(_policy, _oldOutputs, _logProb);
        // g = ∇L(θ_old), for the first-order prediction gᵀ(θ_new − θ_old) logged as the expected improvement.
        for (int i = 0; i < n; i++) _coefficients[i] = (float)(Math.Exp(_logProb[i] - batch.BehaviourLogProb[i]) * batch.Advantages[i] / n);
        _policy.SurrogateGradient(_oldOutputs, batch.Actions, _coefficients, n, _surrogateGradient);
        _surrogateGradient.CopyTo(_initialGradient, 0);
        double beta = Beta;

        for (int epoch = 0; epoch < _options.Epochs; epoch++) Epoch(batch, beta);

        _policy.Forward(batch.Observations, n, _outputs);
        double kl = _policy.MeanKl(_oldOutputs, _oldHead, _outputs, n);
        double surrogateAfter = batch.Surrogate(_policy, _outputs, _logProb);
        if (!double.IsFinite(kl) || !double.IsFinite(surrogateAfter))
        {
            // A diverged step is not kept: restore θ_old and make the next update more careful.
            _policy.SetParameters(_oldParameters);
            Beta = Math.Min(MaxBeta, beta * Factor);
            return new PolicyStepReport(surrogateBefore, surrogateBefore, 0, _policy.MeanEntropy(_oldOutputs, n), 0, 0, false, 0, 0, 0, 0) { Beta = beta };
        }
        Beta = Adapt(beta, kl, _targetKl);
        if (!(surrogateAfter > surrogateBefore))
        {
            // The epochs lowered the surrogate they were meant to raise: not an improvement, so not an accepted update.
            // θ_old is restored, so the policy version (which counts accepted updates) keeps naming the policy that acts.
            _policy.SetParameters(_oldParameters);
            return new PolicyStepReport(surrogateBefore, surrogateBefore, 0, _policy.MeanEntropy(_oldOutputs, n), 0, 0, false, 0, 0, 0, 0) { Beta = beta };
        }
        _policy.GetParameters(_theta);
        double expected = 0;
        for (int i = 0; i < _n; i++) expected += (double)_initialGradient[i] * (_theta[i] - _oldParameters[i]);
        double length = 0;
        for (int i = 0; i < _n; i++) length += (double)(_theta[i] - _oldParameters[i]) * (_theta[i] - _oldParameters[i]);
        return new PolicyStepReport(surrogateBefore, surrogateAfter, kl, _policy.MeanEntropy(_outputs, n), expected,
            surrogateAfter - surrogateBefore, true, 0, 0, 0, 0) { Beta = beta, StepLength = Math.Sqrt(length) };
    }

    /// <summary>β ← 2β when KL &gt; 1.5δ (steps too large), β/2 when KL &lt; δ/1.5 (too timid), else unchanged.</summary>
    public static double Adapt(double beta, double kl, double targetKl)
    {
        if (kl > Tolerance * targetKl) return Math.Min(MaxBeta, beta * Factor);
        if (kl < targetKl / Tolerance) return Math.Max(MinBeta, beta / Factor);
        return beta;
    }

    /// <summary>One pass over the batch in shuffled minibatches, each an Adam step on −(L − β·KL̄) of the minibatch.</summary>
    private void Epoch(in PolicyBatch batch, double beta)
    {
        int n = batch.Count, d = _policy.ObservationSize, a = _policy.ActionSize, o = _policy.OutputSize;
        int size = Math.Min(_options.MinibatchSize, n);
        for (int i = 0; i < n; i++) _order[i] = i;
        _shuffle.Shuffle(_order.AsSpan(0, n));
        for (int start = 0; start < n; start += size)
        {
            int b = Math.Min(size, n - start);
            for (int r = 0; r < b; r++)
            {
                int row = _order[start + r];
                batch.Observations.Slice(row * d, d).CopyTo(_miniObs.AsSpan(r * d, d));
                batch.Actions.Slice(row * a, a).CopyTo(_miniActions.AsSpan(r * a, a));
                _oldOutputs.AsSpan(row * o, o).CopyTo(_miniOldOutputs.AsSpan(r * o, o));
                _miniBehaviour[r] = batch.BehaviourLogProb[row];
                _miniAdvantages[r] = batch.Advantages[row];
            }
            _policy.Forward(_miniObs, b, _outputs);
            _policy.LogProb(_outputs, _miniActions, b, _logProb);
            // ∇(−L) = −1/b Σ ρ_i Â_i ∇log π(a_i|s_i), ρ_i = π_θ/π_b at the current θ.
            for (int r = 0; r < b; r++)
                _coefficients[r] = (float)(-Math.Exp(_logProb[r] - _miniBehaviour[r]) * _miniAdvantages[r] / b);
            _policy.SurrogateGradient(_outputs, _miniActions, _coefficients, b, _surrogateGradient);
            _policy.KlGradient(_miniOldOutputs, _oldHead, _outputs, b, _klGradient);
            float fb = (float)beta;
            for (int i = 0; i < _n; i++) _gradient[i] = _surrogateGradient[i] + fb * _klGradient[i];
            _policy.GetParameters(_theta);
            _adam.Update(_theta, _gradient);
            _policy.SetParameters(_theta);
        }
    }

    private void EnsureCapacity(int n)
    {
        if (_order.Length >= n) return;
        int o = _policy.OutputSize;
        _oldOutputs = new float[n * o];
        _outputs = new float[n * o];
        _logProb = new double[n];
        _order = new int[n];
        int m = Math.Min(_options.MinibatchSize, n);
        _miniObs = new float[m * _policy.ObservationSize];
        _miniActions = new float[m * _policy.ActionSize];
        _miniOldOutputs = new float[m * o];
        _miniBehaviour = new double[m];
        _miniAdvantages = new float[m];
        _coefficients = new float[n];
    }
}
