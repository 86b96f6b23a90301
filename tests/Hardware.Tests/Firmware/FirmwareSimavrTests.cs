using System.Diagnostics;
using TrpoEdge.Core.Wire;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Serial;
using TrpoEdge.Sim;

namespace TrpoEdge.Hardware.Tests.Firmware;

/// <summary>The real firmware binary (build/rig.elf) running in simavr with its UART on a pty, driven by
/// the runtime's serial code: the C and C# codecs meet on a wire, and the firmware's own watchdog and
/// clamp are observed from outside. Needs libsimavr-dev (scripts/test.sh installs it).</summary>
[Collection(TimingSensitive.Name)]
public sealed class FirmwareSimavrTests
{
    private sealed class SimulatedBoard : IDisposable
    {
        private readonly string _build = Path.Combine(Path.GetTempPath(), "trpoedge-simavr-" + Guid.NewGuid().ToString("N"));
        private readonly Process _process;

        public SimulatedBoard()
        {
            var make = Process.Start(new ProcessStartInfo("make", $"-C {RepoPaths.Firmware} BUILD={_build} all simavr-rig")
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string makeOut = make.StandardOutput.ReadToEnd() + make.StandardError.ReadToEnd();
            make.WaitForExit();
            Assert.True(make.ExitCode == 0, $"make simavr-rig failed (apt-get install libsimavr-dev):\n{makeOut}");
            _process = Process.Start(new ProcessStartInfo(Path.Combine(_build, "simavr_rig"), Path.Combine(_build, "rig.elf"))
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string? line;
            while ((line = _process.StandardOutput.ReadLine()) is not null && !line.StartsWith("simavr-rig pty: ", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            Port = line!["simavr-rig pty: ".Length..];
        }

        public string Port { get; }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
            _process.Dispose();
            if (Directory.Exists(_build)) Directory.Delete(_build, true);
        }
    }

    [Fact]
    public void The_firmware_in_simavr_hands_shake_and_streams_states_to_the_serial_plant()
    {
        using var board = new SimulatedBoard();
        using var plant = SerialPlant.Open(board.Port, 115200, new SerialPlantOptions { HandshakeTimeout = TimeSpan.FromSeconds(2), ExpectedControlPeriod = 0.05 });
        HandshakeMessage h = plant.Handshake;
        // rig_config.h, which mirrors hardware/rigs/direct-drive.yaml
        Assert.Equal(("direct-drive-01", 3, 1, 50_000u, (ushort)200), (h.RigId, h.ObservationDim, h.ActionDim, h.ControlPeriodUs, h.WatchdogMs));
        Assert.Equal([-1f], h.ActionLow);
        Assert.Equal([1f], h.ActionHigh);
        Assert.Equal(20f, h.VelocityLimit);
        Assert.True(float.IsPositiveInfinity(h.AngleLimit));

        float[] obs = new float[3];
        plant.Reset(1, obs);
        for (int i = 0; i < 10; i++)
        {
            StepResult r = plant.Step([0.5f], obs);
            // Encoder at rest: theta = pi (hanging), no velocity; cost pi^2 + 0.001 (2 * 0.5)^2 once the command is held.
            Assert.Equal(-1f, obs[0], 5);
            Assert.Equal(0f, obs[1], 5);
            Assert.Equal(0f, obs[2]);
            Assert.InRange(r.Reward, -(Math.PI * Math.PI) - 0.0011, -(Math.PI * Math.PI) + 1e-4);
        }
        Assert.Equal(0, plant.LinkStats.Decoder.Dropped);
    }

    [Fact]
    public void The_firmware_clips_commands_ignores_garbage_and_zeroes_the_motor_when_actions_stop()
    {
        using var board = new SimulatedBoard();
        using ISerialPort port = SerialPort.Open(board.Port, 115200);
        var encoder = new FrameEncoder();
        var decoder = new FrameDecoder();
        var buffer = new byte[1024];
        var obs = new float[16];
        var seen = new List<(MessageType Type, ushort Seq, StateFlags Flags, FaultCode Fault)>();

        void ReadFor(int ms)
        {
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < ms)
            {
                ReadOnlySpan<byte> input = buffer.AsSpan(0, port.Read(buffer, TimeSpan.FromMilliseconds(10)));
                while (decoder.TryDecode(ref input, out Frame f))
                    seen.Add((f.Type, f.Sequence, f.Type == MessageType.State ? f.ReadState(obs).Flags : 0, f.Type == MessageType.Fault ? f.ReadFault().Code : 0));
            }
        }
        ushort LastState() => seen.Last(s => s.Type == MessageType.State).Seq;

        void Feed(int count, float value)
        {
            for (int k = 0; k < count; k++)
            {
                port.Write(encoder.Encode(new ActionMessage(LastState(), new[] { value })));
                ReadFor(50);
            }
        }

        port.Write([0, .. encoder.Encode(new HelloMessage(0))]);
        ReadFor(100);
        Assert.Equal(MessageType.Handshake, seen[0].Type);
        Assert.Contains(seen, s => s.Type == MessageType.State);

        // An out-of-range command: applied clipped, and a following STATE says so.
        Feed(3, 5f);
        Assert.Contains(seen, s => s.Type == MessageType.State && (s.Flags & StateFlags.Clipped) != 0);

        // Garbage (no zero bytes, then a delimiter) is dropped silently; valid ACTIONs keep the watchdog fed.
        // 500 bytes are 43 ms of line time at 115200 baud: more would hold the next ACTIONs back past the
        // 200 ms watchdog, which then (correctly) trips.
        var garbage = new byte[500];
        new Random(3).NextBytes(garbage);
        for (int i = 0; i < garbage.Length; i++) garbage[i] |= 1;
        port.Write([.. garbage, 0]);
        Feed(6, 0.25f);
        int before = seen.Count;
        Assert.DoesNotContain(seen, s => s.Type == MessageType.Fault);
        Assert.DoesNotContain(seen, s => (s.Flags & (StateFlags.Watchdog | StateFlags.EStop)) != 0);

        // The host goes quiet: within the 200 ms watchdog the firmware zeroes the motor and says so.
        ReadFor(600);
        var after = seen.Skip(before).ToList();
        Assert.Contains(after, s => s.Type == MessageType.Fault && s.Fault == FaultCode.Watchdog);
        Assert.Contains(after, s => s.Type == MessageType.State && (s.Flags & StateFlags.Watchdog) != 0);
        int firstFlagged = after.FindIndex(s => (s.Flags & StateFlags.Watchdog) != 0);
        // at 20 Hz, 200 ms is 4 periods: the first flagged STATE comes no later than the 5th after going quiet
        Assert.InRange(after.Take(firstFlagged).Count(s => s.Type == MessageType.State), 2, 5);
    }
}
