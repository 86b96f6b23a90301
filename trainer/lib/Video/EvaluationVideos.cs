using System.Globalization;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Video;

/// <summary>MP4s of deterministic evaluation episodes: <c>epoch_&lt;N&gt;-episode-&lt;M&gt;.mp4</c> during training and
/// <c>final-episode-&lt;M&gt;.mp4</c> at the end, each frame captioned with the step, the action and the return so far.
/// Without ffmpeg, or when an encode fails, <see cref="Warn"/> gets one line and later videos are skipped: a missing
/// video never stops training.</summary>
public sealed class EvaluationVideos
{
    private readonly string _directory;
    private readonly int _episodes;
    private string? _ffmpeg;
    private bool _disabled;

    /// <param name="directory">Folder the MP4s go to (the run folder).</param>
    /// <param name="episodes">Episodes recorded per evaluation (the first ones, seeds base, base + 1, …).</param>
    /// <param name="ffmpegFolder">Folder holding ffmpeg; null searches PATH.</param>
    public EvaluationVideos(string directory, int episodes, string? ffmpegFolder = null)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Record at least one episode per video evaluation.");
        _directory = directory;
        _episodes = episodes;
        _ffmpeg = Mp4Writer.FindFfmpeg(ffmpegFolder);
        if (_ffmpeg is null)
        {
            _disabled = true;
            MissingFfmpeg = ffmpegFolder is null
                ? "video: ffmpeg was not found on PATH, so no MP4s are written (Debian: apt-get install ffmpeg); training goes on."
                : $"video: no ffmpeg in {ffmpegFolder}, so no MP4s are written; training goes on.";
        }
    }

    /// <summary>The one line explaining why there will be no videos, when ffmpeg is missing; null otherwise.</summary>
    public string? MissingFfmpeg { get; }

    /// <summary>Receives one line when videos stop (missing ffmpeg is reported by the caller from <see cref="MissingFfmpeg"/>).</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Whether videos are still being written.</summary>
    public bool Enabled => !_disabled;

    /// <summary>Files written so far.</summary>
    public List<string> Written { get; } = [];

    /// <summary>Plays the first episodes of an evaluation with <paramref name="evaluator"/> and writes them as
    /// <paramref name="prefix"/>-episode-M.mp4. Returns those episodes' returns (empty when videos are off).</summary>
    public double[] Record(Evaluator evaluator, ulong baseSeed, string prefix)
    {
        if (_disabled) return [];
        EpisodeRecorder?[] recorders = NewRecorders();
        double[] returns = evaluator.Run(_episodes, baseSeed, onFrame: f => Capture(recorders, f));
        SaveAll(recorders, prefix);
        return returns;
    }

    /// <summary>A frame callback for an evaluation the caller runs anyway (the final one): episodes below the
    /// recorded count are captured into <paramref name="recorders"/>.</summary>
    public static void Capture(EpisodeRecorder?[] recorders, EvaluationFrame frame)
    {
        if (frame.Episode >= recorders.Length) return;
        EpisodeRecorder recording = recorders[frame.Episode] ??= new EpisodeRecorder(frame.Env);
        recording.Capture(Caption(frame));
    }

    /// <summary>Writes recordings made with <see cref="Capture"/> as <paramref name="prefix"/>-episode-M.mp4.</summary>
    public void SaveAll(EpisodeRecorder?[] recorders, string prefix)
    {
        for (int m = 0; m < recorders.Length; m++)
        {
            if (recorders[m] is not { } recording) continue;
            if (!Save(recording, Path.Combine(_directory, $"{prefix}-episode-{m}.mp4"))) break;
        }
    }

    /// <summary>A recorder array sized for this instance's episode count, or empty when videos are off.</summary>
    public EpisodeRecorder?[] NewRecorders() => _disabled ? [] : new EpisodeRecorder?[_episodes];

    private bool Save(EpisodeRecorder recording, string path)
    {
        if (_disabled || _ffmpeg is null) return false;
        try
        {
            Mp4Writer.Write(recording, path, FramesPerSecond(recording), _ffmpeg);
            Written.Add(path);
            return true;
        }
        catch (Exception e) when (e is VideoException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            _disabled = true;
            Warn?.Invoke($"video: {e.Message} No further videos in this run; training goes on.");
            return false;
        }
    }

    /// <summary>Gymnasium's render_fps for the classic-control and MuJoCo ids (what its RecordVideo writes; for MuJoCo
    /// 1 / dt, real time); real time, within 10–60 frames per second, for rigs.</summary>
    public static double FramesPerSecond(EpisodeRecorder recording) => recording.EnvId switch
    {
        PendulumEnv.EnvId => 30,
        CartPoleEnv.EnvId => 50,
        AcrobotEnv.EnvId => 15,
        MountainCarContinuousEnv.EnvId => 30,
        HopperEnv.EnvId => 125,
        HalfCheetahEnv.EnvId => 20,
        _ => Math.Clamp(Math.Round(1.0 / recording.ControlPeriod), 10, 60),
    };

    /// <summary>Two caption lines: step and return, then the action taken (blank on the reset frame).</summary>
    public static string[] Caption(EvaluationFrame frame)
    {
        var inv = CultureInfo.InvariantCulture;
        string line1 = string.Create(inv, $"STEP {frame.Step,4}   RETURN {frame.Return,9:F2}");
        if (frame.Step == 0) return [line1, "ACTION  (RESET)"];
        string action = frame.Env.ActionSpace is Sim.Spaces.DiscreteSpace
            ? ((int)frame.Action[0]).ToString(inv)
            : string.Join(" ", frame.Action.ToArray().Select(a => a.ToString("+0.000;-0.000", inv)));
        return [line1, $"ACTION {action}   REWARD {frame.Reward.ToString("F3", inv)}"];
    }
}
