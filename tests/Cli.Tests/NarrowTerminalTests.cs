using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TrpoEdge.Cli.Tests;

/// <summary>The live progress on a real terminal 80 columns wide: util-linux's <c>script</c> gives the trainer a
/// pseudo-terminal (so Spectre draws its live bar, as for a user), <c>stty cols 80</c> sets its width, and the frames
/// it drew are read back from the transcript.</summary>
public sealed partial class NarrowTerminalTests
{
    [Fact]
    public async Task At_80_columns_each_progress_frame_keeps_bar_percentage_and_eta_on_one_line()
    {
        using var dir = new TempDir();
        string command = $"stty cols 80 rows 24; dotnet '{Programs.Dll("trainer")}' train --env CartPole-v1 --total-steps 8192 " +
                         $"--out '{dir.File("run")}' --set video_every=0";
        var psi = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-qfec", command, "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process p = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        string transcript = await p.StandardOutput.ReadToEndAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, transcript);

        // Colours and cursor visibility are dropped; a cursor move or erase starts a new frame line.
        string text = CursorMove().Replace(Style().Replace(transcript, ""), "\n");
        string[] frames = [.. text.Split('\r', '\n').Where(l => l.Contains('%') && l.Contains('━'))];
        Assert.NotEmpty(frames);
        foreach (string frame in frames)
        {
            Assert.True(frame.TrimEnd().Length <= 80, $"a frame is wider than the terminal: '{frame}'");
            Assert.Matches(@"\d+%\s+(\d\d|--):(\d\d|--):(\d\d|--)", frame); // percentage and ETA beside the bar, not wrapped away
        }
        Assert.Contains(frames, f => f.Contains("100%"));
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m|\x1b\[\?25[lh]")]
    private static partial Regex Style();

    [GeneratedRegex(@"\x1b\[[0-9]*[ABCDEFGJK]")]
    private static partial Regex CursorMove();
}
