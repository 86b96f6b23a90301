using System.Diagnostics;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;
using TrpoEdge.Trainer.Video;

namespace TrpoEdge.Trainer.Tests.Video;

/// <summary>MP4 evaluation videos through the real ffmpeg: what goes in comes out (frame count, size, pixels after
/// H.264's loss), training writes the promised file names, and a missing ffmpeg costs one line, not the run.</summary>
public sealed class VideoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-video-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EpisodeRecorder RecordPendulum(int steps)
    {
        var env = new PendulumEnv();
        var obs = new float[3];
        env.Reset(3, obs);
        var recorder = new EpisodeRecorder(env);
        recorder.Capture("STEP 0", "ACTION (RESET)");
        double ret = 0;
        for (int t = 1; t <= steps; t++)
        {
            float a = t % 40 < 20 ? 2f : -2f;
            ret += env.Step([a], obs).Reward;
            recorder.Capture($"STEP {t} RETURN {ret:F2}", $"ACTION {a:+0.000;-0.000}");
        }
        return recorder;
    }

    private static string Run(string file, string arguments, out byte[] stdout)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        Task copy = p.StandardOutput.BaseStream.CopyToAsync(ms);
        string err = p.StandardError.ReadToEnd();
        copy.Wait();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {arguments} exited with {p.ExitCode}: {err}");
        stdout = ms.ToArray();
        return System.Text.Encoding.UTF8.GetString(stdout);
    }

    private static string Ffmpeg => Mp4Writer.FindFfmpeg()!;
    private static string Ffprobe => Path.Combine(Path.GetDirectoryName(Ffmpeg)!, "ffprobe");

    [RequiresFfmpegFact]
    public void Every_frame_reaches_the_mp4_in_order_at_the_rendered_size()
    {
        EpisodeRecorder recording = RecordPendulum(60);
        string path = Path.Combine(_dir, "pendulum.mp4");
        Mp4Writer.Write(recording, path, 30, Ffmpeg);

        string info = Run(Ffprobe, $"-v error -count_frames -select_streams v:0 -show_entries stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate -of default=nw=1 \"{path}\"", out _);
        Assert.Contains("codec_name=h264", info);
        Assert.Contains("pix_fmt=yuv420p", info);
        Assert.Contains($"width={recording.VideoWidth}", info);
        Assert.Contains($"height={recording.VideoHeight}", info);
        Assert.Contains("r_frame_rate=30/1", info);
        Assert.Contains($"nb_read_frames={recording.FrameCount}", info);
        Assert.True(recording.VideoWidth >= 480 && recording.VideoHeight >= 480);

        // Decode every frame back to rgb24 and match each against the frame rendered for that index (and not its
        // neighbours): H.264 is lossy, but a dropped, repeated or reordered frame moves the rod by many pixels.
        Run(Ffmpeg, $"-v error -i \"{path}\" -f rawvideo -pix_fmt rgb24 -", out byte[] decoded);
        int size = recording.VideoWidth * recording.VideoHeight * 3;
        Assert.Equal(recording.FrameCount * size, decoded.Length);
        var rendered = new byte[size];
        var previous = new byte[size];
        for (int i = 0; i < recording.FrameCount; i++)
        {
            recording.RenderVideoFrame(i, rendered);
            ReadOnlySpan<byte> frame = decoded.AsSpan(i * size, size);
            double own = MeanAbsoluteDifference(frame, rendered);
            Assert.True(own < 3.0, $"frame {i}: mean difference {own:F2} from its rendering");
            if (i > 0 && i % 10 == 0)
            {
                double other = MeanAbsoluteDifference(frame, previous);
                Assert.True(other > own, $"frame {i} is closer to frame {i - 1}'s rendering ({other:F2}) than to its own ({own:F2})");
            }
            rendered.CopyTo(previous, 0);
        }
    }

    private static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }

    [RequiresFfmpegFact]
    public void Training_writes_epoch_and_final_videos_of_evaluation_episodes()
    {
        var options = new TrainingOptions
        {
            EnvId = "CartPole-v1", Seed = 1, TotalSteps = 3 * 128, NumEnvs = 2, StepsPerEnv = 64, Hidden = [8],
            EvalEvery = 0, FinalEvalEpisodes = 3, CheckpointEvery = 0, VideoEvery = 2, VideoEpisodes = 2,
            Trpo = new() { CriticBatchSize = 32 },
        };
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        var videos = new EvaluationVideos(_dir, options.VideoEpisodes);
        var run = new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), _dir) { Videos = videos };
        run.Run(CancellationToken.None);

        string[] expected = ["epoch_2-episode-0.mp4", "epoch_2-episode-1.mp4", "final-episode-0.mp4", "final-episode-1.mp4"];
        Assert.Equal(expected, Directory.GetFiles(_dir, "*.mp4").Select(Path.GetFileName).Order().ToArray());
        Assert.Equal(expected, videos.Written.Select(Path.GetFileName).Order().ToArray());
        foreach (string f in expected) Assert.True(new FileInfo(Path.Combine(_dir, f)).Length > 1000, f);
    }

    [Fact]
    public void Without_ffmpeg_there_is_one_clear_line_and_training_goes_on()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "no-ffmpeg-here")).FullName;
        var warnings = new List<string>();
        var videos = new EvaluationVideos(_dir, 1, ffmpegFolder: empty) { Warn = warnings.Add };
        Assert.False(videos.Enabled);
        Assert.Contains("no ffmpeg", videos.MissingFfmpeg);
        Assert.Contains("training goes on", videos.MissingFfmpeg);
        Assert.DoesNotContain('\n', videos.MissingFfmpeg!);

        var options = new TrainingOptions
        {
            EnvId = "Pendulum-v1", TotalSteps = 2 * 64, NumEnvs = 2, StepsPerEnv = 32, Hidden = [8],
            EvalEvery = 0, FinalEvalEpisodes = 1, CheckpointEvery = 0, VideoEvery = 1, Trpo = new() { CriticBatchSize = 32 },
        };
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        TrainingResult result = new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), _dir) { Videos = videos }.Run(CancellationToken.None);
        Assert.Equal(2, result.Updates);
        Assert.True(File.Exists(result.CheckpointPath));
        Assert.Empty(Directory.GetFiles(_dir, "*.mp4"));
        Assert.Empty(warnings); // the missing binary is reported once, by the caller, from MissingFfmpeg
    }

    [RequiresFfmpegFact]
    public void An_encode_that_fails_is_reported_once_and_stops_later_videos()
    {
        // A folder where the file should be: ffmpeg cannot open the output.
        string blocked = Path.Combine(_dir, "blocked");
        Directory.CreateDirectory(Path.Combine(blocked, "final-episode-0.mp4"));
        var warnings = new List<string>();
        var videos = new EvaluationVideos(blocked, 1) { Warn = warnings.Add };
        var recorders = videos.NewRecorders();
        recorders[0] = RecordPendulum(5);
        videos.SaveAll(recorders, "final");
        videos.SaveAll(recorders, "final");
        string warning = Assert.Single(warnings);
        Assert.Contains("final-episode-0.mp4", warning);
        Assert.Contains("training goes on", warning);
        Assert.False(videos.Enabled);
    }

    [Fact]
    public void Captions_carry_step_action_reward_and_return()
    {
        var env = new PendulumEnv();
        string[] reset = EvaluationVideos.Caption(new EvaluationFrame(0, 0, env, default, 0, 0));
        Assert.StartsWith("STEP    0", reset[0]);
        string[] step = EvaluationVideos.Caption(new EvaluationFrame(0, 17, env, [1.25f], -0.5, -12.345));
        Assert.Equal("STEP   17   RETURN    -12.35", step[0]);
        Assert.Equal("ACTION +1.250   REWARD -0.500", step[1]);
        string[] discrete = EvaluationVideos.Caption(new EvaluationFrame(0, 3, new CartPoleEnv(), [1f], 1, 3));
        Assert.StartsWith("ACTION 1 ", discrete[1]);
    }
}
