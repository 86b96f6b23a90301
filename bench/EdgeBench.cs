using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter;

namespace TrpoEdge.Bench;

/// <summary><c>bench edge [runs] [publishDir]</c>: the runtime as it ships to a board, published four ways — x64 and
/// arm64, each self-contained JIT and NativeAOT (scripts/publish-edge.sh) — and run <c>runs</c> times each on a
/// [64,64] Pendulum policy for 5 episodes (1,000 steps). Per variant: size on disk (folder, and the executable beside
/// the native libraries), exec → first action (the runtime's <c>first_action_utc</c> minus the time just before the
/// process was started; median over runs), inference p50/p99 (the runtime's own histogram; median over runs), and
/// peak RSS (VmHWM) on x64. arm64 runs under qemu-user (scripts/qemu-arm64.sh), so its times are emulation's, not a
/// board's, and its RSS would be qemu's (not shown). The x64 JIT build is the baseline for the ratios.</summary>
public static class EdgeBench
{
    private sealed record Variant(string Name, string Rid, bool Aot, string Folder, string Executable);

    public static int Run(string[] args)
    {
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
        foreach (string rid in new[] { "linux-x64", "linux-arm64" })
        {
            string jit = Path.Combine(dir, "jit-" + rid);
            Publish(root, "dotnet", ["publish", "runtime/cli/TrpoEdge.Runtime.Cli.csproj", "-c", "Release", "-r", rid, "--self-contained",
                "-p:DebugType=none", "-o", jit, "--nologo", "-v", "q", "-clp:ErrorsOnly"]);
            variants.Add(new Variant($"{rid} JIT (self-contained)", rid, false, jit, Path.Combine(jit, "runtime")));
            Publish(root, "bash", [Path.Combine(root, "scripts", "publish-edge.sh"), rid, dir]);
            string aot = Path.Combine(dir, "trpoedge-runtime-" + rid);
            variants.Add(new Variant($"{rid} NativeAOT", rid, true, aot, Path.Combine(aot, "runtime")));
        }

        Console.WriteLine();
        Console.WriteLine($"{"variant",-30} {"folder MiB",10} {"exe MiB",8} {"1st action ms",14} {"p50 µs",8} {"p99 µs",8} {"peak RSS MB",12} {"start vs JIT",13}");
        double? baseStart = null;
        string? baseline = null;
        foreach (Variant v in variants)
        {
            var starts = new List<double>();
            var p50s = new List<double>();
            var p99s = new List<double>();
            var rss = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                string json = Path.Combine(dir, $"summary-{v.Rid}-{(v.Aot ? "aot" : "jit")}-{i}.json");
                var (startMs, peakKb) = RunOnce(root, v, model, json);
                using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
                starts.Add(startMs);
                p50s.Add(doc.RootElement.GetProperty("latency_p50_us").GetDouble());
                p99s.Add(doc.RootElement.GetProperty("latency_p99_us").GetDouble());
                if (peakKb > 0) rss.Add(peakKb / 1024.0);
            }
            double start = Median(starts);
            if (v.Rid == "linux-x64" && !v.Aot) { baseStart = start; baseline = v.Name; }
            string ratio = v.Rid == "linux-x64" && baseStart is double b ? $"{start / b,12:F2}x" : $"{"(qemu)",13}";
            Console.WriteLine($"{v.Name,-30} {FolderMiB(v.Folder),10:F1} {new FileInfo(v.Executable).Length / 1048576.0,8:F1} {start,14:F0} "
                + $"{Median(p50s),8:F1} {Median(p99s),8:F1} {(rss.Count > 0 ? Median(rss).ToString("F0", CultureInfo.InvariantCulture) : "(qemu)"),12} {ratio}");
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
