using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Control;

/// <summary>Drives a plant with a policy at a fixed period: observe → act (timed) → safety → step → log →
/// wait for the next deadline (sleep, then spin for the last fraction of the period). Buffers are allocated
/// once; a steady-state step allocates nothing. The plant receives the zero action (<see cref="IPlant.Stop"/>)
/// at the end of every episode and on every exit from <see cref="Run"/>: normal end, fault, cancellation or
/// exception.
/// <para>Logging: each step goes to the trajectory writer with the observation the policy saw, the policy's
/// own action — before the safety layer clamps it, because the behaviour log-probability is that action's
/// (the trainer recomputes π(a|s) for the same a) — the reward, the log-probability and the policy version.</para>
/// <para>Only the truth is logged: a rig that reports which command it applied (<see cref="IRigFeedback"/>) and did
/// not apply a step's own one — lost, late, or displaced by a command this host never sent — ends the episode's log
/// before that step, closed as incomplete; the loop drives the episode to its end and reports the count. A plant that
/// cannot go on (<see cref="PlantInterruptedException"/>) ends the episode the same way, and the run continues.</para></summary>
public sealed class ControlLoop
{
    private readonly IPlant _plant;
    private readonly IPolicySession _policy;
    private readonly ControlLoopOptions _options;
    private readonly TrajectoryWriter? _log;
    private readonly SafetyLayer _safety;

    public ControlLoop(IPlant plant, IPolicySession policy, ControlLoopOptions? options = null, TrajectoryWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(plant);
        ArgumentNullException.ThrowIfNull(policy);
        _options = options ?? new ControlLoopOptions();
        _options.Validate();
        _plant = plant;
        _policy = policy;
        _log = log;
        _safety = new SafetyLayer(plant.ActionSpace, plant.Limits);
    }

    /// <summary>Called from the loop's thread a few times per second with a snapshot (keep it cheap).</summary>
    public Action<LoopProgress>? Progress { get; set; }

    /// <summary>Called once from the loop's thread, before the first step, with the scheduling in force (so a
    /// refused --realtime is reported when the run starts, not when it ends).</summary>
    public Action<LoopScheduling>? SchedulingReady { get; set; }

    public SafetyLayer Safety => _safety;

    /// <summary>The pacing period in seconds, or null when the loop runs free (simulated plant, no rate).</summary>
    public double? PeriodSeconds => _options.RateHz is double hz ? 1.0 / hz : _plant.IsSimulated ? null : _plant.ControlPeriod;

