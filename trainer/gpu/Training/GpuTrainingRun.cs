using System.Diagnostics;
using ILGPU.Runtime;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Sampling;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Gpu.Training;

/// <summary>The single-path TRPO loop with every update on the device: the environments step as kernels
/// (<see cref="DeviceCollector"/>), GAE and the statistics reduce there, and the same <see cref="TrpoPolicyStep"/> and
/// <see cref="ValueFunction"/> as the CPU loop run on the GPU engines over the device-resident batch
/// (<see cref="TrpoPolicyStep.UpdateStaged"/>, <see cref="ValueFunction.FitStaged"/>). The host sees scalars, θ once per
/// update (so evaluation and checkpoints use the host policy, as on the CPU) and a sample of observations per
/// checkpoint; checkpoints are <see cref="Agent.ToCheckpoint"/>'s, byte for byte the CPU loop's format.</summary>
public sealed class GpuTrainingRun : ITrainingLoop
{
    private readonly Agent _agent;
    private readonly GpuDevice _device;
    private readonly string _outputDirectory;
    private readonly IMetricsSink? _metrics;

    /// <param name="agent">Built with a <see cref="GpuEngineProvider"/> on <paramref name="device"/>, so its critic's
    /// engine is the device's.</param>
    public GpuTrainingRun(Agent agent, GpuDevice device, string outputDirectory, IMetricsSink? metrics = null)
    {
        if (agent.Critic.Engine is not GpuValueEngine)
            throw new ArgumentException("The agent's critic must run on the GPU engine: create it with a GpuEngineProvider.", nameof(agent));
        TrainingOptions o = agent.Options;
        if (o.Sampling != SamplingScheme.SinglePath || o.Constraint != PolicyConstraint.TrustRegion)
            throw new NotSupportedException("--device cuda runs single-path TRPO with the trust region; the vine and KL-penalty variants run on --device cpu.");
        if (o.NormalizeRewards)
            throw new NotSupportedException("--device cuda does not scale rewards; set normalize_reward: false or train on --device cpu.");
        _agent = agent;
        _device = device;
        _outputDirectory = outputDirectory;
        _metrics = metrics;
    }

    public string CheckpointPath => Path.Combine(_outputDirectory, "ckpt.safetensors");

    public event Action<UpdateReport>? Updated;

    public double? ReportThreshold { get; init; }

    /// <summary>Gets a line for the user when a resumed run reads its best policy back, or cannot.</summary>
    public Action<string>? Note { get; init; }

    /// <summary>Rows the closed-form critic head (critic_head_solve) is solved on per update: every row up to this many,
    /// else every k-th row. 32,768 rows pin the 64 head weights far more tightly than their ridge does, and keep the
    /// host's part (one forward pass and a 64 × 64 solve) to milliseconds whatever the number of environments.</summary>
    public const int HeadRowsMax = 32_768;

