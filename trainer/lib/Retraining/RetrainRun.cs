using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Improves a checkpoint's policy from logged field episodes, staying inside a trust region around the
/// policies that logged them.
/// <para>Every update: the ratios ρ = π_θ/μ to each episode's acting policy μ are recomputed; the update stops when
/// their effective sample size falls below the floor (checked before the first update too); advantages and value
/// targets use truncated per-decision weights (<see cref="TruncatedTraces"/>, exactly GAE for on-policy data); the
/// TRPO step keeps KL(π_θ ‖ π_new) ≤ δ against the current iterate, as always, and its line search also refuses any
/// trial whose mean KL to a behaviour policy exceeds <see cref="RetrainOptions.BehaviourKl"/>
/// (<see cref="BehaviourTrustRegion"/>), so the bound holds for the retrain as a whole. The surrogate is
/// 1/N Σ ρ·Â (eq. 14 with the logged μ). Observation statistics stay frozen: the exported model normalises with
/// them, and field data should not shift them outside the trust region.</para></summary>
public sealed class RetrainRun
{
    private readonly PolicyCheckpoint _checkpoint;
    private readonly string _checkpointSha256;
    private readonly RetrainOptions _options;
    private readonly IMetricsSink? _metrics;

    public RetrainRun(PolicyCheckpoint checkpoint, string checkpointSha256, RetrainOptions options, IMetricsSink? metrics = null)
    {
        options.Validate();
        _checkpoint = checkpoint;
        _checkpointSha256 = checkpointSha256;
        _options = options;
        _metrics = metrics;
    }

    public event Action<RetrainReport>? Updated;

    /// <summary>A rejected step with the behaviour KL at this fraction of the bound or more ends the retrain.</summary>
    public const double ExhaustedFraction = 0.8;