    public RunSummary Run(CancellationToken cancel = default)
    {
        int obsSize = _plant.ObservationSpace.FlatSize;
        int actSize = _plant.ActionSpace.FlatSize;
        float[] obs = new float[obsSize], next = new float[obsSize];
        float[] action = new float[actSize], safe = new float[actSize];
        var latency = new LatencyHistogram();
        var jitter = new LatencyHistogram();
        var episodes = new List<EpisodeResult>(_options.Episodes);
        long misses = 0, totalSteps = 0;
        long policyVersion = _policy.Model.PolicyVersion;
        // Recorded with every episode: the trainer learns from each episode against the policy that really acted.
        var actingPolicy = new ActingPolicy(policyVersion, _policy.Model.CheckpointSha256, _policy.Model.ModelSha256);
        bool cancelled = false;
        var feedback = _plant as IRigFeedback;

        double? period = PeriodSeconds;
        long periodTicks = period is double p ? Math.Max(1, (long)Math.Round(p * Stopwatch.Frequency)) : 0;
        long spinTicks = (long)(periodTicks * _options.SpinFraction);
        using LoopThread thread = LoopThread.Enter(_options);
        using var waiter = new PeriodWaiter(thread.Scheduling.Pacing, spinTicks);
        // Warm-up is done (the model is loaded and has run once, every buffer above exists): lock memory now,
        // before the first deadline, so page faults cannot stall a step.
        thread.LockMemory();
        SchedulingReady?.Invoke(thread.Scheduling);
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        long progressTicks = (long)(_options.ProgressInterval * Stopwatch.Frequency);
        long startTicks = Stopwatch.GetTimestamp();
        long startUnixNs = TrajectoryWriter.NowUnixNs();
        long nextProgress = startTicks + progressTicks;

        try
        {
            for (int ep = 0; ep < _options.Episodes; ep++)
            {
                if (cancel.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }
                ulong seed = _options.Seed + (ulong)ep;
                _plant.Reset(seed, obs);
                _safety.BeginEpisode(obs);
                _log?.BeginEpisode(actingPolicy);
                bool logging = _log is not null;
                int notApplied = 0, firstNotApplied = -1;
                double ret = 0;
                int steps = 0;
                EpisodeEnd end;
                string? detail = null;
                long deadline = Stopwatch.GetTimestamp();

                while (true)
                {
                    if (periodTicks > 0)
                    {
                        waiter.Until(deadline, cancel);
                        long started = Stopwatch.GetTimestamp();
                        jitter.Record((long)((started - deadline) * nsPerTick));
                    }
                    long t0 = Stopwatch.GetTimestamp();
                    double logProb = _policy.Act(obs, action);
                    long t1 = Stopwatch.GetTimestamp();
                    latency.Record((long)((t1 - t0) * nsPerTick));

                    if (_safety.Filter(action, safe) == SafetyVerdict.NonFinite)
                    {
                        _plant.Stop();
                        end = EpisodeEnd.Fault;
                        detail = $"the policy produced an unusable action ({Describe(action)}) at step {steps}; the zero action was sent and the episode ended";
                        if (logging) _log!.EndEpisode(false, true, obs);
                        break;
                    }

                    TrpoEdge.Sim.StepResult r;
                    try
                    {
                        r = _plant.Step(safe, next);
                    }
                    catch (PlantInterruptedException e)
                    {
                        _plant.Stop();
                        end = EpisodeEnd.Interrupted;
                        detail = $"interrupted at step {steps}: {e.Message}";
                        if (logging) _log!.AbandonEpisode();
                        logging = false;
                        break;
                    }
                    if (feedback is not null)
                    {
                        if (feedback.LastStateLate) misses++;
                        if (!feedback.LastActionApplied && notApplied++ == 0)
                        {
                            // From here on the log would claim commands the motor never saw: close it, keep steering.
                            firstNotApplied = steps;
                            if (logging) _log!.AbandonEpisode();
                            logging = false;
                        }
                    }
                    if (logging)
                    {
                        _log!.Append(new StepRecord(obs, action, r.Reward, logProb, policyVersion,
                            startUnixNs + (long)((t0 - startTicks) * nsPerTick)));
                    }
                    ret += r.Reward;
                    steps++;
                    totalSteps++;
                    (obs, next) = (next, obs);

                    if (r.Terminated)
                    {
                        end = EpisodeEnd.Terminated;
                        if (logging) _log!.EndEpisode(true, false, obs);
                        break;
                    }
                    string? limit = _safety.CheckLimits(obs);
                    if (limit is not null)
                    {
                        _plant.Stop();
                        end = EpisodeEnd.SafetyLimit;
                        detail = limit + $" at step {steps}";
                        if (logging) _log!.EndEpisode(false, true, obs);
                        break;
                    }
                    if (r.Truncated || (_options.MaxStepsPerEpisode is int cap && steps >= cap))
                    {
                        end = r.Truncated ? EpisodeEnd.TimeLimit : EpisodeEnd.StepLimit;
                        if (logging) _log!.EndEpisode(false, true, obs);
                        break;
                    }
                    if (cancel.IsCancellationRequested)
                    {
                        _plant.Stop();
                        cancelled = true;
                        end = EpisodeEnd.Cancelled;
                        detail = $"stopped by the user at step {steps}";
                        if (logging) _log!.EndEpisode(false, true, obs);
                        break;
                    }

                    long now = Stopwatch.GetTimestamp();
                    if (periodTicks > 0)
                    {
                        deadline += periodTicks;
                        if (now > deadline)
                        {
                            // Missed: start the next step now rather than bursting to catch up.
                            misses++;
                            deadline = now;
                        }
                    }
                    if (now >= nextProgress && Progress is { } progress)
                    {
                        nextProgress = now + progressTicks;
                        progress(new LoopProgress(ep, _options.Episodes, steps, ret, totalSteps, latency.Percentile(0.5) / 1000.0, misses, _safety.Faults));
                    }
                }
                _plant.Stop();
                if (notApplied > 0)
                {
                    string lost = $"the rig did not apply {notApplied} of the {steps} commands sent (first at step {firstNotApplied}); " +
                        $"the log keeps the {firstNotApplied} steps before it, marked incomplete";
                    detail = detail is null ? lost : detail + "; " + lost;
                }
                episodes.Add(new EpisodeResult(ep, seed, ret, steps, end, detail, notApplied));
                if (cancelled) break;
            }
        }
        finally
        {
            // Whatever happened above (an exception from the policy, the plant or the log included), the
            // actuator is left at rest.
            _plant.Stop();
        }
        return new RunSummary(episodes, latency, jitter, misses, _safety.Faults, _safety.Clamps, cancelled,
            Stopwatch.GetElapsedTime(startTicks), period)
        {
            Scheduling = thread.Scheduling,
            Clock = period is not null ? LoopClock.Host : _plant is SimulatedPlant ? LoopClock.FreeRunning : LoopClock.Plant,
            PlantControlPeriod = _plant.ControlPeriod,
        };
    }

    private static string Describe(ReadOnlySpan<float> action)
    {
        var parts = new string[action.Length];
        for (int i = 0; i < action.Length; i++) parts[i] = action[i].ToString("R", CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
