using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using TrpoEdge.Core.Cli;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Files;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using Microsoft.ML.OnnxRuntime;
using TrpoEdge.Runtime.Inference;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Serial;

namespace TrpoEdge.Runtime.Cli;

/// <summary><c>runtime --model policy.onnx --sim ENV [--rig FILE] [--perturb KEY=VALUE ...] [--episodes N]
/// [--explore] [--seed N] [--log field.db] [--rate HZ] [--randomize]</c>. The plant is chosen by one of the
/// plant options — <c>--sim</c>/<c>--rig</c> (simulated), <c>--port</c> (a serial rig) or <c>--mqtt</c> (a networked
/// rig) — each an <see cref="IPlant"/> behind the same control loop.</summary>
public sealed class RuntimeCommand
{
    private readonly RootCommand _root;
    private readonly Option<string> _model = new("--model") { Description = "The exported policy model (.onnx).", Required = true };
    // --env is the name trainer train and eval use for the same thing.
    private readonly Option<string?> _sim = new("--sim", "--env")
    {
        Description = $"Drive a simulated plant: {string.Join(", ", TrpoEdge.Sim.EnvRegistry.Ids)}, Rig:<name>, or a rig .yaml file.",
    };
    private readonly Option<string?> _rig = new("--rig") { Description = "A rig file (hardware/rigs/*.yaml) to simulate; implies --sim." };
    private readonly Option<string[]> _perturb = new("--perturb")
    {
        Description = "Change a rig parameter, e.g. --perturb pendulum.mass=1.2 (repeatable): play a 'real' pendulum that differs from the trained one.",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<int> _episodes = new("--episodes") { Description = "Episodes to run.", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _explore = new("--explore")
    {
        Description = "Sample actions from the policy's distribution (seeded) and log their log-probabilities, instead of the deterministic action.",
    };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Episode i resets the plant with seed + i; also seeds exploration.", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _log = new("--log") { Description = "Log every step to this trajectory store (SQLite), for `trainer retrain --from`." };
    private readonly Option<double?> _rate = new("--rate") { Description = "Pace the loop at HZ steps per second in real time (default for --sim: as fast as possible)." };
    private readonly Option<bool> _randomize = new("--randomize") { Description = "Domain randomisation: draw the rig's randomization: ranges every episode." };
    private readonly Option<bool> _allowOtherEnv = new("--allow-other-env")
    {
        Description = "Run a model trained for another environment when its spaces fit (e.g. a Pendulum-v1 policy on a rig): a warning instead of an error.",
    };
    private readonly Option<string> _device = new("--device")
    {
        Description = "Where ONNX Runtime computes the policy: cpu, cuda or cuda:N. CUDA needs a runtime built with -p:OrtGpu=true, "
            + "CUDA 13 (cuBLAS, cudart) and cuDNN 9; without them the runtime exits 6 naming what is missing. Not with --mqtt.",
        DefaultValueFactory = _ => "cpu",
    };
    private readonly Option<int> _threads = new("--threads") { Description = "ONNX Runtime intra-op threads (1 suits a small policy).", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _port = new("--port") { Description = "Drive a real rig (or rig-emulator) on this serial port: COM3 on Windows, /dev/ttyUSB0 or a pty on Linux. Its handshake is checked against the model." };
    private readonly Option<int> _baud = new("--baud") { Description = "Serial baud rate for --port.", DefaultValueFactory = _ => 115200 };
    private readonly Option<bool> _realtime = new("--realtime")
    {
        Description = "Linux: run the loop's thread SCHED_FIFO (--rt-priority), lock memory, wait on absolute deadlines (clock_nanosleep). "
            + "Needs CAP_SYS_NICE or an RLIMIT_RTPRIO; without it one line says what to grant and the loop runs time-shared. Not offered on Windows.",
    };
    private readonly Option<int> _rtPriority = new("--rt-priority") { Description = "SCHED_FIFO priority for --realtime, 1..99.", DefaultValueFactory = _ => 80 };
    private readonly Option<int?> _cpu = new("--cpu") { Description = "Pin the loop's thread to CPU N (Linux), e.g. one kept free of other work." };
    private readonly Option<string?> _summaryJson = new("--summary-json") { Description = "Also write the summary (returns, latency, jitter, faults) as JSON to this file, for scripts." };

    private RuntimeCommand(IAnsiConsole console, TextWriter error)
    {
        Console = console;
        Error = error;
        _root = new RootCommand("Run an exported TrpoEdge policy on a plant at a fixed rate, with a safety layer, and log the steps. "
            + ExitCodes.HelpText);
        foreach (Option o in new Option[] { _model, _sim, _rig, _perturb, _episodes, _explore, _seed, _log, _rate, _randomize, _allowOtherEnv, _threads, _device, _port, _baud, _realtime, _rtPriority, _cpu, _summaryJson })
            _root.Options.Add(o);
        foreach (Option o in MqttMode.Options) _root.Options.Add(o);
        _root.SetAction(Execute);
    }

    private IAnsiConsole Console { get; }
    private TextWriter Error { get; }

    public static RuntimeCommand Create(IAnsiConsole? console = null, TextWriter? error = null) =>
        new(console ?? AnsiConsole.Console, error ?? System.Console.Error);

    public int Run(string[] args)
    {
        ParseResult parsed = _root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) Error.WriteLine($"runtime: {e.Message}");
            Error.WriteLine("Usage: runtime --model policy.onnx --sim Pendulum-v1 [--episodes N] [--explore] [--seed N] [--log field.db] [--rate HZ]  (--help for more)");
            return ExitCodes.BadInput;
        }
        try
        {
            // The library's handler would print a stack trace and exit 1 for a damaged file; the codes are ours.
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            Error.WriteLine($"runtime: ONNX Runtime: {ErrorText.OneLine(e)}");
            return ExitCodes.OnnxRuntimeError;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException
                                      or InvalidDataException or NotSupportedException or Microsoft.Data.Sqlite.SqliteException)
        {
            return Bad(ErrorText.OneLine(e));
        }
        catch (Exception e)
        {
            Error.WriteLine($"runtime: unexpected error (a bug; please report it with this trace): {e}");
            return ExitCodes.Failure;
        }
    }

    private int Execute(ParseResult parsed)
    {
        string modelPath = parsed.GetRequiredValue(_model);
        string? sim = parsed.GetValue(_sim);
        string? rig = parsed.GetValue(_rig);
        string[] perturb = parsed.GetValue(_perturb) ?? [];
        int episodes = parsed.GetValue(_episodes);
        bool explore = parsed.GetValue(_explore);
        ulong seed = parsed.GetValue(_seed);
        string? logPath = parsed.GetValue(_log);
        double? rate = parsed.GetValue(_rate);
        bool randomize = parsed.GetValue(_randomize);
        int threads = parsed.GetValue(_threads);
        bool allowOtherEnv = parsed.GetValue(_allowOtherEnv);
        InferenceDevice device;
        try
        {
            device = InferenceDevice.Parse(parsed.GetValue(_device) ?? "cpu");
        }
        catch (FormatException e)
        {
            return Bad(e.Message);
        }
        if (device.Kind != DeviceKind.Cpu && parsed.GetValue(MqttMode.Mqtt) is not null)
            return Bad($"--device {device} is for --sim, --rig and --port; the --mqtt mode runs its policy on the CPU.");

        if (threads < 0) return Bad($"--threads {threads}: give 0 (ONNX Runtime chooses) or a positive number of threads.");
        ModelFile.Check(modelPath); // before any loader reads it whole
        if (logPath is not null) FilePaths.EnsureNotAnInput("--log", logPath, ("--model", modelPath), ("--rig", rig), ("--summary-json", parsed.GetValue(_summaryJson)));
        if (parsed.GetValue(_summaryJson) is { } json) FilePaths.EnsureNotAnInput("--summary-json", json, ("--model", modelPath), ("--rig", rig));
        if (parsed.GetValue(MqttMode.Mqtt) is { } mqtt) return MqttMode.Execute(parsed, mqtt, modelPath, rig, episodes, explore, seed, logPath, threads, Console, Error);
        string? port = parsed.GetValue(_port);
        if (sim is null && rig is null && port is null)
            return Bad("choose a plant: --sim ENV, --rig FILE, --port DEVICE (a serial rig) or --mqtt URL --rig-id ID.");
        if (port is not null && (sim is not null || rig is not null || perturb.Length > 0 || randomize))
            return Bad("--port drives a real rig: it cannot be combined with --sim, --rig, --perturb or --randomize.");

        IPlant plant;
        PolicySession policy;
        ControlLoopOptions loopOptions;
        try
        {
            loopOptions = new ControlLoopOptions
            {
                Episodes = episodes, Seed = seed, RateHz = rate, Cpu = parsed.GetValue(_cpu),
                Realtime = parsed.GetValue(_realtime) ? new RealtimeOptions { Priority = parsed.GetValue(_rtPriority) } : null,
            };
            loopOptions.Validate();
            if (port is not null)
            {
                plant = SerialRig.Open(modelPath, port, parsed.GetValue(_baud));
            }
            else
            {
                var perturbations = perturb.Select(SimulatedPlantOptions.ParsePerturbation).ToList();
                plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = sim, RigFile = rig, Perturbations = perturbations, Randomize = randomize });
            }
        }
        catch (RigContractException e)
        {
            // The rig answered but does not fit the model: the same exit code as any other contract mismatch.
            Error.WriteLine($"runtime: {e.Message}");
            return ExitCodes.ContractMismatch;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            // Serial errors (missing device, busy, permission with the dialout hint, handshake mismatch) are IOExceptions
            // whose messages are written for the user.
            return Bad(e.Message);
        }

