using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Core.Tests.Trajectories;

internal static class StoreFixtures
{
    public static RunInfo Pendulum(string? sha = null, long policyVersion = 3) => new()
    {
        EnvId = "Pendulum-v1",
        ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
        ActionSpace = SpaceSpec.Box([-2], [2]),
        Program = "tests",
        Host = "test-host",
        ModelSha256 = sha,
        PolicyVersion = policyVersion,
        Plant = "sim Pendulum-v1 pendulum.mass=1.3",
        ControlPeriod = 0.05,
        Notes = "round trip",
    };

    public static RunInfo CartPole() => new()
    {
        EnvId = "CartPole-v1",
        ObservationSpace = SpaceSpec.Box([-4.8f, float.NegativeInfinity, -0.42f, float.NegativeInfinity], [4.8f, float.PositiveInfinity, 0.42f, float.PositiveInfinity]),
        ActionSpace = SpaceSpec.Discrete(2),
    };

    /// <summary>Writes <paramref name="episodes"/> episodes of <paramref name="length"/> steps whose values are a
    /// function of (episode, t); returns what was written.</summary>
    public static void WriteEpisode(TrajectoryWriter writer, int episode, int length, bool end = true)
    {
        var obs = new float[writer.ObservationSize];
        var act = new float[writer.ActionSize];
        writer.BeginEpisode();
        for (int t = 0; t < length; t++)
        {
            Obs(episode, t, obs);
            act[0] = episode - t * 0.25f;
            writer.Append(new StepRecord(obs, act, reward: episode * 10 + t, logProb: -t * 0.5, policyVersion: 7, timestampNs: 1_000_000_000L * episode + t));
        }
        if (end)
        {
            Obs(episode, length, obs);
            writer.EndEpisode(terminated: false, truncated: true, obs);
        }
    }

    public static void Obs(int episode, int t, Span<float> obs)
    {
        for (int i = 0; i < obs.Length; i++) obs[i] = episode * 100 + t + i * 0.125f;
    }

    public static void WaitUntil(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException($"Timed out after {timeoutMs} ms waiting for {what}.");
            Thread.Sleep(2);
        }
    }
}
