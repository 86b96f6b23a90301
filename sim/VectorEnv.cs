using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Spaces;
using TrpoEdge.Sim.Vector;

namespace TrpoEdge.Sim;

/// <summary>Steps <see cref="Count"/> copies of an environment as one batch, with same-step autoreset
/// (Gymnasium 0.29 / SB3 semantics): an env whose episode ends is reset inside <see cref="Step"/>, <c>obs</c>
/// receives the new episode's first observation, and <c>finalObs</c> the observation the step produced.
/// Row i of every span belongs to env i. Nothing is allocated per step.
/// <para>Actions are validated once for the whole batch. When all copies are Pendulum-v1 their states move
/// into one struct-of-arrays store stepped by <c>PendulumBatchKernel</c>; copies of another built-in env are
/// stepped without their per-call checks. Either way the arithmetic is the single env's, so results are
/// bit-identical. A batch whose serial step costs more than <see cref="ParallelThresholdTicks"/> is split
/// over a small persistent worker pool if that measured faster (median of a few timed steps, re-measured
/// every 20,000 steps); smaller batches run on the caller's thread, where a hand-over costs more than it saves.</para></summary>
public sealed class VectorEnv : IDisposable, IParallelWork
{
    /// <summary>Serial work per batch step (Stopwatch ticks) below which the pool is not even tried: about 20 µs,
    /// several times a pool hand-over. Above it the pool is used only if it measured faster.</summary>
    internal static readonly long ParallelThresholdTicks = Stopwatch.Frequency / 50_000;
    // Steps 0..Warmup-1 warm up (JIT, caches); the next Probe steps run serially, timed; then (if worth it)
    // one untimed pooled step and Probe timed ones; the faster mode is kept until Recalibrate steps have
    // passed, then measured again (the machine's load changes; results never depend on the mode).
    private const int Warmup = 4, Probe = 8, Recalibrate = 20_000;

    private readonly IEnv[] _envs;
    private readonly PendulumEnv[]? _pendulums;
    private readonly PendulumBatchState? _pendulumState;
    // Built-in envs of one type with a single-float action, stepped without their per-call checks.
    private readonly IUncheckedStep[]? _unchecked;
    private readonly Space _observationSpace, _actionSpace;
    private readonly int _obsSize, _actSize;
    private readonly int _discreteN; // 0 for a box action space
    private readonly WorkerPool? _pool;
    private int _stepsSinceCalibration;
    private readonly long[] _probeTicks = new long[Probe];
    private long _serialTicks;
    private bool _poolWorthTrying;
    private bool _parallel;
    private bool _forced;
    private bool _started;

    // The current Step's spans, as pointers, for the worker threads (valid only inside Step).
    private unsafe float* _pActions, _pObs, _pFinal;
    private unsafe double* _pRewards;
    private unsafe bool* _pTerminated, _pTruncated;

    public VectorEnv(Func<int, IEnv> factory, int count, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A VectorEnv needs at least one environment.");
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads is 0 (automatic) or a positive count.");
        _envs = new IEnv[count];
        var seen = new HashSet<IEnv>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < count; i++)
        {
            _envs[i] = factory(i) ?? throw new ArgumentException($"The factory returned null for env {i}.", nameof(factory));
            if (!seen.Add(_envs[i]))
                throw new ArgumentException($"The factory returned the same instance again for env {i}; return a new environment per index.", nameof(factory));
        }
        _observationSpace = _envs[0].ObservationSpace;
        _actionSpace = _envs[0].ActionSpace;
        string obsText = _observationSpace.Describe(), actText = _actionSpace.Describe();
        for (int i = 1; i < count; i++)
        {
            if (_envs[i].ObservationSpace.Describe() != obsText || _envs[i].ActionSpace.Describe() != actText)
                throw new ArgumentException($"All environments must share spaces; env 0 has {obsText} / {actText}, env {i} has {_envs[i].ObservationSpace.Describe()} / {_envs[i].ActionSpace.Describe()}.", nameof(factory));
        }
        _obsSize = _observationSpace.FlatSize;
        _actSize = _actionSpace.FlatSize;
        _discreteN = _actionSpace is DiscreteSpace d ? d.N : 0;
        if (_envs.All(e => e.GetType() == typeof(PendulumEnv)))
        {
            _pendulums = _envs.Cast<PendulumEnv>().ToArray();
            _pendulumState = new PendulumBatchState(count);
            for (int i = 0; i < count; i++) _pendulums[i].Bind(_pendulumState, i);
        }
        else if (_envs[0] is IUncheckedStep && _actSize == 1 && _envs.All(e => e.GetType() == _envs[0].GetType()))
        {
            _unchecked = _envs.Cast<IUncheckedStep>().ToArray();
        }

