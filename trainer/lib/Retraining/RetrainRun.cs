using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Rollouts;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Improves a checkpoint's policy from logged field episodes. The logged behaviour log-probabilities make
/// the update exact: the surrogate weights each step by π_θ(a|s)/π_b(a|s) with π_b the policy that acted (ratio 1
/// for on-policy data), while the trust region is measured against the current policy, as in every TRPO step.
/// GAE and value bootstrapping follow the simulator path exactly. Observation statistics stay frozen: the
/// exported model normalises with them, and field data should not shift them outside the trust region.</summary>
public sealed class RetrainRun
{
    private readonly PolicyCheckpoint _checkpoint;
    private readonly string _checkpointSha256;
    private readonly RetrainOptions _options;

    public RetrainRun(PolicyCheckpoint checkpoint, string checkpointSha256, RetrainOptions options)
    {
        options.Validate();
        _checkpoint = checkpoint;
        _checkpointSha256 = checkpointSha256;
        _options = options;
    }

    public event Action<RetrainReport>? Updated;

    public RetrainResult Run(IReadOnlyList<string> stores, string outputDirectory, Func<IEnv>? simulator = null, CancellationToken cancellation = default)
    {
        FieldBatch field = FieldDataLoader.Load(stores, _checkpoint, _checkpointSha256, _options.MaxPolicyLag);
        Agent agent = Agent.FromCheckpoint(_checkpoint);
        TrpoOptions trpo = agent.Options.Trpo;
        using var policyStep = new TrpoPolicyStep(agent.Policy, trpo);
        var shuffle = new Random(unchecked((int)_options.Seed) ^ 0x5EED);
        using SimulatedMix? sim = _options.SimSteps > 0 && simulator is not null ? new SimulatedMix(agent, simulator, _options.SimSteps, _options.Seed) : null;

        WarmUpCritic(agent, field, trpo, shuffle);
        var reports = new List<RetrainReport>();
        int accepted = 0;
        string? stopped = null;
        for (int u = 1; u <= _options.Updates; u++)
        {
            if (cancellation.IsCancellationRequested) { stopped = "cancelled"; break; }
            field.ComputeAdvantages(agent.Normalizer, agent.Critic, trpo);
            var (ratioMean, ratioMax, ess) = ImportanceWeights(agent, field);
            if (u > 1 && ess < _options.MinEffectiveSampleFraction)
            {
                stopped = $"effective sample size fell to {ess:P0} of the batch (limit {_options.MinEffectiveSampleFraction:P0})";
                break;
            }
            MergedBatch batch = MergedBatch.Build(field, sim?.Collect(agent.Critic, trpo), trpo.NormalizeAdvantage);
            PolicyStepReport step = policyStep.Update(batch.AsPolicyBatch());
            if (step.LineSearchSuccess) { agent.PolicyVersion++; accepted++; }
            double valueLoss = agent.Critic.Fit(batch.Observations, batch.Returns, batch.Count, trpo.CriticEpochs, Math.Min(trpo.CriticBatchSize, batch.Count), shuffle);
            var report = new RetrainReport(u, step, valueLoss, ratioMean, ratioMax, ess, field.Count, batch.Count - field.Count);
            reports.Add(report);
            Updated?.Invoke(report);
        }

        agent.TotalSteps += field.Count + (sim?.StepsTaken ?? 0);
        agent.ParentSha256 = _checkpointSha256;
        var extra = new Dictionary<string, string>(_checkpoint.Extra)
        {
            [Lineage.Key] = Lineage.ForChildOf(_checkpoint, _checkpointSha256),
            ["retrain.data"] = JsonSerializer.Serialize(field.Provenance),
            ["retrain.sim_steps"] = (sim?.StepsTaken ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, "ckpt.safetensors");
        int keep = Math.Min(TrainingRun.RecordedObservationCount, field.Count);
        string sha = agent.ToCheckpoint(field.RawObservations.AsSpan(0, keep * field.ObservationSize).ToArray(), extra).Save(path);
        return new RetrainResult(path, sha, _checkpoint.PolicyVersion, agent.PolicyVersion, field.Episodes, field.Count, reports.Count, accepted, reports, stopped);
    }

    /// <summary>Fits the critic to the field data's own GAE returns, recomputing the targets after each fit, so the
    /// first policy step sees advantages of this plant rather than of the one trained on.</summary>
    private void WarmUpCritic(Agent agent, FieldBatch field, TrpoOptions trpo, Random shuffle)
    {
        for (int round = 0; round < _options.CriticWarmupRounds; round++)
        {
            field.ComputeAdvantages(agent.Normalizer, agent.Critic, trpo);
            agent.Critic.Fit(field.Observations, field.Returns, field.Count, trpo.CriticEpochs, Math.Min(trpo.CriticBatchSize, field.Count), shuffle);
        }
    }

    /// <summary>Mean and max of ρ = π_current/π_behaviour over the field steps, and the effective sample size
    /// (Σρ)²/(N·Σρ²) — 1 when every ratio is equal (on-policy data), small when a few samples dominate.</summary>
    public static (double Mean, double Max, double EffectiveFraction) ImportanceWeights(Agent agent, FieldBatch field)
    {
        double[] ratios = ImportanceRatios(agent, field);
        double sum = 0, sumSq = 0, max = 0;
        foreach (double r in ratios) { sum += r; sumSq += r * r; max = Math.Max(max, r); }
        return (sum / ratios.Length, max, sum * sum / (ratios.Length * sumSq));
    }

    /// <summary>π_current(a_t|s_t) / π_behaviour(a_t|s_t) for every field step, from the logged log-probabilities.</summary>
    public static double[] ImportanceRatios(Agent agent, FieldBatch field)
    {
        agent.Normalizer.Normalize(field.RawObservations, field.Observations);
        var outputs = new float[field.Count * agent.Policy.OutputSize];
        agent.Policy.Forward(field.Observations, field.Count, outputs);
        var logProb = new double[field.Count];
        agent.Policy.LogProb(outputs, field.Actions, field.Count, logProb);
        var ratios = new double[field.Count];
        for (int i = 0; i < ratios.Length; i++) ratios[i] = Math.Exp(logProb[i] - field.BehaviourLogProb[i]);
        return ratios;
    }
}
