namespace TrpoEdge.Trainer.Rollouts;

/// <summary>One batch of experience, laid out env-major (index = env·T + t) so each environment's time series is
/// contiguous for GAE. Terminated and truncated are kept apart all the way from the environment: a truncated
/// step is bootstrapped with V(final observation), a terminated one is not. Allocated once per run.</summary>
public sealed class RolloutBuffer
{
    public RolloutBuffer(int envs, int stepsPerEnv, int observationSize, int actionSize)
    {
        Envs = envs;
        StepsPerEnv = stepsPerEnv;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        int n = envs * stepsPerEnv;
        RawObservations = new float[n * observationSize];
        Observations = new float[n * observationSize];
        Actions = new float[n * actionSize];
        BehaviourLogProb = new double[n];
        Rewards = new double[n];
        Terminated = new bool[n];
        EpisodeEnded = new bool[n];
        Values = new float[n];
        NextValues = new float[n];
        Advantages = new float[n];
        Returns = new float[n];
        FinalObservations = new float[n * observationSize];
        LastObservations = new float[envs * observationSize];
    }

    public int Envs { get; }
    public int StepsPerEnv { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int Count => Envs * StepsPerEnv;

    /// <summary>Observations as the environment gave them (for the normaliser's statistics and checkpoints).</summary>
    public float[] RawObservations { get; }
    /// <summary>Normalised with the statistics frozen for this batch: what the policy saw.</summary>
    public float[] Observations { get; }
    /// <summary>The sampled (unclipped) actions whose log-probabilities are stored.</summary>
    public float[] Actions { get; }
    public double[] BehaviourLogProb { get; }
    public double[] Rewards { get; }
    public bool[] Terminated { get; }
    /// <summary>Terminated or truncated: the step ended its episode.</summary>
    public bool[] EpisodeEnded { get; }
    public float[] Values { get; }
    /// <summary>V of the observation that followed each step (see <see cref="Algorithms.Gae"/>).</summary>
    public float[] NextValues { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }
    /// <summary>Raw final observation of a truncated step (valid only there).</summary>
    public float[] FinalObservations { get; }
    /// <summary>Raw observation each env is in after the last step (bootstraps the unfinished tails).</summary>
    public float[] LastObservations { get; }

    public int Index(int env, int t) => env * StepsPerEnv + t;
}
