using System.Text.Json;
using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Cli;

namespace TrpoEdge.Trainer.Cli;

/// <summary>Turns the exceptions a user can cause (bad flags, missing, unreadable or damaged files, refused
/// checkpoints and stores) into one red line on stderr and exit code 2, instead of a stack trace; anything else is
/// a bug and keeps its trace (exit 1).</summary>
internal static class CliErrors
{
    public const int BadInput = ExitCodeTable.BadInput;
    /// <summary>Stopped by Ctrl-C or SIGTERM after saving (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = ExitCodeTable.Interrupted;

    public static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Report(e);
            return BadInput;
        }
    }

    public static void Report(Exception e)
    {
        string prefix = e is SqliteException ? "the trajectory store could not be read: " : "";
        // Plain text on stderr: one line however narrow the terminal or wherever it is redirected.
        Console.Error.WriteLine($"trainer: error: {prefix}{ErrorText.OneLine(e)}");
    }

    private static bool IsUserError(Exception e) => e is ArgumentException or FormatException or IOException or UnauthorizedAccessException
        or InvalidDataException or NotSupportedException or SqliteException or JsonException or OverflowException
        or YamlDotNet.Core.YamlException;
}
