using System.Diagnostics;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Rollouts;
using TrpoEdge.Trainer.Sampling;
using TrpoEdge.Trainer.Video;

namespace TrpoEdge.Trainer.Training;

/// <summary>The single-path TRPO training loop: collect → advantages → policy step → critic fit → normaliser update
/// → diagnostics, evaluation and checkpoints. Cancellation is honoured between updates, after which the agent is
/// saved, so Ctrl-C never loses more than the update in flight.</summary>
public sealed class TrainingRun : ITrainingLoop
{
    /// <summary>Observations kept in the checkpoint for the exporter's verification.</summary>
    public const int RecordedObservationCount = 1000;

    private readonly Agent _agent;
    private readonly Func<IEnv> _envFactory;
    private readonly string _outputDirectory;
    private readonly IMetricsSink? _metrics;

    public TrainingRun(Agent agent, Func<IEnv> envFactory, string outputDirectory, IMetricsSink? metrics = null)
    {
        _agent = agent;
        _envFactory = envFactory;
        _outputDirectory = outputDirectory;
        _metrics = metrics;
    }

    public string CheckpointPath => Path.Combine(_outputDirectory, "ckpt.safetensors");

    /// <summary>Raised after every update, on the training thread.</summary>
    public event Action<UpdateReport>? Updated;

    /// <summary>Threshold on the deterministic evaluation return whose first crossing is reported (e.g. −200).</summary>
    public double? ReportThreshold { get; init; }

    /// <summary>Writes evaluation videos every <see cref="TrainingOptions.VideoEvery"/> updates and at the end; null
    /// (the default) records none.</summary>
    public EvaluationVideos? Videos { get; init; }

    /// <summary>Gets a line for the user when a resumed run reads its best policy back, or cannot (see
    /// <see cref="BestPolicyKeeper.Restore"/>); null prints nothing.</summary>
    public Action<string>? Note { get; init; }

