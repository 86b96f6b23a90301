using FFMpegCore.Pipes;

namespace TrpoEdge.Trainer.Video;

/// <summary>One packed 8-bit RGB frame for FFMpegCore's raw-video pipe; the buffer is reused for every frame.</summary>
internal sealed class Rgb24Frame(int width, int height) : IVideoFrame
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public string PixelFormat => "rgb24";
    public byte[] Pixels { get; } = new byte[width * height * 3];

    public void Serialize(Stream pipe) => pipe.Write(Pixels, 0, Pixels.Length);

    public Task SerializeAsync(Stream pipe, CancellationToken token) => pipe.WriteAsync(Pixels, 0, Pixels.Length, token);
}
