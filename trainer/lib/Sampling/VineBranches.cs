using TrpoEdge.Sim.Random;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Sampling;

/// <summary>Estimates Q̂(s_n, a_{n,k}) for the vine's rollout set (Schulman et al. 2015, §5.2): for every state n
/// and each of its K first actions, restore the simulator to s_n (physical state, step counter and the
/// environment's own generator), take a_{n,k}, then follow π_old for the rest of the horizon T and sum the
/// discounted rewards. The K branches of a state share common random numbers: the same restored generator for
/// the environment and one policy-noise stream seeded per state, so the only difference between them is the first
/// action and what it causes — which is what makes Q̂(s, a) − Q̂(s, a') low-variance.
/// All branches advance in lock-step so the policy runs one batched forward pass per step. Environments and
/// buffers are kept between calls.</summary>
public sealed class VineBranches
{
    private readonly Func<IEnv> _factory;
    private readonly MlpPolicy _policy;
    private readonly ObservationNormalizer _normalizer;
    private readonly ValueFunction? _critic;
    private readonly List<IEnv> _envs = [];
    private Pcg64[] _noise = [];
    private float[] _raw = [], _compact = [], _outputs = [], _actions = [], _values = [];
    private double[] _discount = [];
    private bool[] _running = [], _bootstrap = [];
    private int[] _rows = [];
    private readonly float[] _envAction;

    /// <param name="factory">Makes environments of the kind whose states are restored.</param>
    /// <param name="critic">V for bootstrapping the tails; null to never bootstrap.</param>
    public VineBranches(Func<IEnv> factory, MlpPolicy policy, ObservationNormalizer normalizer, ValueFunction? critic)
    {
        _factory = factory;
        _policy = policy;
        _normalizer = normalizer;
        _critic = critic;
        _envAction = new float[Math.Max(1, policy.ActionSize)];
    }

    /// <summary>Fills <paramref name="q"/>[n·K + k] with Q̂(s_n, a_{n,k}) = Σ_{t&lt;T'} γᵗ r_t (+ γ^{T'} V(s_{T'}) when
    /// bootstrapping a branch that was truncated or ran the full horizon; a terminated branch adds nothing).</summary>
    /// <param name="states">s_n, saved with <see cref="IEnv.SaveState"/>.</param>
    /// <param name="actionsPerState">K.</param>
    /// <param name="firstActions">a_{n,k} as the policy produced them (unclipped), [N·K·ActionSize].</param>
    /// <param name="noiseSeeds">One policy-noise seed per state, shared by its K branches.</param>
    /// <returns>Environment steps taken by all branches together.</returns>
    public long Estimate(IReadOnlyList<EnvState> states, int actionsPerState, ReadOnlySpan<float> firstActions,
        ReadOnlySpan<ulong> noiseSeeds, double gamma, int horizon, bool bootstrap, Span<double> q)
    {
        int k = actionsPerState, count = states.Count * k, a = _policy.ActionSize;
        if (firstActions.Length != count * a)
            throw new ArgumentException($"{states.Count} states × {k} actions need {count * a} action floats; got {firstActions.Length}.", nameof(firstActions));
        if (noiseSeeds.Length != states.Count)
            throw new ArgumentException($"One noise seed per state is needed ({states.Count}); got {noiseSeeds.Length}.", nameof(noiseSeeds));
        if (q.Length < count) throw new ArgumentException($"q needs {count} entries; got {q.Length}.", nameof(q));
        if (bootstrap && _critic is null) throw new InvalidOperationException("Bootstrapping branch tails needs a critic; construct VineBranches with one.");
        EnsureCapacity(count);

        int d = _policy.ObservationSize;
        for (int b = 0; b < count; b++)
        {
            _envs[b].RestoreState(states[b / k]);
            _noise[b] = new Pcg64(noiseSeeds[b / k]); // common random numbers: the same stream for all K branches
            q[b] = 0;
            _discount[b] = 1;
            _running[b] = true;
            _bootstrap[b] = false;
        }
        firstActions.CopyTo(_actions);

        long steps = 0;
        for (int t = 0; t < horizon; t++)
        {
            int active = 0;
            for (int b = 0; b < count; b++) if (_running[b]) _rows[active++] = b;
            if (active == 0) break;
            if (t > 0) ContinueWithPolicy(active);
            for (int r = 0; r < active; r++)
            {
                int b = _rows[r];
                _policy.ToEnvironmentAction(_actions.AsSpan(b * a, a), _envAction);
                StepResult step = _envs[b].Step(_envAction, _raw.AsSpan(b * d, d));
                steps++;
                q[b] += _discount[b] * step.Reward;
                _discount[b] *= gamma;
                if (step.Done)
                {
                    _running[b] = false;
                    _bootstrap[b] = !step.Terminated; // the time limit is not a terminal state
                }
            }
        }
        for (int b = 0; b < count; b++) if (_running[b]) _bootstrap[b] = true;
        if (bootstrap) AddTailValues(count, q);
        return steps;
    }

    /// <summary>a_t ~ π_old(·|s_t) for every running branch, each from its own (per-state common) noise stream.</summary>
    private void ContinueWithPolicy(int active)
    {
        int d = _policy.ObservationSize, o = _policy.OutputSize, a = _policy.ActionSize;
        for (int r = 0; r < active; r++)
            _normalizer.Normalize(_raw.AsSpan(_rows[r] * d, d), _compact.AsSpan(r * d, d));
        _policy.Forward(_compact, active, _outputs);
        for (int r = 0; r < active; r++)
        {
            int b = _rows[r];
            _policy.Sample(_outputs.AsSpan(r * o, o), _noise[b], _actions.AsSpan(b * a, a));
        }
    }

    /// <summary>q_b += γ^{T'} V(s_{T'}) for the branches that did not terminate, in one batched critic pass.</summary>
    private void AddTailValues(int count, Span<double> q)
    {
        int d = _policy.ObservationSize, rows = 0;
        for (int b = 0; b < count; b++)
            if (_bootstrap[b])
            {
                _normalizer.Normalize(_raw.AsSpan(b * d, d), _compact.AsSpan(rows * d, d));
                _rows[rows++] = b;
            }
        if (rows == 0) return;
        _critic!.Predict(_compact, rows, _values);
        for (int r = 0; r < rows; r++) q[_rows[r]] += _discount[_rows[r]] * _values[r];
    }

    private void EnsureCapacity(int count)
    {
        while (_envs.Count < count) _envs.Add(_factory());
        if (_rows.Length >= count) return;
        int d = _policy.ObservationSize;
        _noise = new Pcg64[count];
        _raw = new float[count * d];
        _compact = new float[count * d];
        _outputs = new float[count * _policy.OutputSize];
        _actions = new float[count * _policy.ActionSize];
        _values = new float[count];
        _discount = new double[count];
        _running = new bool[count];
        _bootstrap = new bool[count];
        _rows = new int[count];
    }
}
