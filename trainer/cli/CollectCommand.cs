using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Trainer.Collection;

namespace TrpoEdge.Trainer.Cli;

/// <summary><c>trainer collect --mqtt URL --into field.db [--duration S]</c>: store the trajectory batches of every
/// runtime on the broker, each batch once, for <c>trainer retrain --from field.db</c>.</summary>
internal static class CollectCommand
{
    public static Command Create()
    {
        var mqtt = new Option<string>("--mqtt") { Description = "Broker URL, mqtt://[user:password@]HOST:PORT.", Required = true };
        var into = new Option<string>("--into") { Description = "The trajectory store to fill (created if missing; may already hold data).", Required = true };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl-C)." };
        var clientId = new Option<string>("--client-id")
        {
            Description = "MQTT client id; keep it fixed so the broker can queue batches for it while it is away.",
            DefaultValueFactory = _ => "trainer-collector",
        };
        var command = new Command("collect", "Collect trajectory batches that runtimes publish (runtime --publish-trajectories) into a store, idempotently.")
        {
            mqtt, into, duration, clientId,
        };
        command.SetAction((parse, token) => CliErrors.Guard(() =>
            Run(parse.GetRequiredValue(mqtt), parse.GetRequiredValue(into), parse.GetValue(duration), parse.GetRequiredValue(clientId), token)));
        return command;
    }

    private static async Task<int> Run(string url, string into, double? duration, string clientId, CancellationToken token)
    {
        if (duration is double d && !(d > 0)) throw new ArgumentException($"--duration {d}: give a positive number of seconds.");
        // A persistent session (clean_session = false): batches published while the collector reconnects are queued
        // for it by the broker; the runtimes' re-sends cover a broker that forgot the session.
        MqttClientOptions options = MqttUrl.Parse(url, clientId) with { CleanSession = false };
        MqttNetClient client;
        try
        {
            client = MqttNetClient.Connect(options);
        }
        catch (MqttException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 3;
        }
        using var owned = client;
        using var collector = new TrajectoryCollector(client, into);
        collector.Log = line => AnsiConsole.MarkupLineInterpolated($"[yellow]{line}[/]");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        if (duration is double seconds) cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        AnsiConsole.MarkupLineInterpolated($"collecting trpoedge/trajectories/+ from {MqttUrl.Redact(options)} into {into}{(duration is null ? " (Ctrl-C stops)" : $" for {duration} s")}");
        var sw = Stopwatch.StartNew();
        Task run = collector.RunAsync(cts.Token);
        bool live = !Console.IsOutputRedirected;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(500, CancellationToken.None));
            if (live) Console.Write($"\r{collector.Stats}   ");
        }
        await run;
        if (live) Console.WriteLine();
        CollectorStats s = collector.Stats;
        AnsiConsole.MarkupLineInterpolated($"{s} in {sw.Elapsed.TotalSeconds:F1} s ({s.StepsStored / Math.Max(sw.Elapsed.TotalSeconds, 1e-9):F0} steps/s) into {into}");
        return 0;
    }
}
