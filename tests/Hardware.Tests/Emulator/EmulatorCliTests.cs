using System.Diagnostics;
using TrpoEdge.Core.Wire;
using TrpoEdge.Emulator;
using TrpoEdge.Runtime.Plants;

namespace TrpoEdge.Hardware.Tests.Emulator;

[Collection(TimingSensitive.Name)]
public sealed class EmulatorCliTests
{
    [Fact]
    public void The_cli_serves_a_rig_on_a_linked_pty_and_stops_cleanly_on_sigterm()
    {
        string link = EmulatorProcess.TempLink("rig");
        using Process p = EmulatorProcess.StartEmulator("--rig", EmulatorHarness.RigFile, "--pty", link, "--lockstep", "--id", "cli-rig");
        try
        {
            string? first = p.StandardOutput.ReadLine();
            Assert.NotNull(first);
            Assert.Contains("virtual rig 'cli-rig' (direct-drive) on /dev/pts/", first);
            Assert.StartsWith("/dev/pts/", new FileInfo(link).LinkTarget);

            using (var plant = SerialPlant.Open(link, 115200))
            {
                Assert.Equal("cli-rig", plant.Handshake.RigId);
                float[] obs = new float[3];
                plant.Reset(4, obs);
                for (int i = 0; i < 10; i++) plant.Step([0.5f], obs);
            }
            EmulatorProcess.Signal(p, "TERM");
            Assert.True(p.WaitForExit(10_000), "rig-emulator did not stop on SIGTERM");
            string rest = p.StandardOutput.ReadToEnd();
            Assert.Equal(0, p.ExitCode);
            Assert.Contains("10 actions applied", rest);
            Assert.False(File.Exists(link) || new FileInfo(link).LinkTarget is not null, "the link was left behind");
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }

    [Fact]
    public void An_unknown_option_exits_2_with_the_usage()
    {
        using Process p = EmulatorProcess.StartEmulator("--rig", EmulatorHarness.RigFile, "--bogus");
        Assert.True(p.WaitForExit(10_000));
        Assert.Equal(2, p.ExitCode);
        string err = p.StandardError.ReadToEnd();
        Assert.Contains("'--bogus'", err);
        Assert.Contains("Usage: rig-emulator", err);
    }

    /// <summary>A host in its own process — a small Python program that opens the port, says HELLO and
    /// sends one ACTION every 10 ms — is SIGKILLed mid-episode; the rig must zero its motor within the
    /// watchdog period of the last ACTION it got.</summary>
    [Fact]
    public void Sigkilling_a_host_process_mid_episode_zeroes_the_motor_within_the_watchdog_period()
    {
        using var rig = new EmulatorHarness(new EmulatorOptions { WatchdogMs = 100 }, ("control.period", 0.01));
        var frames = new List<string> { Hex(new HelloMessage(3), 0) };
        for (int i = 1; i <= 3000; i++) frames.Add(Hex(new ActionMessage((ushort)i, new[] { 0.5f }), (ushort)i));
        string script = """
            import os, sys, termios, time, tty
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            tty.setraw(fd)
            frames = [bytes.fromhex(l) for l in sys.stdin.read().split()]
            os.write(fd, b"\x00" + frames[0])
            print("started", flush=True)
            for f in frames[1:]:
                time.sleep(0.01)
                os.write(fd, f)
                try:
                    os.read(fd, 4096)
                except BlockingIOError:
                    pass
            """;
        var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(rig.Port);
        using Process host = Process.Start(psi) ?? throw new InvalidOperationException("python3 is needed for this test (scripts/test.sh installs it)");
        try
        {
            host.StandardInput.Write(string.Join("\n", frames));
            host.StandardInput.Close();
            Assert.Equal("started", host.StandardOutput.ReadLine());
            var sw = Stopwatch.StartNew();
            while (rig.Rig.Stats.ActionsApplied < 20 && sw.ElapsedMilliseconds < 10_000) Thread.Sleep(5);
            Assert.Equal(0.5f, rig.Rig.AppliedCommand);
            Assert.False(rig.Rig.WatchdogTripped);

            long killed = Stopwatch.GetTimestamp();
            host.Kill(); // SIGKILL: no STOP, no cleanup
            host.WaitForExit();
            sw.Restart();
            while (!rig.Rig.WatchdogTripped && sw.ElapsedMilliseconds < 3000) Thread.Sleep(1);

            Assert.True(rig.Rig.WatchdogTripped);
            Assert.Equal(0f, rig.Rig.AppliedCommand);
            double afterLastAction = (rig.Rig.LastWatchdogTripTimestamp - rig.Rig.LastValidActionTimestamp) * 1000.0 / Stopwatch.Frequency;
            double afterKill = (rig.Rig.LastWatchdogTripTimestamp - killed) * 1000.0 / Stopwatch.Frequency;
            Assert.InRange(afterLastAction, 100, 140); // checked every millisecond; 40 ms for a loaded machine
            Assert.True(afterKill <= 140, $"motor zeroed {afterKill:F1} ms after the kill");
            Assert.Equal(0, rig.Rig.Stats.BadActions);
        }
        finally
        {
            if (!host.HasExited) host.Kill();
        }
    }

    private static string Hex<T>(T message, ushort seq) where T : IWireMessage
    {
        var buf = new byte[WireProtocol.MaxWireLength];
        return Convert.ToHexString(buf, 0, FrameEncoder.Encode(message, seq, buf));
    }
}
