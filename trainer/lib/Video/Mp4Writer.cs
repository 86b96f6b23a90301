using FFMpegCore;
using FFMpegCore.Pipes;
using TrpoEdge.Sim;

namespace TrpoEdge.Trainer.Video;

/// <summary>Encodes an <see cref="EpisodeRecorder"/>'s frames as an H.264 MP4 by piping raw rgb24 frames to the
/// system's ffmpeg through FFMpegCore. Frames are rendered one at a time as ffmpeg reads them, so a long episode
/// never sits in memory as pixels.</summary>
public static class Mp4Writer
{
    /// <summary>The ffmpeg executable: in <paramref name="binaryFolder"/> when given, else the first on PATH; null when
    /// there is none (the caller reports it once and carries on without video).</summary>
    public static string? FindFfmpeg(string? binaryFolder = null)
    {
        string name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        IEnumerable<string> folders = binaryFolder is not null
            ? [binaryFolder]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Writes the recording to <paramref name="path"/> at <paramref name="framesPerSecond"/>, replacing an
    /// existing file. Throws <see cref="VideoException"/> with ffmpeg's last error lines when encoding fails.</summary>
    public static void Write(EpisodeRecorder recording, string path, double framesPerSecond, string ffmpegPath)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (recording.FrameCount == 0) throw new ArgumentException("The recording has no frames; capture at least one before writing a video.", nameof(recording));
        if (!(framesPerSecond > 0 && framesPerSecond <= 240))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "The frame rate must be in (0, 240].");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);

        var source = new RawVideoPipeSource(Frames(recording)) { FrameRate = framesPerSecond };
        FFMpegResult result = FFMpegArguments
            .FromPipeInput(source)
            .OutputToFile(path, true, options => options
                .WithVideoCodec("libx264")
                .WithPixelFormat("yuv420p")
                .WithCustomArgument("-movflags +faststart"))
            .ProcessSynchronously(false, new FFOptions { BinaryFolder = Path.GetDirectoryName(ffmpegPath) ?? "" });
        if (!result.Success)
        {
            string tail = string.Join(" / ", result.StandardError.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(3));
            throw new VideoException($"ffmpeg ({ffmpegPath}) could not write {path}: exit code {result.ExitCode}{(result.Cancelled ? ", cancelled" : "")}: {tail}");
        }
    }

    private static IEnumerable<IVideoFrame> Frames(EpisodeRecorder recording)
    {
        var frame = new Rgb24Frame(recording.VideoWidth, recording.VideoHeight);
        for (int i = 0; i < recording.FrameCount; i++)
        {
            recording.RenderVideoFrame(i, frame.Pixels);
            yield return frame; // ffmpeg's pipe writer serialises each frame before asking for the next
        }
    }
}
