using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Mqtt;
using Microsoft.ML.OnnxRuntime;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Cli;

/// <summary><c>runtime --mqtt mqtt://HOST:PORT --rig-id rig-01 --model policy.onnx [--runtime-id ID] [--log field.db
/// --publish-trajectories] [--follow-policy --trust KEY.pub.pem]</c>: the runtime on a broker. The rig is named by
/// its id on the broker (--rig-id, as rig-emulator's); --rig always means a rig file to simulate. The work is
/// <see cref="MqttRuntime"/>'s; this class is its options and its summary.</summary>
internal static class MqttMode
{
    public static readonly Option<string?> Mqtt = new("--mqtt") { Description = "Drive a rig through an MQTT broker, mqtt://[user:password@]HOST:PORT; name the rig with --rig-id." };
    public static readonly Option<string?> RigId = new("--rig-id") { Description = "With --mqtt: the rig's id on the broker (e.g. rig-01; rig-emulator --mqtt URL --rig-id ID serves a virtual one)." };
    public static readonly Option<string?> RuntimeId = new("--runtime-id") { Description = "This runtime's id on the broker (status and trajectory topics); default runtime-<rig id>." };
    public static readonly Option<bool> PublishTrajectories = new("--publish-trajectories") { Description = "With --mqtt: stream the logged steps (--log) to the broker at QoS 1 for `trainer collect`." };
    public static readonly Option<bool> FollowPolicy = new("--follow-policy") { Description = "With --mqtt: switch to newer signed policies from trpoedge/policy/<env> between episodes." };
    public static readonly Option<string?> Trust = new("--trust") { Description = "With --follow-policy: the public key (PEM) whose signatures are accepted." };

    public static IEnumerable<Option> Options => [Mqtt, RigId, RuntimeId, PublishTrajectories, FollowPolicy, Trust];

    public static int Execute(ParseResult parsed, string url, string modelPath, string? rigFile, int episodes, bool explore, ulong seed,
        string? logPath, int threads, IAnsiConsole console, TextWriter error)
    {
        string? rig = parsed.GetValue(RigId);
        if (rigFile is not null)
        {
            // One option name per meaning: --rig is a rig file everywhere, so a rig id given as --rig is refused
            // rather than guessed at.
            error.WriteLine($"runtime: --rig {rigFile} names a rig file to simulate; with --mqtt name the rig on the broker with --rig-id ID.");
            return ExitCodes.BadInput;
        }
        if (rig is null)
        {
            error.WriteLine("runtime: --mqtt needs --rig-id ID, the id of the rig on the broker (rig-emulator --mqtt URL --rig-id ID serves a virtual one).");
            return ExitCodes.BadInput;
        }
        MqttRuntimeOptions options;
        try
        {
            options = new MqttRuntimeOptions
            {
                Broker = MqttUrl.Parse(url),
                RigId = rig,
                ModelPath = modelPath,
                RuntimeId = parsed.GetValue(RuntimeId),
                Episodes = episodes,
                Seed = seed,
                Explore = explore,
                LogPath = logPath,
                PublishTrajectories = parsed.GetValue(PublishTrajectories),
                FollowPolicy = parsed.GetValue(FollowPolicy),
                TrustPath = parsed.GetValue(Trust),
                Threads = threads,
            };
            options.Validate();
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"runtime: {e.Message}");
            return ExitCodes.BadInput;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using PosixSignalRegistration? term = OperatingSystem.IsWindows() ? null
            : PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cts.Cancel(); });
        MqttRunResult result;
        try
        {
            result = MqttRuntime.Run(options, line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), cts.Token);
        }
        catch (Exception e) when (e is PolicyContractException or RigContractException)
        {
            error.WriteLine($"runtime: {e.Message}");
            return ExitCodes.ContractMismatch;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or TypeInitializationException)
        {
            error.WriteLine($"runtime: {e.Message}");
            return ExitCodes.OnnxRuntimeError;
        }
        catch (Exception e) when (e is MqttException or FileNotFoundException or InvalidDataException or ArgumentException)
        {
            error.WriteLine($"runtime: {e.Message}");
            return e is MqttException ? ExitCodes.Failure : ExitCodes.BadInput;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        static string Ms(double ns) => double.IsNaN(ns) ? "n/a" : (ns / 1e6).ToString("F3", CultureInfo.InvariantCulture) + " ms";
        var returns = result.Episodes.Select(e => e.Return).ToArray();
        double mean = returns.Length == 0 ? double.NaN : returns.Average();
        double std = returns.Length == 0 ? double.NaN : Math.Sqrt(returns.Select(r => (r - mean) * (r - mean)).Sum() / returns.Length);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("run over MQTT").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("episodes", $"{result.Episodes.Count}{(result.Cancelled ? " (cancelled)" : "")}");
        table.AddRow("steps", result.TotalSteps.ToString(CultureInfo.InvariantCulture));
        table.AddRow("return mean ± std", returns.Length == 0 ? "n/a" : $"{mean.ToString("F2", CultureInfo.InvariantCulture)} ± {std.ToString("F2", CultureInfo.InvariantCulture)}");
        table.AddRow("round trip p50 / p99", $"{Ms(result.Link.RoundTripP50Ns)} / {Ms(result.Link.RoundTripP99Ns)}");
        table.AddRow("missed / stale / skipped states", $"{result.Link.MissedStates} / {result.Link.StaleStates} / {result.Link.SkippedStates}");
        table.AddRow("rig faults", result.Link.Faults.ToString(CultureInfo.InvariantCulture));
        table.AddRow("actions not applied / late states", $"{result.Link.ActionsNotApplied} / {result.Link.LateStates}");
        table.AddRow("interrupted episodes", $"{result.Episodes.Count(e => e.End == EpisodeEnd.Interrupted)} ({result.Link.Takeovers} session takeover(s))");
        table.AddRow("policy", $"version {result.FinalPolicyVersion}, {result.PolicySwitches} switch(es), {result.PolicyRefusals.Count} refused");
        if (options.PublishTrajectories)
            table.AddRow("trajectory batches", $"{result.BatchesPublished} published, {result.BatchesAcknowledged} acknowledged{(result.Drained ? "" : " (some unacknowledged)")}");
        if (logPath is not null) table.AddRow("logged to", Markup.Escape($"{logPath} (run {result.RunId})"));
        console.Write(table);
        foreach (EpisodeResult e in result.Episodes.Where(e => e.Detail is not null))
            console.MarkupLine($"[yellow]episode {e.Index + 1}:[/] {Markup.Escape(e.Detail!)}");
        if (result.Cancelled) return ExitCodes.Cancelled;
        return result.Episodes.Any(e => e.End is EpisodeEnd.Fault or EpisodeEnd.SafetyLimit) ? ExitCodes.SafetyStop : ExitCodes.Ok;
    }
}
