using System.Diagnostics;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.StoreCrashChild;

namespace TrpoEdge.Core.Tests.Trajectories;

public sealed class TrajectoryStoreCrashTests
{
    [Fact]
    public async Task Killing_the_writing_process_keeps_every_reported_commit_and_marks_the_open_episode_incomplete()
    {
        using var store = new TempStore();
        using var child = StartChild(store.Path);
        long reported = 0;
        int commits = 0;
        var stderr = child.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            // Enough commits that the child is several episodes in: EpisodeLength 997, BatchSize 64.
            while (reported < 3 * CrashSchedule.EpisodeLength + 500)
            {
                var line = await child.StandardOutput.ReadLineAsync();
                if (line is null)
                {
                    await child.WaitForExitAsync();
                    throw new InvalidOperationException($"The child exited early (code {child.ExitCode}): {await stderr}");
                }
                if (line.StartsWith("committed ", StringComparison.Ordinal))
                {
                    reported = long.Parse(line["committed ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    commits++;
                }
                if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"The child reported only {reported} committed steps in 60 s.");
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Unix: no finally blocks, no Dispose, no flush.
            await child.WaitForExitAsync();
        }
        Assert.True(commits >= 10, $"only {commits} commits were reported");

        using var reader = TrajectoryReader.Open(store.Path);
        Assert.Equal("ok", reader.CheckIntegrity());
        var run = Assert.Single(reader.Runs);
        Assert.Null(run.EndedAt); // the writer never closed the run
        long stored = reader.CountSteps();
        Assert.True(stored >= reported, $"the child reported {reported} committed steps but only {stored} are in the store");

        var episodes = reader.ReadEpisodes().ToList();
        Assert.True(episodes.Count >= 4);
        Assert.Equal(stored, episodes.Sum(e => (long)e.Length));
        var obs = new float[CrashSchedule.ObservationSize];
        for (int k = 0; k < episodes.Count; k++)
        {
            var e = episodes[k];
            bool last = k == episodes.Count - 1;
            Assert.Equal(k, e.IndexInRun);
            Assert.Equal(TrajectoryWriter.EpisodeId(run.Id, k), e.Id);
            Assert.Equal(last ? EpisodeStatus.Incomplete : EpisodeStatus.Complete, e.Status);
            if (!last)
            {
                Assert.Equal(CrashSchedule.EpisodeLength, e.Length);
                Assert.True(e.Truncated);
                CrashSchedule.Observation(k, CrashSchedule.EpisodeLength, obs);
                Assert.Equal(obs, e.FinalObservation);
            }
            else
            {
                Assert.InRange(e.Length, 0, CrashSchedule.EpisodeLength - 1);
                Assert.Null(e.FinalObservation);
            }
            // Every surviving value is exactly what the child wrote.
            for (int t = 0; t < e.Length; t++)
            {
                CrashSchedule.Observation(k, t, obs);
                Assert.True(obs.AsSpan().SequenceEqual(e.Observation(t)), $"episode {k} step {t} observation differs");
                Assert.Equal(CrashSchedule.Action(k, t), e.Action(t)[0]);
                Assert.Equal(CrashSchedule.Reward(k, t), e.Rewards[t]);
                Assert.Equal(CrashSchedule.LogProb(k, t), e.LogProbs[t]);
                Assert.Equal(k, e.PolicyVersions[t]);
            }
        }

        // The killed file is still a writable store: a new run appends after the surviving episodes.
        reader.Dispose();
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum()))
            Assert.Equal(TrajectoryWriter.EpisodeId(run.Id + 1, 0), writer.BeginEpisode());
    }

    private static Process StartChild(string storePath)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "TrpoEdge.StoreCrashChild.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build tests/Core.Tests (it references tests/StoreCrashChild).");
        // `dotnet test` tells its children where the dotnet host is; fall back to the one on PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(storePath);
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dotnet} {dll}.");
    }
}
