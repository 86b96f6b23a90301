using TrpoEdge.Sim.Random;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Rollouts;

namespace TrpoEdge.Trainer.Sampling;

/// <summary>The vine procedure (Schulman et al. 2015, §5.2) around an ordinary trunk rollout:
/// <list type="number">
/// <item><see cref="Plan"/> chooses the rollout set — N trunk indices by stratified sampling over the batch;</item>
/// <item>the trunk is collected with <see cref="Capture"/> as the collector's hook, which saves each chosen
/// environment's simulator state just before it acts;</item>
/// <item><see cref="Sample"/> draws K actions per state (from π_old for Box actions, every action for Discrete),
/// estimates Q̂ by branch rollouts with common random numbers (<see cref="VineBranches"/>), and builds the policy
/// batch with the per-state baseline Â(s_n, a_k) = Q̂(s_n, a_k) − mean_k Q̂(s_n, a_k).</item>
/// </list>
/// <see cref="Batch"/> is the surrogate's input for the unchanged TRPO machinery. For Box actions its rows are
/// (s_n, a_k, log π_old(a_k|s_n), Â): the importance-weighted surrogate 1/NK Σ π_θ/π_old·Â with q = π_old. For
/// Discrete actions the behaviour log-probability is 0 (q ≡ 1), so the same expression is exactly
/// 1/NK Σ_n Σ_a π_θ(a|s_n)·Â(s_n, a) — the paper's sum over actions, with no sampling of actions at all. Every
/// state contributes K rows, so mean KL and Fisher products over the rows equal those over the rollout-set states.</summary>
public sealed class VineSampler
{
    private readonly VineOptions _options;
    private readonly VectorEnv _trunk;
    private readonly MlpPolicy _policy;
    private readonly VineBranches _branches;
    private readonly double _gamma;
    private readonly bool _scaleAdvantages;
    private readonly Pcg64 _rng;
    private readonly bool _discrete;
    private int[] _slotOf = [], _chosen = [];
    private EnvState[] _states = [];
    private int _stepsPerEnv;
    private float[] _stateObservations = [], _stateOutputs = [], _observations = [], _actions = [], _advantages = [];
    private double[] _behaviour = [], _q = [];
    private ulong[] _seeds = [];
    private int _rows;

    /// <param name="trunk">The vectorised environment the trunk is collected from (its states are saved).</param>
    /// <param name="factory">Makes the branch environments (same kind as the trunk's).</param>
    /// <param name="critic">Bootstraps branch tails when <see cref="VineOptions.Bootstrap"/> is set.</param>
    /// <param name="trpo">γ, and whether advantages are scaled to unit standard deviation.</param>
    public VineSampler(VineOptions options, VectorEnv trunk, Func<IEnv> factory, MlpPolicy policy, ObservationNormalizer normalizer,
        ValueFunction critic, TrpoOptions trpo, ulong seed)
    {
        _options = options;
        _trunk = trunk;
        _policy = policy;
        _gamma = trpo.Gamma;
        _scaleAdvantages = trpo.NormalizeAdvantage;
        _branches = new VineBranches(factory, policy, normalizer, options.Bootstrap ? critic : null);
        _rng = new Pcg64(seed);
        _discrete = policy is CategoricalMlpPolicy;
        ActionsPerState = _discrete ? policy.OutputSize : options.Actions;
        Capture = CaptureStates;
    }

    /// <summary>K: branches per state (every action for a discrete policy).</summary>
    public int ActionsPerState { get; }

    /// <summary>The collector's hook (<see cref="RolloutCollector.Collect"/>): saves the chosen envs' states at step t.</summary>
    public Action<int> Capture { get; }

    /// <summary>Environment steps the branches took in the last <see cref="Sample"/>.</summary>
    public long BranchSteps { get; private set; }

    /// <summary>The rollout set's rows for the policy step (valid until the next <see cref="Sample"/>).</summary>
    public PolicyBatch Batch => new(_observations.AsSpan(0, _rows * _policy.ObservationSize), _actions.AsSpan(0, _rows * _policy.ActionSize),
        _behaviour.AsSpan(0, _rows), _advantages.AsSpan(0, _rows), _rows);

    /// <summary>Trunk indices (env·n_steps + t) of the rollout set chosen by the last <see cref="Plan"/>; row group n of
    /// <see cref="Batch"/> (rows n·K … n·K + K − 1) branches from the state at index n here.</summary>
    public ReadOnlySpan<int> RolloutSet => _chosen;

    /// <summary>Q̂ of each row of <see cref="Batch"/> (before the baseline), for diagnostics and tests.</summary>
    public ReadOnlySpan<double> QValues => _q.AsSpan(0, _rows);

