using Spectre.Console;

namespace TrpoEdge.Common;

/// <summary>How the programs print: styled and sized to the terminal when stdout is one; plain text — no ANSI
/// codes, no wrapping at an assumed 80 columns — when it is redirected to a file, a pipe or a CI log. Compiled
/// into each program (trainer, exporter, runtime), called first thing in Main.</summary>
internal static class TerminalProfile
{
    /// <summary>Wide enough that a redirected table or message is never folded; lines are as long as their content.</summary>
    private const int RedirectedWidth = 400;

    public static void Apply()
    {
        if (!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null) return;
        bool redirected = Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected) console.Profile.Width = RedirectedWidth;
        AnsiConsole.Console = console;
    }
}
