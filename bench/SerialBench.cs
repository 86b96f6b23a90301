using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Wire;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Serial;

namespace TrpoEdge.Bench;

/// <summary><c>bench serial [seconds]</c>: the serial link between runtime and rig over a real pty.
/// Starts <c>rig-emulator</c> as a separate process (as in use) and drives it through
/// <see cref="SerialPlant"/> over each port implementation side by side — the own termios port and
/// System.IO.Ports: lockstep (the rig answers each ACTION at once: the link's own ceiling) and timed at
/// 100 Hz and 1 kHz (round trips include waiting for the rig's tick); round trip p50/p99 and managed
/// bytes per round trip.
/// Baseline, same run: the same STATE/ACTION exchange through the codec in memory. Also printed:
/// what one exchange costs on a real 115 200-baud UART.</summary>
public static class SerialBench
{
    public static int Run(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2.0;
        string root = FindRoot();
        string emulator = Path.Combine(root, "hardware", "emulator", "bin", "Release", "net10.0", "rig-emulator.dll");
        if (!File.Exists(emulator))
        {
            Console.Error.WriteLine($"bench serial: {emulator} not found; build it first: dotnet build hardware/emulator -c Release");
            return 2;
        }
        string rig = Path.Combine(root, "hardware", "rigs", "direct-drive.yaml");
        Console.WriteLine($"serial bench: {Environment.ProcessorCount} logical CPUs, {seconds:F1} s per case, .NET {Environment.Version}, pty + rig-emulator process");

        double codecRate = CodecExchanges(seconds);
        double codecNs = 1e9 / codecRate;
        // STATE (3 obs) 31 bytes + COBS 1 + delimiter 1; ACTION (1 cmd) 14 + 2; 10 bits per byte on the wire.
        int stateWire = WireLength(new StateMessage(0, 0, 0, 0, new float[3])), actionWire = WireLength(new ActionMessage(0, new float[1]));
        double uartNs = (stateWire + actionWire) * 10 / 115200.0 * 1e9;

        Console.WriteLine($"{"case",-52} {"exchanges/s",12} {"RTT p50",10} {"RTT p99",10} {"missed",7} {"B/RT",8} {"vs codec",10}");
        Console.WriteLine($"{"codec only, in memory (baseline)",-52} {codecRate,12:N0} {Ms(codecNs),10} {"",10} {"",7} {"",8} {1.0,9:F1}x");
        Console.WriteLine($"{$"UART 115200 baud, {stateWire}+{actionWire} B on the wire",-52} {1e9 / uartNs,12:N0} {Ms(uartNs),10} {"",10} {"",7} {"",8} {uartNs / codecNs,9:F0}x");
        var lockstepP50 = new Dictionary<SerialPortImplementation, double>();
        foreach ((string name, string[] extra) in new[]
        {
            ("lockstep rig (link ceiling)", new[] { "--lockstep" }),
            ("timed rig at 100 Hz", new[] { "--set", "control.period=0.01" }),
            ("timed rig at 1 kHz", new[] { "--set", "control.period=0.001" }),
        })
        {
            foreach (SerialPortImplementation impl in new[] { SerialPortImplementation.Termios, SerialPortImplementation.SystemIOPorts })
            {
                LinkResult r = Link(emulator, rig, extra, seconds, impl);
                if (extra[0] == "--lockstep") lockstepP50[impl] = r.RoundTrip.Percentile(0.5);
                string label = $"pty, {(impl == SerialPortImplementation.Termios ? "termios" : "System.IO.Ports")}, {name}";
                Console.WriteLine($"{label,-52} {r.Rate,12:N0} {Ms(r.RoundTrip.Percentile(0.5)),10} {Ms(r.RoundTrip.Percentile(0.99)),10} {r.Missed,7} {r.BytesPerRoundTrip,8:N0} {r.RoundTrip.Percentile(0.5) / codecNs,9:F0}x");
            }
        }
        Console.WriteLine("RTT: SerialPlant.Step, from writing an ACTION to reading the STATE that acknowledges it; B/RT: managed bytes allocated per");
        Console.WriteLine("round trip by the whole process (System.IO.Ports reads and writes through its own I/O thread); 'vs codec': RTT p50 / in-memory exchange.");
        double ratio = lockstepP50[SerialPortImplementation.SystemIOPorts] / lockstepP50[SerialPortImplementation.Termios];
        Console.WriteLine($"lockstep RTT p50, System.IO.Ports / termios: {ratio:F1}x -> on Linux and macOS the default stays "
            + (ratio <= 2 ? "termios, though System.IO.Ports is within 2x: consider switching" : "termios (System.IO.Ports would have to come within 2x)"));
        return 0;
    }

