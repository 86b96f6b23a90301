namespace TrpoEdge.StoreCrashChild;

/// <summary>The deterministic content the child writes, so the parent test can check every surviving value
/// bit for bit without talking to the child.</summary>
public static class CrashSchedule
{
    public const int ObservationSize = 3;
    public const int ActionSize = 1;
    /// <summary>Not a multiple of the batch size, so commits fall inside episodes.</summary>
    public const int EpisodeLength = 997;
    public const int BatchSize = 64;

    public static void Observation(int episode, int t, Span<float> obs)
    {
        for (int i = 0; i < obs.Length; i++) obs[i] = MathF.Sin(episode * 1000 + t * 3 + i) * (i + 1);
    }

    public static float Action(int episode, int t) => MathF.Cos(episode * 7 + t * 0.01f);
    public static double Reward(int episode, int t) => -(episode + t * 1e-3);
    public static double LogProb(int episode, int t) => -0.5 - t * 1e-6 - episode;
}