    public TrainingResult Run(CancellationToken cancellation)
    {
        TrainingOptions o = _agent.Options;
        Directory.CreateDirectory(_outputDirectory);
        var clock = Stopwatch.StartNew();
        ulong streamSeed = o.Seed * 1_000_003UL + (ulong)_agent.TotalSteps;
        var critic = (GpuValueEngine)_agent.Critic.Engine;
        var policyEngine = new GpuPolicyEngine(_device, _agent.Policy);
        using var policyStep = new TrpoPolicyStep(policyEngine, o.Trpo);
        using var collector = new DeviceCollector(_device, o.EnvId, o.NumEnvs, o.StepsPerEnv, policyEngine, _agent.Policy, _agent.Normalizer, streamSeed);
        var shuffle = new Random(unchecked((int)streamSeed));
        var evaluator = new Evaluator(() => EnvRegistry.Make(o.EnvId), _agent.Policy, _agent.Normalizer);
        // Keep the best policy as the CPU loop does (TrainingOptions.KeepBest): same file, same selection, same final comparison.
        if (_agent.TotalSteps == 0) BestPolicyKeeper.DiscardStale(_outputDirectory);
        BestPolicyKeeper? keeper = o.KeepBest && o.EvalEvery > 0 ? new BestPolicyKeeper(_outputDirectory, o) : null;
        if (keeper is not null && _agent.TotalSteps > 0 && keeper.Restore(_agent.EnvId) is { } note) Note?.Invoke(note);
        int n = collector.Count;
        // The closed-form critic head is solved on the host, on an evenly strided subsample of at most HeadRowsMax rows
        // gathered on the device, so a batch of thousands of environments costs the host a bounded solve.
        bool solveHead = _agent.Critic.HeadRidge is not null;
        int obsSize = _agent.Policy.ObservationSize, headStride = (n + HeadRowsMax - 1) / HeadRowsMax, headRows = (n + headStride - 1) / headStride;
        using var headObservations = _device.Accelerator.Allocate1D<float>(solveHead ? (long)headRows * obsSize : 1);
        using var headReturns = _device.Accelerator.Allocate1D<float>(solveHead ? headRows : 1);
        float[] hostObservations = solveHead ? new float[headRows * obsSize] : [], hostReturns = solveHead ? new float[headRows] : [];
        long? crossed = null;
        int update = 0;
        bool cancelled = false;

        while (_agent.TotalSteps < o.TotalSteps)
        {
            if (cancellation.IsCancellationRequested) { cancelled = true; break; }
            long updateStart = Stopwatch.GetTimestamp();
            collector.Collect();
            _device.Synchronize();
            long collected = Stopwatch.GetTimestamp();
            collector.ComputeAdvantages(critic, o.Trpo.Gamma, o.Trpo.GaeLambda);
            double explained = collector.ExplainedVariance();
            if (o.Trpo.NormalizeAdvantage) collector.StandardizeAdvantages();
            long advantaged = Stopwatch.GetTimestamp();
            policyEngine.StageDevice(collector.Observations.View, collector.Actions.View, collector.BehaviourLogProb.View, collector.Advantages.View, n);
            PolicyStepReport step = policyStep.UpdateStaged();
            if (step.LineSearchSuccess) _agent.PolicyVersion++;
            long stepped = Stopwatch.GetTimestamp();
            critic.StageDevice(collector.Observations.View, collector.Returns.View, n);
            double valueLoss = _agent.Critic.FitStaged(n, o.Trpo.CriticEpochs, o.Trpo.CriticBatchSize, shuffle);
            if (solveHead)
            {
                _device.Heads.StrideRows(headRows * obsSize, collector.Observations.View, headObservations.View, obsSize, headStride);
                _device.Heads.StrideRows(headRows, collector.Returns.View, headReturns.View, 1, headStride);
                headObservations.View.CopyToCPU(hostObservations);
                headReturns.View.CopyToCPU(hostReturns);
                double headLoss = _agent.Critic.SolveHead(hostObservations, hostReturns, headRows);
                if (double.IsFinite(headLoss)) valueLoss = headLoss;
            }
            long fitted = Stopwatch.GetTimestamp();
            collector.UpdateNormalizer();
            _agent.TotalSteps += n;
            update++;
            double sps = n / Stopwatch.GetElapsedTime(updateStart).TotalSeconds;
            var phases = new PhaseTimes(Seconds(updateStart, collected), Seconds(collected, advantaged), Seconds(advantaged, stepped), Seconds(stepped, fitted));

            double? evalMean = null, evalStd = null;
            bool last = _agent.TotalSteps >= o.TotalSteps;
            if (o.EvalEvery > 0 && update % o.EvalEvery == 0 && !last)
            {
                (evalMean, evalStd) = Statistics.MeanStd(evaluator.Run(o.EvalEpisodes, TrainingRun.EvalSeed(o)));
                if (ReportThreshold is { } threshold && crossed is null && evalMean >= threshold
                    && Statistics.MeanStd(evaluator.Run(o.FinalEvalEpisodes, TrainingRun.EvalSeed(o))).Mean >= threshold)
                    crossed = _agent.TotalSteps;
                keeper?.Offer(evalMean.Value, _agent.TotalSteps, _agent.PolicyVersion, extra => Snapshot(collector, extra));
            }

            var (epReturn, epLength, _) = collector.LastEpisodes;
            var report = new UpdateReport(update, _agent.TotalSteps, epReturn, epLength, step, valueLoss, explained, UpdateMetrics.MeanStd(_agent.Policy), sps, evalMean, evalStd) { Phases = phases };
            Log(report);
            Updated?.Invoke(report);
            if (o.CheckpointEvery > 0 && update % o.CheckpointEvery == 0) Save(collector);
            if (o.StopAtReturn is { } stopAt && evalMean >= stopAt) break;
        }

        (string path, string sha) = Save(collector);
        var final = evaluator.Run(o.FinalEvalEpisodes, TrainingRun.EvalSeed(o));
        var (mean, std) = Statistics.MeanStd(final);
        if (ReportThreshold is { } t && crossed is null && mean >= t) crossed = _agent.TotalSteps;
        _metrics?.Write(_agent.TotalSteps, [new(MetricKeys.EvalReturnMean, mean), new(MetricKeys.EvalReturnStd, std)]);
        BestComparison? comparison = keeper?.Compare(_agent, mean, std,
            kept => new Evaluator(() => EnvRegistry.Make(o.EnvId), kept.Policy, kept.Normalizer).Run(o.FinalEvalEpisodes, TrainingRun.EvalSeed(o)));
        return new TrainingResult(path, sha, _agent.TotalSteps, update, mean, std, final.Length, crossed, cancelled, clock.Elapsed)
        {
            Best = keeper?.Best,
            Comparison = comparison,
        };
    }

    private (string Path, string Sha) Save(DeviceCollector collector) => (CheckpointPath, Snapshot(collector, null).Save(CheckpointPath));

    private PolicyCheckpoint Snapshot(DeviceCollector collector, IReadOnlyDictionary<string, string>? extra) =>
        _agent.ToCheckpoint(collector.SampleRawObservations(TrainingRun.RecordedObservationCount), extra);

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;


    private void Log(UpdateReport r) => _metrics?.Write(r.TotalSteps, UpdateMetrics.ForUpdate(r));
}
