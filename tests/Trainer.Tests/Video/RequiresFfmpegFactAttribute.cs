using TrpoEdge.Trainer.Video;

namespace TrpoEdge.Trainer.Tests.Video;

/// <summary>A fact that encodes with the system's ffmpeg (scripts/test.sh installs Debian's package). Skipped, saying
/// why, where ffmpeg is missing: the video code's behaviour without ffmpeg is tested separately.</summary>
internal sealed class RequiresFfmpegFactAttribute : FactAttribute
{
    public RequiresFfmpegFactAttribute()
    {
        string? ffmpeg = Mp4Writer.FindFfmpeg();
        if (ffmpeg is null || !File.Exists(Path.Combine(Path.GetDirectoryName(ffmpeg)!, "ffprobe")))
            Skip = "ffmpeg/ffprobe are not on PATH, so MP4s cannot be encoded or read back; install ffmpeg (scripts/test.sh does).";
    }
}