    public RetrainResult Run(IReadOnlyList<string> stores, string outputDirectory, Func<IEnv>? simulator = null, CancellationToken cancellation = default)
    {
        FieldBatch field = FieldDataLoader.Load(stores, _checkpoint, _checkpointSha256, _options.MaxPolicyLag);
        Agent agent = Agent.FromCheckpoint(_checkpoint);
        TrpoOptions trpo = _options.TargetKl is double kl ? agent.Options.Trpo with { TargetKl = kl } : agent.Options.Trpo;
        using var policyStep = new TrpoPolicyStep(agent.Policy, trpo) { FrozenTail = _options.FreezeLogStd ? agent.Policy.HeadSize : 0 };
        var shuffle = new Random(unchecked((int)_options.Seed) ^ 0x5EED);
        using SimulatedMix? sim = _options.SimSteps > 0 && simulator is not null ? new SimulatedMix(agent, simulator, _options.SimSteps, _options.Seed) : null;

        var current = new FieldPolicyView(agent, field);
        current.Evaluate();
        field.AdoptCheckpointLogProbs(current.LogProb);
        current.Evaluate();
        var region = new BehaviourTrustRegion(agent.Policy, field, _options.BehaviourKl);
        // Called with the trial θ in the agent's policy: evaluates it on the field steps.
        TrialCheck withinBehaviourRegion = () =>
        {
            current.Evaluate();
            return region.Allows(current.Outputs, current.LogProb);
        };

        WarmUpCritic(agent, field, trpo, current, shuffle);
        // The guard's yardstick: the acting policies' advantages, fixed before the policy moves.
        float[]? guardAdvantages = null;
        float[]? keptParameters = null;
        int keptAccepted = 0, keptReport = 0;
        double keptBound = 0; // the acting policy itself: no change, no gain
        if (_options.ImprovementGuard is not null)
        {
            field.ComputeAdvantages(agent.Normalizer, agent.Critic, trpo, current.Ratios, _options.TraceClip, _options.ValueClip);
            guardAdvantages = (float[])field.Advantages.Clone();
            keptParameters = new float[agent.Policy.ParameterCount];
        }
        var reports = new List<RetrainReport>();
        int accepted = 0;
        string? stopped = null;
        for (int u = 1; u <= _options.Updates; u++)
        {
            if (cancellation.IsCancellationRequested) { stopped = "cancelled"; break; }
            current.Evaluate();
            var (ratioMean, ratioMax, ess) = Summarise(current.Ratios);
            if (!(ess >= _options.MinEffectiveSampleFraction))
            {
                stopped = $"effective sample size of the importance weights is {ess:P0} of the batch (floor {_options.MinEffectiveSampleFraction:P0})";
                break;
            }
            double behaviourKl = region.MaxKl(current.Outputs, current.LogProb);
            if (!(behaviourKl < _options.BehaviourKl))
            {
                stopped = $"mean KL to the behaviour policy reached {behaviourKl:G3}, the bound --behaviour-kl {_options.BehaviourKl:G3}";
                break;
            }
            field.ComputeAdvantages(agent.Normalizer, agent.Critic, trpo, current.Ratios, _options.TraceClip, _options.ValueClip);
            MergedBatch batch = MergedBatch.Build(field, sim?.Collect(agent.Critic, trpo), trpo.NormalizeAdvantage);
            PolicyStepReport step = policyStep.Update(batch.AsPolicyBatch(), withinBehaviourRegion);
            if (step.LineSearchSuccess) { agent.PolicyVersion++; accepted++; }
            double valueLoss = agent.Critic.Fit(batch.Observations, batch.Returns, batch.Count, trpo.CriticEpochs, Math.Min(trpo.CriticBatchSize, batch.Count), shuffle);
            current.Evaluate();
            var report = new RetrainReport(u, step, valueLoss, ratioMean, ratioMax, ess, field.Count, batch.Count - field.Count)
            {
                BehaviourKl = region.MaxKl(current.Outputs, current.LogProb),
            };
            if (guardAdvantages is not null)
            {
                ImprovementEstimate estimate = ImprovementEstimate.Of(current.Ratios, guardAdvantages, field.EpisodeStarts);
                report = report with { ImprovementGain = estimate.Gain, ImprovementStandardError = estimate.StandardError };
                double bound = estimate.LowerBound(_options.ImprovementGuard!.Value);
                if (step.LineSearchSuccess && bound > keptBound)
                {
                    keptBound = bound;
                    keptAccepted = accepted;
                    keptReport = reports.Count + 1;
                    agent.Policy.GetParameters(keptParameters);
                }
            }
            reports.Add(report);
            Log(report, agent.TotalSteps + u);
            Updated?.Invoke(report);
            if (!step.LineSearchSuccess && report.BehaviourKl >= ExhaustedFraction * _options.BehaviourKl)
            {
                // Every trial left the behaviour region: further updates would only refit the critic.
                stopped = $"the behaviour trust region is used up (mean KL to the behaviour policy {report.BehaviourKl:G3} of --behaviour-kl {_options.BehaviourKl:G3})";
                break;
            }
        }

        if (guardAdvantages is not null && keptAccepted < accepted)
        {
            // The guard: back to the iterate the data vouches for most (or to the acting policy: nothing written).
            string why = keptAccepted == 0
                ? $"the improvement guard found no update whose estimated gain beat the acting policy by {_options.ImprovementGuard:G3} standard errors"
                : $"the improvement guard kept update {reports[keptReport - 1].Update} (gain − {_options.ImprovementGuard:G3} SE = {keptBound:G3}, the highest)";
            stopped = stopped is null ? why : $"{stopped}; {why}";
            if (keptAccepted > 0) agent.Policy.SetParameters(keptParameters);
            agent.PolicyVersion -= accepted - keptAccepted;
            accepted = keptAccepted;
        }
        // With the guard the result describes the kept iterate (its behaviour KL, its updates); the console has shown
        // them all. The critic stays as last fitted: the next retrain fits it to its own data before its first step.
        if (guardAdvantages is not null && keptAccepted > 0) reports.RemoveRange(keptReport, reports.Count - keptReport);

        if (accepted == 0)
        {
            // The policy did not change: a new checkpoint would be the same policy under a new SHA-256 (and a refitted
            // critic), and a "retrained" model that is not. Nothing is written; the caller reports why.
            return new RetrainResult(null, null, _checkpoint.PolicyVersion, agent.PolicyVersion, field.Episodes, field.Count, reports.Count, 0, reports, stopped);
        }
        agent.TotalSteps += field.Count + (sim?.StepsTaken ?? 0);
        agent.ParentSha256 = _checkpointSha256;
        var extra = new Dictionary<string, string>(_checkpoint.Extra)
        {
            [Lineage.Key] = Lineage.ForChildOf(_checkpoint, _checkpointSha256),
            ["retrain.data"] = JsonSerializer.Serialize(field.Provenance),
            ["retrain.sim_steps"] = (sim?.StepsTaken ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["retrain.sim_rig"] = _options.SimulatorRig ?? "",
            ["retrain.behaviour_kl"] = JsonSerializer.Serialize(new { bound = _options.BehaviourKl, reached = reports.Count > 0 ? reports[^1].BehaviourKl : 0.0 }),
        };
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, "ckpt.safetensors");
        int keep = Math.Min(TrainingRun.RecordedObservationCount, field.Count);
        string sha = agent.ToCheckpoint(field.RawObservations.AsSpan(0, keep * field.ObservationSize).ToArray(), extra).Save(path);
        return new RetrainResult(path, sha, _checkpoint.PolicyVersion, agent.PolicyVersion, field.Episodes, field.Count, reports.Count, accepted, reports, stopped);
    }