    public TrainingResult Run(CancellationToken cancellation)
    {
        TrainingOptions o = _agent.Options;
        Directory.CreateDirectory(_outputDirectory);
        var clock = Stopwatch.StartNew();
        using var envs = new VectorEnv(_ => _envFactory(), o.NumEnvs);
        var buffer = new RolloutBuffer(o.NumEnvs, o.StepsPerEnv, envs.ObsSize, _agent.Policy.ActionSize);
        // Seeds derive from the run seed and the steps already taken, so a resumed run does not replay the same noise.
        ulong streamSeed = o.Seed * 1_000_003UL + (ulong)_agent.TotalSteps;
        var collector = new RolloutCollector(envs, _agent.Policy, _agent.Normalizer, streamSeed)
        {
            // Statistics start afresh on --resume (they are not in the checkpoint): a few updates re-estimate them.
            RewardScaler = o.NormalizeRewards ? new RewardScaler(o.NumEnvs, o.Trpo.Gamma) : null,
        };
        if (o.Constraint == PolicyConstraint.Penalty && _agent.Engines is not ManagedEngineProvider)
            throw new NotSupportedException($"The KL-penalty variant runs on the managed engine only; the {_agent.Engines.Name} engine computes the trust-region step. Drop --constraint penalty or use --engine managed.");
        using var policyStep = new TrpoPolicyStep(_agent.Engines.CreatePolicyEngine(_agent.Policy), o.Trpo);
        // The sampling and constraint variants; both null on the default single-path, trust-region loop, which is then unchanged.
        KlPenaltyStep? penalty = o.Constraint == PolicyConstraint.Penalty
            ? new KlPenaltyStep(_agent.Policy, o.Penalty, o.Trpo.TargetKl, streamSeed ^ 0x9E4A17_5EEDUL) : null;
        if (penalty is not null && _agent.PenaltyState is { } saved) penalty.Restore(saved); // a resumed penalty run
        VineSampler? vine = o.Sampling == SamplingScheme.Vine
            ? new VineSampler(o.Vine, envs, _envFactory, _agent.Policy, _agent.Normalizer, _agent.Critic, o.Trpo, streamSeed ^ 0x7A1E_5EEDUL) : null;
        var shuffle = new Random(unchecked((int)streamSeed));
        var evaluator = new Evaluator(_envFactory, _agent.Policy, _agent.Normalizer);
        BestPolicyKeeper? keeper = StartKeeper(o);
        long? crossed = null;
        int update = 0;
        bool cancelled = false;

        while (_agent.TotalSteps < o.TotalSteps)
        {
            if (cancellation.IsCancellationRequested) { cancelled = true; break; }
            long updateStart = Stopwatch.GetTimestamp();
            vine?.Plan(buffer);
            collector.Collect(buffer, vine?.Capture);
            long collected = Stopwatch.GetTimestamp();
            collector.ComputeAdvantages(buffer, _agent.Critic, o.Trpo);
            long advantaged = Stopwatch.GetTimestamp();
            double explained = Statistics.ExplainedVariance(buffer.Values, buffer.Returns);
            if (o.Trpo.NormalizeAdvantage) Statistics.Standardize(buffer.Advantages);

            // Vine: branch rollouts from the captured states; the critic above was fitted on earlier trunks only.
            long branchSteps = vine?.Sample(buffer) ?? 0;
            var batch = vine is null
                ? new PolicyBatch(buffer.Observations, buffer.Actions, buffer.BehaviourLogProb, buffer.Advantages, buffer.Count)
                : vine.Batch;
            PolicyStepReport step = penalty is null ? policyStep.Update(batch) : penalty.Update(batch);
            if (step.LineSearchSuccess) _agent.PolicyVersion++;
            long stepped = Stopwatch.GetTimestamp();
            double valueLoss = _agent.Critic.Fit(buffer.Observations, buffer.Returns, buffer.Count, o.Trpo.CriticEpochs, o.Trpo.CriticBatchSize, shuffle);
            long fitted = Stopwatch.GetTimestamp();
            var phases = new PhaseTimes(Seconds(updateStart, collected), Seconds(collected, advantaged), Seconds(advantaged, stepped), Seconds(stepped, fitted));
            _agent.Normalizer.Update(buffer.RawObservations);
            _agent.TotalSteps += buffer.Count + branchSteps; // every environment step, the vine's branches included
            update++;
            double sps = (buffer.Count + branchSteps) / Stopwatch.GetElapsedTime(updateStart).TotalSeconds;

            double? evalMean = null, evalStd = null;
            bool last = _agent.TotalSteps >= o.TotalSteps;
            if (o.EvalEvery > 0 && update % o.EvalEvery == 0 && !last)
            {
                (evalMean, evalStd) = Statistics.MeanStd(evaluator.Run(o.EvalEpisodes, EvalSeed(o)));
                // A few episodes can cross by luck; confirm with the full final-evaluation count before reporting.
                if (ReportThreshold is { } threshold && crossed is null && evalMean >= threshold
                    && Statistics.MeanStd(evaluator.Run(o.FinalEvalEpisodes, EvalSeed(o))).Mean >= threshold)
                    crossed = _agent.TotalSteps;
                // The policy just evaluated is the one in memory now: snapshot it when it is the best so far.
                keeper?.Offer(evalMean.Value, _agent.TotalSteps, _agent.PolicyVersion, extra => Snapshot(buffer, penalty, extra));
            }

            if (Videos is not null && o.VideoEvery > 0 && update % o.VideoEvery == 0 && !last)
                Videos.Record(evaluator, EvalSeed(o), $"epoch_{update}");

            var report = new UpdateReport(update, _agent.TotalSteps, collector.Tracker.MeanReturn, collector.Tracker.MeanLength,
                step, valueLoss, explained, UpdateMetrics.MeanStd(_agent.Policy), sps, evalMean, evalStd) { Phases = phases };
            Log(report);
            Updated?.Invoke(report);
            if (o.CheckpointEvery > 0 && update % o.CheckpointEvery == 0) Save(buffer, penalty);
            if (o.StopAtReturn is { } stopAt && evalMean >= stopAt) break;
        }

        (string path, string sha) = Save(buffer, penalty);
        // An interrupted run is saved and left: the user asked to stop, and the final evaluation can take seconds.
        if (cancelled) return new TrainingResult(path, sha, _agent.TotalSteps, update, double.NaN, double.NaN, 0, crossed, cancelled, clock.Elapsed) { Best = keeper?.Best };
        // The final evaluation's first episodes are also the final videos (same seeds, no extra episodes played).
        EpisodeRecorder?[] recorders = o.VideoEvery > 0 ? Videos?.NewRecorders() ?? [] : [];
        var final = recorders.Length == 0
            ? evaluator.Run(o.FinalEvalEpisodes, EvalSeed(o))
            : evaluator.Run(o.FinalEvalEpisodes, EvalSeed(o), onFrame: f => EvaluationVideos.Capture(recorders, f));
        if (recorders.Length > 0) Videos!.SaveAll(recorders, "final");
        var (mean, std) = Statistics.MeanStd(final);
        if (ReportThreshold is { } t && crossed is null && mean >= t) crossed = _agent.TotalSteps;
        _metrics?.Write(_agent.TotalSteps, [new(MetricKeys.EvalReturnMean, mean), new(MetricKeys.EvalReturnStd, std)]);
        BestComparison? comparison = keeper?.Compare(_agent, mean, std, kept => EvaluateKept(kept, o));
        return new TrainingResult(path, sha, _agent.TotalSteps, update, mean, std, final.Length, crossed, cancelled, clock.Elapsed)
        {
            Best = keeper?.Best,
            Comparison = comparison,
        };
    }

