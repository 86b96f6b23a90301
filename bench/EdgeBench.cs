using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter;

namespace TrpoEdge.Bench;

/// <summary><c>bench edge [runs] [publishDir] [--x64-only]</c>: the runtime as it ships to a board, published four
/// ways — x64 and arm64, each self-contained JIT and NativeAOT (scripts/publish-edge.sh) — and run <c>runs</c> times
/// each on a [64,64] Pendulum policy for 5 episodes (1,000 steps); <c>--x64-only</c> leaves out the two arm64 variants
/// (minutes under qemu). Per variant: size on disk (folder, and the executable beside the native libraries), exec →
/// first action (the runtime's <c>first_action_utc</c> minus the time just before the process was started; minimum
/// and median over runs: on a shared machine the minimum is the least disturbed run), inference p50/p99 (the
/// runtime's own histogram; median over runs), peak RSS (VmHWM) on x64, and the 1-minute load average while the
/// variant ran. The variants' runs are interleaved (run i of every variant, then run i + 1), so a burst of load on the
/// machine hits them all alike. arm64 runs under qemu-user (scripts/qemu-arm64.sh), so its times are emulation's, not a
/// board's, and its RSS would be qemu's (not shown). The x64 JIT build is the baseline for the ratios.</summary>
public static class EdgeBench
{
    private sealed record Variant(string Name, string Rid, bool Aot, string Folder, string Executable);

    public static int Run(string[] args)
    {
        bool x64Only = args.Contains("--x64-only");
        args = args.Where(a => a != "--x64-only").ToArray();
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        string root = FindRoot();
        string dir = args.Length > 1 ? Path.GetFullPath(args[1]) : Path.Combine(root, "out", "bench-edge");
        Directory.CreateDirectory(dir);
        Console.WriteLine($"edge bench: {runs} runs per variant, 5 episodes each; {Environment.ProcessorCount} logical CPUs; load {Load()}");
        Console.WriteLine("(machine load inflates every figure; compare ratios within this run)");

        string ckptPath = Path.Combine(dir, "policy.safetensors"), model = Path.Combine(dir, "policy.onnx");
        RuntimeBench.Checkpoint([64, 64]).Save(ckptPath);
        PolicyExporter.Export(ckptPath, model, overwrite: true);

        var variants = new List<Variant>();
        foreach (string rid in x64Only ? new[] { "linux-x64" } : new[] { "linux-x64", "linux-arm64" })
        {
            string jit = Path.Combine(dir, "jit-" + rid);
            Publish(root, "dotnet", ["publish", "runtime/cli/TrpoEdge.Runtime.Cli.csproj", "-c", "Release", "-r", rid, "--self-contained",
                "-p:DebugType=none", "-o", jit, "--nologo", "-v", "q", "-clp:ErrorsOnly"]);
            variants.Add(new Variant($"{rid} JIT (self-contained)", rid, false, jit, Path.Combine(jit, "runtime")));
            Publish(root, "bash", [Path.Combine(root, "scripts", "publish-edge.sh"), rid, dir]);
            string aot = Path.Combine(dir, "trpoedge-runtime-" + rid);
            variants.Add(new Variant($"{rid} NativeAOT", rid, true, aot, Path.Combine(aot, "runtime")));
        }

        // Interleaved: run i of every variant, then run i + 1.
        var results = variants.ToDictionary(v => v, _ => (Starts: new List<double>(), P50: new List<double>(), P99: new List<double>(), Rss: new List<double>(), Load: new List<double>()));
        for (int i = 0; i < runs; i++)
        {
            foreach (Variant v in variants)
            {
                var r = results[v];
                string json = Path.Combine(dir, $"summary-{v.Rid}-{(v.Aot ? "aot" : "jit")}-{i}.json");
                r.Load.Add(Load1());
                var (startMs, peakKb) = RunOnce(root, v, model, json);
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
                r.Starts.Add(startMs);
                r.P50.Add(doc.RootElement.GetProperty("latency_p50_us").GetDouble());
                r.P99.Add(doc.RootElement.GetProperty("latency_p99_us").GetDouble());
                if (peakKb > 0) r.Rss.Add(peakKb / 1024.0);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"variant",-30} {"folder MiB",10} {"exe MiB",8} {"1st action ms min / med",24} {"p50 µs",8} {"p99 µs",8} {"peak RSS MB",12} {"start vs JIT",13} {"load",6}");
        double? baseStart = null;
        string? baseline = null;
        foreach (Variant v in variants)
        {
            var r = results[v];
            double start = Median(r.Starts), min = r.Starts.Min();
            if (v.Rid == "linux-x64" && !v.Aot) { baseStart = start; baseline = v.Name; }
            string ratio = v.Rid == "linux-x64" && baseStart is double b ? $"{start / b,12:F2}x" : $"{"(qemu)",13}";
            Console.WriteLine($"{v.Name,-30} {FolderMiB(v.Folder),10:F1} {new FileInfo(v.Executable).Length / 1048576.0,8:F1} {$"{min:F0} / {start:F0}",24} "
                + $"{Median(r.P50),8:F1} {Median(r.P99),8:F1} {(r.Rss.Count > 0 ? Median(r.Rss).ToString("F0", CultureInfo.InvariantCulture) : "(qemu)"),12} {ratio} {Median(r.Load),6:F1}");
        }
        Console.WriteLine($"baseline for ratios: {baseline}. Goals (x64 NativeAOT): executable <= 10 MB besides ONNX Runtime, first action <= 100 ms, "
            + "peak RSS <= 50 MB, inference no slower than JIT.");
        return 0;
    }

    /// <summary>One run; returns exec → first action in ms and the last VmHWM sample (kB, 0 under qemu).</summary>
    private static (double StartMs, long PeakKb) RunOnce(string root, Variant v, string model, string json)
    {
        bool qemu = v.Rid == "linux-arm64" && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.Arm64;
        var psi = new ProcessStartInfo(qemu ? "bash" : v.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        if (qemu)
        {
            psi.ArgumentList.Add(Path.Combine(root, "scripts", "qemu-arm64.sh"));
            psi.ArgumentList.Add(v.Executable);
        }
        foreach (string a in new[] { "--model", model, "--sim", "Pendulum-v1", "--episodes", "5", "--summary-json", json }) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        DateTime before = DateTime.UtcNow;
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {v.Executable}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        string status = $"/proc/{p.Id}/status";
        while (!p.HasExited)
        {
            if (!qemu) peak = Math.Max(peak, ReadHwm(status));
            Thread.Sleep(1);
        }
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{v.Name} exited {p.ExitCode}: {stdout.Result}{stderr.Result}");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        DateTime first = DateTime.Parse(doc.RootElement.GetProperty("first_action_utc").GetString()!, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return ((first - before).TotalMilliseconds, peak);
    }

    private static long ReadHwm(string status)
    {
        try
        {
            foreach (string line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return 0;
    }

    private static void Publish(string root, string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{output}");
    }

    private static double FolderMiB(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0;

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs.Count == 0 ? double.NaN : xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
    }

    private static double Load1()
    {
        string load = Load();
        return load == "n/a" ? double.NaN : double.Parse(load.Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string Load()
    {
        try { return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a"; }
        catch (IOException) { return "n/a"; }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "TrpoEdge.sln"))) return d.FullName;
        throw new InvalidOperationException($"No TrpoEdge.sln above {AppContext.BaseDirectory}.");
    }
}