    /// <summary>Chooses the rollout set for the next trunk: index n is drawn uniformly from the n-th of N equal
    /// strata of the batch, so the states are spread over environments and time without repeats.</summary>
    public void Plan(RolloutBuffer buffer)
    {
        int count = buffer.Count, n = _options.States;
        if (n > count) throw new ArgumentException($"vine_states = {n} exceeds the trunk batch of {count} steps; lower vine_states or raise n_envs × n_steps.");
        if (_slotOf.Length != count) _slotOf = new int[count];
        Array.Fill(_slotOf, -1);
        if (_chosen.Length != n) { _chosen = new int[n]; _states = new EnvState[n]; }
        for (int s = 0; s < n; s++)
        {
            long lo = (long)s * count / n, hi = (long)(s + 1) * count / n;
            int index = (int)(lo + (long)(_rng.NextDouble() * (hi - lo)));
            _chosen[s] = index;
            _slotOf[index] = s;
        }
        _stepsPerEnv = buffer.StepsPerEnv;
    }

    private void CaptureStates(int t)
    {
        for (int k = 0; k < _trunk.Count; k++)
        {
            int slot = _slotOf[k * _stepsPerEnv + t];
            if (slot >= 0) _states[slot] = _trunk[k].SaveState();
        }
    }

    /// <summary>After the trunk: first actions, branch rollouts, baselines. Returns the branch environment steps.</summary>
    public long Sample(RolloutBuffer buffer)
    {
        int n = _chosen.Length, k = ActionsPerState, d = _policy.ObservationSize, a = _policy.ActionSize, o = _policy.OutputSize;
        EnsureCapacity(n, k);
        for (int s = 0; s < n; s++)
        {
            if (_states[s] is null) throw new InvalidOperationException("Vine states were not captured: collect the trunk with Capture as the collector's hook after Plan.");
            buffer.Observations.AsSpan(_chosen[s] * d, d).CopyTo(_observations.AsSpan(s * k * d, d));
        }
        // π_old's distribution at each rollout-set state.
        for (int s = 0; s < n; s++) _observations.AsSpan(s * k * d, d).CopyTo(_stateObservations.AsSpan(s * d, d));
        _policy.Forward(_stateObservations.AsSpan(0, n * d), n, _stateOutputs.AsSpan(0, n * o));
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<float> row = _stateOutputs.AsSpan(s * o, o);
            for (int j = 0; j < k; j++)
            {
                int i = s * k + j;
                if (j > 0) _observations.AsSpan(s * k * d, d).CopyTo(_observations.AsSpan(i * d, d));
                if (_discrete)
                {
                    _actions[i] = j;
                    _behaviour[i] = 0.0; // q(a|s) ≡ 1: the surrogate becomes the exact Σ_a π_θ(a|s)·Â(s, a)
                }
                else _behaviour[i] = _policy.Sample(row, _rng, _actions.AsSpan(i * a, a));
            }
            _seeds[s] = _rng.NextUInt64();
        }
        _rows = n * k;
        BranchSteps = _branches.Estimate(_states, k, _actions.AsSpan(0, _rows * a), _seeds.AsSpan(0, n), _gamma, _options.Horizon, _options.Bootstrap, _q);
        Baseline(n, k);
        Array.Clear(_states);
        return BranchSteps;
    }

    /// <summary>Â(s_n, a_k) = Q̂(s_n, a_k) − 1/K Σ_j Q̂(s_n, a_j); optionally scaled (not re-centred, which would
    /// undo the per-state baseline) to unit standard deviation. The step direction is scale-free, but the surrogate
    /// values then read like single path's.</summary>
    private void Baseline(int n, int k)
    {
        double sumSquares = 0;
        for (int s = 0; s < n; s++)
        {
            double mean = 0;
            for (int j = 0; j < k; j++) mean += _q[s * k + j];
            mean /= k;
            for (int j = 0; j < k; j++)
            {
                double adv = _q[s * k + j] - mean;
                _advantages[s * k + j] = (float)adv;
                sumSquares += adv * adv;
            }
        }
        double std = Math.Sqrt(sumSquares / (n * k));
        if (_scaleAdvantages && std > 1e-12)
            for (int i = 0; i < n * k; i++) _advantages[i] = (float)(_advantages[i] / std);
    }

    private void EnsureCapacity(int n, int k)
    {
        int rows = n * k;
        if (_q.Length >= rows && _seeds.Length >= n) return;
        _stateObservations = new float[n * _policy.ObservationSize];
        _stateOutputs = new float[n * _policy.OutputSize];
        _observations = new float[rows * _policy.ObservationSize];
        _actions = new float[rows * _policy.ActionSize];
        _advantages = new float[rows];
        _behaviour = new double[rows];
        _q = new double[rows];
        _seeds = new ulong[n];
    }
}