        try
        {
            var description = new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, plant.ControlPeriod);
            policy = PolicySession.Open(modelPath, description, new PolicySessionOptions
            {
                Mode = explore ? PolicyMode.Explore : PolicyMode.Deterministic,
                Seed = seed,
                AllowOtherEnv = allowOtherEnv,
                Session = new InferenceOptions { IntraOpThreads = threads, Device = device },
            });
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException)
        {
            return Bad(ErrorText.OneLine(e)); // a missing, empty, oversized or unparseable model file
        }
        catch (PolicyContractException e)
        {
            Error.WriteLine($"runtime: {e.Message}");
            foreach (ContractCheck w in e.Report.Warnings) Error.WriteLine($"  (warning) {w.Message}");
            return ExitCodes.ContractMismatch;
        }
        catch (DeviceUnavailableException e)
        {
            Error.WriteLine($"runtime: {e.Message}");
            plant.Dispose();
            return ExitCodes.DeviceUnavailable;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or NotSupportedException
                                      or TypeInitializationException)
        {
            Error.WriteLine($"runtime: {(e is TypeInitializationException { InnerException: { } inner } ? inner.Message : e.Message)}");
            return ExitCodes.OnnxRuntimeError;
        }

        using (plant)
        using (policy)
        {
            foreach (ContractCheck c in policy.Report.Checks)
                Console.MarkupLine($"[{(c.Severity == CheckSeverity.Warning ? "yellow" : "grey")}]{c.Severity.ToString().ToLowerInvariant()}:[/] {Markup.Escape(c.Message)}");
            Console.MarkupLine($"[grey]model[/] {Markup.Escape(Path.GetFileName(modelPath))} (policy version {policy.Model.PolicyVersion}, sha256 {policy.Model.ModelSha256[..12]}…) "
                + $"[grey]on[/] {Markup.Escape(plant.Description)}, {(explore ? "exploring" : "deterministic")}, ONNX Runtime {OnnxRuntimeEnvironment.Version} on {device}");

            TrajectoryWriter? log = null;
            try
            {
                if (logPath is not null)
                {
                    log = TrajectoryWriter.Open(logPath, RunDescriptions.For(plant, policy.Model,
                        $"{(explore ? "explore" : "deterministic")} seed={seed}", rate is double hz ? 1.0 / hz : null));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                                          or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
            {
                return Bad($"cannot open the trajectory store {logPath}: {ErrorText.OneLine(e)}");
            }

            using var cts = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true; // let the loop zero the actuator and close the log
                cts.Cancel();
            };
            System.Console.CancelKeyPress += onCancel;
            using PosixSignalRegistration? term = OperatingSystem.IsWindows() ? null
                : PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cts.Cancel(); });

            var clock = new FirstActionClock(policy);
            var loop = new ControlLoop(plant, clock, loopOptions, log);
            loop.SchedulingReady = scheduling =>
            {
                if (scheduling.Refusal is { } refusal) Error.WriteLine($"runtime: {refusal}.");
            };
            bool live = !System.Console.IsOutputRedirected;
            // The loop thread only drops its snapshot in the mailbox; a timer thread formats and writes the status
            // line, so a slow terminal can never stall a control period.
            var mailbox = new ProgressMailbox();
            if (live) loop.Progress = mailbox.Publish;
            Timer? statusLine = live ? new Timer(_ =>
            {
                if (mailbox.TryRead(out LoopProgress p)) System.Console.Write(
                    $"\repisode {p.Episode + 1}/{p.Episodes}  step {p.Step,5}  return {p.EpisodeReturn,9:F1}  steps {p.TotalSteps,8}  "
                    + $"latency p50 {p.LatencyP50Us,6:F1} µs  misses {p.DeadlineMisses}  faults {p.Faults}   ");
            }, null, TimeSpan.FromSeconds(loopOptions.ProgressInterval), TimeSpan.FromSeconds(loopOptions.ProgressInterval)) : null;

            RunSummary summary;
            try
            {
                summary = loop.Run(cts.Token);
            }
            catch (Exception e)
            {
                StopStatusLine(statusLine);
                if (live) System.Console.WriteLine();
                Error.WriteLine($"runtime: the run stopped with an error; the actuator was zeroed. {e.GetType().Name}: {e.Message}");
                DisposeLog(log);
                return e is OnnxRuntimeException ? ExitCodes.OnnxRuntimeError : ExitCodes.Failure;
            }
            finally
            {
                System.Console.CancelKeyPress -= onCancel;
                StopStatusLine(statusLine);
            }
            if (live) System.Console.WriteLine();
            if (!DisposeLog(log)) return ExitCodes.Failure;

            WriteSummary(summary, logPath, log, plant);
            if (plant is SerialPlant serial) Console.MarkupLine($"[grey]serial link[/] {Markup.Escape(serial.LinkStats.ToString())}");
            if (parsed.GetValue(_summaryJson) is { } summaryJson) RunSummaryJson.Write(summaryJson, summary, clock.FirstActionUtc);
            if (summary.Cancelled) return ExitCodes.Cancelled;
            return summary.Episodes.Any(e => e.End is EpisodeEnd.Fault or EpisodeEnd.SafetyLimit) ? ExitCodes.SafetyStop : ExitCodes.Ok;
        }
    }

    /// <summary>Stops the status-line timer and waits for a line it is still writing, so no status line lands inside
    /// the summary.</summary>
    private static void StopStatusLine(Timer? timer)
    {
        if (timer is null) return;
        using var done = new ManualResetEvent(false);
        if (timer.Dispose(done)) done.WaitOne();
    }

    private bool DisposeLog(TrajectoryWriter? log)
    {
        if (log is null) return true;
        try
        {
            log.Dispose();
            return true;
        }
        catch (Exception e)
        {
            Error.WriteLine($"runtime: the trajectory store failed: {e.Message}");
            return false;
        }
    }

    private void WriteSummary(RunSummary s, string? logPath, TrajectoryWriter? log, IPlant plant)
    {
        static string Us(double ns) => double.IsNaN(ns) ? "n/a" : (ns / 1000.0).ToString("F1", CultureInfo.InvariantCulture) + " µs";
        var table = new Table().Border(TableBorder.Rounded).AddColumn("run").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("episodes", $"{s.Episodes.Count}{(s.Cancelled ? " (cancelled)" : "")}");
        table.AddRow("steps", s.TotalSteps.ToString(CultureInfo.InvariantCulture));
        table.AddRow("return mean ± std", s.Episodes.Count == 0 ? "n/a"
            : $"{s.ReturnMean.ToString("F2", CultureInfo.InvariantCulture)} ± {s.ReturnStd.ToString("F2", CultureInfo.InvariantCulture)}");
        table.AddRow("inference latency p50 / p99", $"{Us(s.Latency.Percentile(0.5))} / {Us(s.Latency.Percentile(0.99))}");
        static string Period(double p) => $"{(p * 1000).ToString("G4", CultureInfo.InvariantCulture)} ms ({(1 / p).ToString("G4", CultureInfo.InvariantCulture)} Hz)";
        table.AddRow("loop period", s.Clock switch
        {
            LoopClock.Host => Period(s.PeriodSeconds!.Value),
            LoopClock.Plant => $"{Period(s.PlantControlPeriod)}, paced by the rig's clock",
            _ => "free-running (simulation)",
        });
        table.AddRow("scheduling", s.Scheduling is { } sch ? Markup.Escape(sch.ToString()) : "n/a");
        table.AddRow("jitter p50 / p99 / p99.9 / max", s.Jitter.Count == 0
            ? (s.Clock == LoopClock.Plant ? "n/a (paced by the rig)" : "n/a (not paced)")
            : $"{Us(s.Jitter.Percentile(0.5))} / {Us(s.Jitter.Percentile(0.99))} / {Us(s.Jitter.Percentile(0.999))} / {Us(s.Jitter.Max)}");
        table.AddRow("deadline misses", s.DeadlineMisses.ToString(CultureInfo.InvariantCulture));
        table.AddRow("faults (NaN/Inf actions)", s.Faults.ToString(CultureInfo.InvariantCulture));
        table.AddRow("actions clamped", s.Clamps.ToString(CultureInfo.InvariantCulture));
        if (logPath is not null) table.AddRow("logged to", Markup.Escape($"{logPath} (run {log?.RunId})"));
        Console.Write(table);
        foreach (EpisodeResult e in s.Episodes.Where(e => e.Detail is not null))
            Console.MarkupLine($"[yellow]episode {e.Index + 1}:[/] {Markup.Escape(e.Detail!)}");
    }

    private int Bad(string message)
    {
        Error.WriteLine($"runtime: {message}");
        return ExitCodes.BadInput;
    }
}
