using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TrpoEdge.Hardware.Tests.Firmware;

/// <summary>Builds the AVR firmware with avr-gcc and runs the host build of its codec against
/// PROTOCOL.md's examples (scripts/test.sh installs gcc-avr, avr-libc and binutils-avr).</summary>
public sealed partial class FirmwareBuildTests
{
    private static (int Code, string Output) Make(string buildDir, params string[] targets)
    {
        var psi = new ProcessStartInfo("make")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "-C", RepoPaths.Firmware, $"BUILD={buildDir}" }.Concat(targets)) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("could not start make");
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(180_000)) { p.Kill(true); return (-1, output + "\n(timed out)"); }
        return (p.ExitCode, output + err.Result);
    }

    [Fact]
    public void The_firmware_builds_for_the_atmega328p_and_its_codec_passes_the_byte_exact_examples()
    {
        string build = Path.Combine(Path.GetTempPath(), "trpoedge-fw-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int code, string output) = Make(build, "all", "host-test");
            Assert.True(code == 0, $"make -C hardware/firmware all host-test failed ({code}). If avr-gcc is missing: apt-get install gcc-avr avr-libc binutils-avr.\n{output}");
            Assert.Matches(@"OK: \d+ checks, 0 failures, 7 examples", output);
            Assert.True(File.Exists(Path.Combine(build, "rig.hex")));

            // avr-size: text data bss. Flash is 32 KiB less the 512-byte bootloader, RAM 2 KiB with room for the stack.
            Match m = SizeLine().Match(output);
            Assert.True(m.Success, output);
            int text = int.Parse(m.Groups[1].Value), data = int.Parse(m.Groups[2].Value), bss = int.Parse(m.Groups[3].Value);
            Assert.InRange(text + data, 1000, 32 * 1024 - 512);
            Assert.InRange(data + bss, 100, 1536);
        }
        finally
        {
            if (Directory.Exists(build)) Directory.Delete(build, true);
        }
    }

    [GeneratedRegex(@"^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+[0-9a-f]+\s+\S*rig\.elf", RegexOptions.Multiline)]
    private static partial Regex SizeLine();
}