    private static string Ms(double ns) => double.IsNaN(ns) ? "-" : (ns / 1e6).ToString("F3", CultureInfo.InvariantCulture) + " ms";

    private static int WireLength<T>(T m) where T : IWireMessage => FrameEncoder.Encode(m, 0, new byte[WireProtocol.MaxWireLength]);

    /// <summary>STATE encode → decode → ACTION encode → decode, in memory: what the link costs without the link.</summary>
    private static double CodecExchanges(double seconds)
    {
        var rigEnc = new FrameEncoder();
        var hostEnc = new FrameEncoder();
        var hostDec = new FrameDecoder();
        var rigDec = new FrameDecoder();
        float[] obs = [1f, 0f, 0.5f], obsIn = new float[16], cmd = [0.1f], cmdIn = new float[8];
        long n = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 10_000; i++)
            {
                ReadOnlySpan<byte> s = rigEnc.Encode(new StateMessage((uint)i, 0, StateFlags.None, -1f, obs));
                hostDec.TryDecode(ref s, out Frame f);
                f.ReadState(obsIn);
                ReadOnlySpan<byte> a = hostEnc.Encode(new ActionMessage(f.Sequence, cmd));
                rigDec.TryDecode(ref a, out Frame g);
                g.ReadAction(cmdIn);
            }
            n += 10_000;
        }
        return n / sw.Elapsed.TotalSeconds;
    }

    private readonly record struct LinkResult(double Rate, LatencyHistogram RoundTrip, long Missed, double BytesPerRoundTrip);

    private static LinkResult Link(string emulator, string rig, string[] extra, double seconds, SerialPortImplementation impl)
    {
        string link = Path.Combine(Path.GetTempPath(), $"trpoedge-bench-rig-{Environment.ProcessId}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { emulator, "--rig", rig, "--pty", link }.Concat(extra)) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        try
        {
            string? line = p.StandardOutput.ReadLine(); // "virtual rig ... on /dev/pts/N ..." once the pty exists
            if (line is null || !File.Exists(link)) throw new InvalidOperationException($"rig-emulator did not start: {line} {p.StandardError.ReadToEnd()}");
            ISerialPort port = SerialPort.Open(link, 115200, impl);
            using var plant = new SerialPlant(port);
            float[] obs = new float[3], act = new float[1];
            plant.Reset(1, obs);
            for (int i = 0; i < 200; i++) plant.Step(act, obs); // warm-up, then measure a fresh session
            plant.Reset(2, obs);
            SerialLinkStats before = plant.LinkStats;
            var roundTrip = new LatencyHistogram();
            double nsPerTick = 1e9 / Stopwatch.Frequency;
            long steps = 0;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                act[0] = Math.Clamp(obs[2] * obs[0], -1f, 1f);
                long t0 = Stopwatch.GetTimestamp();
                plant.Step(act, obs);
                roundTrip.Record((long)((Stopwatch.GetTimestamp() - t0) * nsPerTick));
                steps++;
            }
            double rate = steps / sw.Elapsed.TotalSeconds;
            double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)steps;
            SerialLinkStats s = plant.LinkStats;
            return new LinkResult(rate, roundTrip, s.MissedStates - before.MissedStates + s.SkippedStates - before.SkippedStates, bytes);
        }
        finally
        {
            if (!p.HasExited) { p.Kill(); p.WaitForExit(5000); }
        }
    }

    private static string FindRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "TrpoEdge.sln"))) return d.FullName;
        throw new InvalidOperationException("Run bench from the repository (TrpoEdge.sln not found above the working directory).");
    }
}
