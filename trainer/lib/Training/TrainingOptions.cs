using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Sampling;

namespace TrpoEdge.Trainer.Training;

/// <summary>What a training run does besides the algorithm itself: environment, budget, networks,
/// evaluation and checkpointing. CLI flags and YAML configs both land here.</summary>
public sealed record TrainingOptions
{
    public string EnvId { get; init; } = "Pendulum-v1";
    public ulong Seed { get; init; }
    public long TotalSteps { get; init; } = 500_000;
    public int NumEnvs { get; init; } = 16;
    /// <summary>Steps per environment per update; the batch is NumEnvs × StepsPerEnv.</summary>
    public int StepsPerEnv { get; init; } = 200;
    public int[] Hidden { get; init; } = [64, 64];
    public string Activation { get; init; } = "tanh";
    public double LogStdInit { get; init; }
    public bool NormalizeObservations { get; init; } = true;
    /// <summary>Divide the rewards the learner sees by the running standard deviation of the discounted return
    /// (<see cref="Normalization.RewardScaler"/>; RL Zoo's normalize: true does this too). Single-path sampling only.</summary>
    public bool NormalizeRewards { get; init; }
    public float ObservationClip { get; init; } = 10f;
    /// <summary>Evaluate deterministically every this many updates (0 = only at the end).</summary>
    public int EvalEvery { get; init; } = 10;
    public int EvalEpisodes { get; init; } = 10;
    public int FinalEvalEpisodes { get; init; } = 100;
    /// <summary>Record MP4s of deterministic evaluation episodes every this many updates and at the end (0 = no videos).</summary>
    public int VideoEvery { get; init; } = 50;
    /// <summary>Episodes recorded per video evaluation.</summary>
    public int VideoEpisodes { get; init; } = 1;
    /// <summary>Write a checkpoint every this many updates (0 = only at the end).</summary>
    public int CheckpointEvery { get; init; } = 25;
    /// <summary>Keep the best policy as well as the last one: whenever a periodic evaluation (every <see cref="EvalEvery"/>
    /// updates) beats every earlier one, the whole checkpoint is written to best.safetensors; at the end the final and the
    /// best policy play the same <see cref="FinalEvalEpisodes"/> episodes and the higher scorer is exported. On by default
    /// because TRPO's policies often peak and then drift (Hopper-v4 and LunarLanderContinuous-v2 lose hundreds of
    /// return after their peak), and it costs one checkpoint write per new best and one more final evaluation; the
    /// periodic evaluations it selects on are the ones the run already makes, so the learning itself is unchanged.
    /// Without periodic evaluations (EvalEvery 0) there is nothing to select from and the final policy is kept.</summary>
    public bool KeepBest { get; init; } = true;
    /// <summary>Stop early once the deterministic evaluation return reaches this (null = never).</summary>
    public double? StopAtReturn { get; init; }
    public TrpoOptions Trpo { get; init; } = new();
    /// <summary>Single path (default) or vine (Schulman et al. 2015, §5.2) with <see cref="Vine"/>'s settings.</summary>
    public SamplingScheme Sampling { get; init; } = SamplingScheme.SinglePath;
    public VineOptions Vine { get; init; } = new();
    /// <summary>Trust region (default) or the KL-penalty simplification with <see cref="Penalty"/>'s settings.</summary>
    public PolicyConstraint Constraint { get; init; } = PolicyConstraint.TrustRegion;
    public KlPenaltyOptions Penalty { get; init; } = new();

    public int BatchSize => NumEnvs * StepsPerEnv;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(EnvId)) throw new ArgumentException("An environment id is required, e.g. --env Pendulum-v1.");
        TrpoOptions.Require(TotalSteps >= 1, nameof(TotalSteps), TotalSteps, ">= 1, e.g. 500000");
        // Up to 2^20: --device cuda steps tens of thousands of environments at once.
        TrpoOptions.Require(NumEnvs >= 1 && NumEnvs <= 1 << 20, nameof(NumEnvs), NumEnvs, "between 1 and 1048576, e.g. 16 (thousands with --device cuda)");
        TrpoOptions.Require(StepsPerEnv >= 1, nameof(StepsPerEnv), StepsPerEnv, ">= 1, e.g. 200");
        TrpoOptions.Require(Hidden.Length >= 1 && Hidden.All(h => h >= 1 && h <= 4096), nameof(Hidden), string.Join(",", Hidden), "one or more layer widths in 1..4096, e.g. [64, 64]");
        TrpoOptions.Require(Activation is "tanh" or "relu", nameof(Activation), Activation, "\"tanh\" or \"relu\"");
        TrpoOptions.Require(double.IsFinite(LogStdInit) && LogStdInit > -10 && LogStdInit < 5, nameof(LogStdInit), LogStdInit, "a finite number in (-10, 5), e.g. 0");
        TrpoOptions.Require(ObservationClip > 0, nameof(ObservationClip), ObservationClip, "> 0, e.g. 10");
        TrpoOptions.Require(EvalEvery >= 0, nameof(EvalEvery), EvalEvery, ">= 0");
        TrpoOptions.Require(EvalEpisodes >= 1, nameof(EvalEpisodes), EvalEpisodes, ">= 1");
        TrpoOptions.Require(FinalEvalEpisodes >= 1, nameof(FinalEvalEpisodes), FinalEvalEpisodes, ">= 1");
        TrpoOptions.Require(VideoEvery >= 0, nameof(VideoEvery), VideoEvery, ">= 0 (0 turns videos off)");
        TrpoOptions.Require(VideoEpisodes >= 1 && VideoEpisodes <= 100, nameof(VideoEpisodes), VideoEpisodes, "between 1 and 100");
        TrpoOptions.Require(CheckpointEvery >= 0, nameof(CheckpointEvery), CheckpointEvery, ">= 0");
        TrpoOptions.Require(Trpo.CriticBatchSize <= BatchSize, "CriticBatchSize", Trpo.CriticBatchSize, $"<= the rollout batch ({NumEnvs} envs × {StepsPerEnv} steps = {BatchSize})");
        Trpo.Validate();
        TrpoOptions.Require(Enum.IsDefined(Sampling), nameof(Sampling), Sampling, "single_path or vine");
        TrpoOptions.Require(Enum.IsDefined(Constraint), nameof(Constraint), Constraint, "trust_region or penalty");
        if (Sampling == SamplingScheme.Vine) Vine.Validate(BatchSize);
        if (NormalizeRewards && Sampling == SamplingScheme.Vine)
            throw new ArgumentException("normalize_reward scales single-path rollouts; vine branches estimate Q from raw rewards. Use one or the other.");
        if (Constraint == PolicyConstraint.Penalty) Penalty.Validate();
    }
}