    /// <summary>Fits the critic to the field data's own targets, recomputing them after each fit, so the first
    /// policy step sees advantages of this plant rather than of the one trained on.</summary>
    private void WarmUpCritic(Agent agent, FieldBatch field, TrpoOptions trpo, FieldPolicyView current, Random shuffle)
    {
        for (int round = 0; round < _options.CriticWarmupRounds; round++)
        {
            field.ComputeAdvantages(agent.Normalizer, agent.Critic, trpo, current.Ratios, _options.TraceClip, _options.ValueClip);
            agent.Critic.Fit(field.Observations, field.Returns, field.Count, trpo.CriticEpochs, Math.Min(trpo.CriticBatchSize, field.Count), shuffle);
        }
    }

    private void Log(RetrainReport r, long step)
    {
        if (_metrics is null) return;
        var row = new List<KeyValuePair<string, double>>(16) { new(MetricKeys.TrainValueLoss, r.ValueLoss) };
        UpdateMetrics.AddPolicyStep(row, r.Policy);
        row.Add(new(MetricKeys.TrainBehaviourKl, r.BehaviourKl));
        row.Add(new(MetricKeys.TrainEffectiveSampleFraction, r.EffectiveSampleFraction));
        row.Add(new(MetricKeys.TrainRatioMax, r.RatioMax));
        _metrics.Write(step, row);
    }

    /// <summary>Mean and max of ρ, and the effective sample size (Σρ)²/(N·Σρ²) — 1 when every ratio is equal
    /// (on-policy data), small when a few samples dominate. NaN when any ratio is not finite.</summary>
    public static (double Mean, double Max, double EffectiveFraction) Summarise(ReadOnlySpan<double> ratios)
    {
        double sum = 0, sumSq = 0, max = 0;
        foreach (double r in ratios) { sum += r; sumSq += r * r; max = Math.Max(max, r); }
        double ess = sum * sum / (ratios.Length * sumSq);
        return (sum / ratios.Length, max, double.IsFinite(ess) ? ess : double.NaN);
    }

    /// <summary>π_current(a_t|s_t) / π_behaviour(a_t|s_t) for every field step, from the logged log-probabilities.</summary>
    public static double[] ImportanceRatios(Agent agent, FieldBatch field)
    {
        var view = new FieldPolicyView(agent, field);
        view.Evaluate();
        return view.Ratios;
    }
}