    /// <summary>The best-policy keeper of this run (null when keep_best is off or nothing evaluates periodically). A run
    /// from step 0 starts its folder afresh; a resumed one reads the folder's best policy back.</summary>
    private BestPolicyKeeper? StartKeeper(TrainingOptions o)
    {
        if (_agent.TotalSteps == 0) BestPolicyKeeper.DiscardStale(_outputDirectory);
        if (!o.KeepBest || o.EvalEvery <= 0) return null;
        var keeper = new BestPolicyKeeper(_outputDirectory, o);
        if (_agent.TotalSteps > 0 && keeper.Restore(_agent.EnvId) is { } note) Note?.Invoke(note);
        return keeper;
    }

    /// <summary>The kept best policy over the final evaluation's episodes; its first episodes become best-episode-*.mp4.</summary>
    private double[] EvaluateKept(Agent kept, TrainingOptions o)
    {
        var evaluator = new Evaluator(_envFactory, kept.Policy, kept.Normalizer);
        EpisodeRecorder?[] recorders = o.VideoEvery > 0 ? Videos?.NewRecorders() ?? [] : [];
        if (recorders.Length == 0) return evaluator.Run(o.FinalEvalEpisodes, EvalSeed(o));
        double[] returns = evaluator.Run(o.FinalEvalEpisodes, EvalSeed(o), onFrame: f => EvaluationVideos.Capture(recorders, f));
        Videos!.SaveAll(recorders, "best");
        return returns;
    }

    /// <summary>Evaluation episodes use seeds disjoint from training's (which start at the run seed): episode i of an
    /// evaluation during training starts from reset(seed + 1,000,000 + i). `trainer eval --seed S` starts from S, so
    /// it reproduces the training summary's figure only with --seed (run seed + 1,000,000).</summary>
    public static ulong EvalSeed(TrainingOptions o) => o.Seed + 1_000_000UL;

    private (string Path, string Sha) Save(RolloutBuffer buffer, KlPenaltyStep? penalty) =>
        (CheckpointPath, Snapshot(buffer, penalty, null).Save(CheckpointPath));

    /// <summary>The whole agent as a checkpoint, with a sample of this batch's raw observations for the exporter's check.</summary>
    private PolicyCheckpoint Snapshot(RolloutBuffer buffer, KlPenaltyStep? penalty, IReadOnlyDictionary<string, string>? extra)
    {
        if (penalty is not null) _agent.PenaltyState = penalty.Export();
        int keep = Math.Min(RecordedObservationCount, buffer.Count);
        int d = buffer.ObservationSize;
        var recorded = new float[keep * d];
        // Spread over the whole batch so the sample covers every environment and phase of the episodes.
        for (int r = 0; r < keep; r++)
        {
            int i = (int)((long)r * buffer.Count / keep);
            buffer.RawObservations.AsSpan(i * d, d).CopyTo(recorded.AsSpan(r * d, d));
        }
        return _agent.ToCheckpoint(recorded, extra);
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;


    private void Log(UpdateReport r) => _metrics?.Write(r.TotalSteps, UpdateMetrics.ForUpdate(r));
}