        int workers = (threads == 0 ? Math.Min(Environment.ProcessorCount, 4) : threads) - 1;
        workers = Math.Min(workers, count - 1);
        if (workers > 0) _pool = new WorkerPool(workers);
    }

    public int Count => _envs.Length;
    public Space ObservationSpace => _observationSpace;
    public Space ActionSpace => _actionSpace;
    public int ObsSize => _obsSize;
    public int ActSize => _actSize;
    public IEnv this[int i] => _envs[i];
    /// <summary>Whether steps are currently split over the worker pool (decided after a few timed steps).</summary>
    public bool IsParallel => _parallel;

    /// <summary>Resets every env; env i gets seed + i.</summary>
    public void Reset(ulong seed, Span<float> obs)
    {
        CheckLength(nameof(obs), obs.Length, Count * _obsSize);
        for (int i = 0; i < _envs.Length; i++)
            _envs[i].Reset(unchecked(seed + (ulong)i), obs.Slice(i * _obsSize, _obsSize));
        _started = true;
    }

    /// <summary>Steps every env once. <paramref name="finalObs"/> row i receives the observation env i's step
    /// produced (for an env that finished: the last observation of its episode, to bootstrap a truncated
    /// return); <paramref name="obs"/> row i the observation to act on next (for a finished env: the first
    /// of its new episode). A bad action (NaN, infinite, a non-integer or out-of-range index) throws an
    /// <see cref="ArgumentException"/> naming the env and value before any env is stepped.</summary>
    public unsafe void Step(ReadOnlySpan<float> actions, Span<float> obs, Span<double> rewards,
        Span<bool> terminated, Span<bool> truncated, Span<float> finalObs)
    {
        if (!_started) throw new InvalidOperationException("VectorEnv.Step was called before Reset. Call Reset(seed, obs) first.");
        int n = Count;
        CheckLength(nameof(actions), actions.Length, n * _actSize);
        CheckLength(nameof(obs), obs.Length, n * _obsSize);
        CheckLength(nameof(rewards), rewards.Length, n);
        CheckLength(nameof(terminated), terminated.Length, n);
        CheckLength(nameof(truncated), truncated.Length, n);
        CheckLength(nameof(finalObs), finalObs.Length, n * _obsSize);
        ValidateActions(actions);

        fixed (float* pa = actions, po = obs, pf = finalObs)
        fixed (double* pr = rewards)
        fixed (bool* pt = terminated, pu = truncated)
        {
            _pActions = pa; _pObs = po; _pFinal = pf; _pRewards = pr; _pTerminated = pt; _pTruncated = pu;
            try
            {
                if (_pool is null) StepRange(0, n);
                else if (_forced) _pool.Run(this);
                else StepMeasured(n);
            }
            finally
            {
                _pActions = null; _pObs = null; _pFinal = null; _pRewards = null; _pTerminated = null; _pTruncated = null;
            }
        }
    }

    /// <summary>Runs one step serially or on the pool, timing the probe windows that choose between them.
    /// Each mode is judged by the median of its probe steps (one preempted step must not decide), the pool
    /// after one untimed step that wakes its threads. The pool is only probed when the serial step is
    /// expensive enough for it to pay off: a pooled step on a busy machine can wait milliseconds for the
    /// worker to be scheduled.</summary>
    private void StepMeasured(int n)
    {
        int k = _stepsSinceCalibration++;
        if (k >= Recalibrate) { _stepsSinceCalibration = 0; return; }
        const int serialStart = Warmup, poolWarm = Warmup + Probe, poolStart = poolWarm + 1, end = poolStart + Probe;
        if (k < serialStart || k >= end || (k >= poolWarm && !_poolWorthTrying))
        {
            if (_parallel) _pool!.Run(this); else StepRange(0, n);
            return;
        }
        if (k == poolWarm) { _pool!.Run(this); return; }
        long t0 = Stopwatch.GetTimestamp();
        if (k < poolWarm)
        {
            StepRange(0, n);
            _probeTicks[k - serialStart] = Stopwatch.GetTimestamp() - t0;
            if (k == poolWarm - 1)
            {
                _serialTicks = Median(_probeTicks);
                _poolWorthTrying = _serialTicks > ParallelThresholdTicks;
                if (!_poolWorthTrying) _parallel = false;
            }
        }
        else
        {
            _pool!.Run(this);
            _probeTicks[k - poolStart] = Stopwatch.GetTimestamp() - t0;
            if (k == end - 1) _parallel = Median(_probeTicks) < _serialTicks;
        }
    }

    private static long Median(long[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    /// <summary>Tests: always use the pool (when there is one), skipping the timing probe.</summary>
    internal bool ForceParallel
    {
        get => _forced;
        set { _forced = value && _pool is not null; _parallel = _forced; }
    }

    void IParallelWork.Execute(int part, int parts)
    {
        int n = Count;
        int lo = (int)((long)n * part / parts), hi = (int)((long)n * (part + 1) / parts);
        StepRange(lo, hi);
    }

    private unsafe void StepRange(int lo, int hi)
    {
        int os = _obsSize, asz = _actSize;
        if (_pendulums is not null)
        {
            PendulumBatchKernel.Step(_pendulumState!, _pendulums, lo, hi, _pActions, _pObs, _pFinal, _pRewards, _pTerminated, _pTruncated);
            return;
        }
        if (_unchecked is not null)
        {
            StepUnchecked(lo, hi);
            return;
        }
        for (int i = lo; i < hi; i++)
        {
            var obsRow = new Span<float>(_pObs + (long)i * os, os);
            var finalRow = new Span<float>(_pFinal + (long)i * os, os);
            StepResult r = _envs[i].Step(new ReadOnlySpan<float>(_pActions + (long)i * asz, asz), finalRow);
            _pRewards[i] = r.Reward;
            _pTerminated[i] = r.Terminated;
            _pTruncated[i] = r.Truncated;
            if (r.Terminated || r.Truncated) _envs[i].Reset(null, obsRow);
            else finalRow.CopyTo(obsRow);
        }
    }

    private unsafe void StepUnchecked(int lo, int hi)
    {
        int os = _obsSize;
        IUncheckedStep[] envs = _unchecked!;
        for (int i = lo; i < hi; i++)
        {
            float* f = _pFinal + (long)i * os, o = _pObs + (long)i * os;
            StepResult r = envs[i].StepUnchecked(_pActions[i], new Span<float>(f, os));
            _pRewards[i] = r.Reward;
            _pTerminated[i] = r.Terminated;
            _pTruncated[i] = r.Truncated;
            if (r.Terminated || r.Truncated) _envs[i].Reset(null, new Span<float>(o, os));
            else for (int k = 0; k < os; k++) o[k] = f[k];
        }
    }

    private void ValidateActions(ReadOnlySpan<float> actions)
    {
        for (int i = 0; i < actions.Length; i++)
        {
            float a = actions[i];
            bool ok = _discreteN == 0
                ? float.IsFinite(a)
                : float.IsFinite(a) && a == MathF.Floor(a) && a >= 0 && a < _discreteN;
            if (!ok)
            {
                int env = i / _actSize, dim = i % _actSize;
                string expected = _discreteN == 0 ? "a finite number" : $"an integer in [0, {_discreteN - 1}]";
                throw new ArgumentException($"Action for env {env} (index {dim}) is {a.ToString("R", CultureInfo.InvariantCulture)}; expected {expected}. No env was stepped.", nameof(actions));
            }
        }
    }

    private static void CheckLength(string name, int actual, int expected)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; this VectorEnv needs {expected}.", name);
    }

    public void Dispose() => _pool?.Dispose();
}
