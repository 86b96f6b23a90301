using Spectre.Console;

namespace TrpoEdge.Trainer.Cli;

/// <summary>Turns the exceptions a user can cause (bad flags, missing files, refused checkpoints) into one red
/// line and exit code 2, instead of a stack trace; anything else is a bug and keeps its trace.</summary>
internal static class CliErrors
{
    public const int BadInput = 2;

    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return BadInput;
        }
        catch (Video.VideoException e)
        {
            // ffmpeg refused to encode (e.g. an unwritable path): its reason in one line, not a stack trace.
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
