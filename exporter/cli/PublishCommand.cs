using System.CommandLine;
using System.Security.Cryptography;
using Spectre.Console;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Runtime.Mqtt;

namespace TrpoEdge.Exporter.Cli;

/// <summary><c>exporter publish --mqtt URL --key KEY.pem policy.onnx</c>: roll a policy out to following runtimes as a
/// retained, signed message on trpoedge/policy/ENV; and <c>exporter keygen --out NAME</c>: the signing key pair
/// (NAME.pem private, NAME.pub.pem for the runtimes' --trust).</summary>
public static class PublishCommand
{
    /// <summary>True when <paramref name="args"/> name one of these subcommands (the exporter's root command has none).</summary>
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "publish" or "keygen";

    public static int Run(string[] args, IAnsiConsole? console = null, TextWriter? error = null)
    {
        console ??= AnsiConsole.Console;
        error ??= Console.Error;
        var root = new RootCommand("Policy rollout over MQTT.");
        root.Subcommands.Add(Publish(console, error));
        root.Subcommands.Add(Keygen(console, error));
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"exporter: {e.Message}");
            error.WriteLine("Usage: exporter publish --mqtt mqtt://HOST:PORT --key KEY.pem policy.onnx | exporter keygen --out NAME");
            return ExitCodes.BadInput;
        }
        return parsed.Invoke();
    }

    private static Command Publish(IAnsiConsole console, TextWriter error)
    {
        var model = new Argument<string>("model") { Description = "The exported policy (.onnx); its metadata gives env id and policy version." };
        var mqtt = new Option<string>("--mqtt") { Description = "Broker URL, mqtt://[user:password@]HOST:PORT.", Required = true };
        var key = new Option<string>("--key") { Description = "The signing key (PEM, ECDSA P-256) from `exporter keygen`.", Required = true };
        var clientId = new Option<string?>("--client-id") { Description = "MQTT client id (default exporter-<random>)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the broker, to connect and again to confirm.", DefaultValueFactory = _ => 5 };
        var command = new Command("publish", "Sign a policy model and publish it retained on trpoedge/policy/<env-id> for runtimes started with --follow-policy. "
            + "Exit codes: 0 published and confirmed; 2 bad arguments, model or key; 3 the broker could not be reached, refused the login or did not confirm.")
        {
            model, mqtt, key, clientId, timeout,
        };
        command.SetAction(parsed =>
        {
            string path = parsed.GetValue(model)!;
            try
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"The model {path} does not exist.", path);
                using ECDsa signer = PolicySigning.LoadPrivateKey(parsed.GetRequiredValue(key));
                double seconds = parsed.GetValue(timeout);
                if (!(seconds > 0 && seconds <= 3600)) throw new ArgumentException($"--timeout {seconds} is not a number of seconds in (0, 3600].");
                MqttClientOptions options = MqttUrl.Parse(parsed.GetRequiredValue(mqtt), parsed.GetValue(clientId) ?? "exporter-" + Guid.NewGuid().ToString("N")[..8])
                    with { ConnectTimeout = TimeSpan.FromSeconds(seconds) };
                using var client = MqttNetClient.Connect(options);
                PolicyRelease release = PolicyPublisher.Publish(client, File.ReadAllBytes(path), signer,
                    $"exporter on {Environment.MachineName}", TimeSpan.FromSeconds(seconds));
                console.MarkupLine($"published policy version {release.PolicyVersion} for [bold]{Markup.Escape(release.EnvId)}[/] "
                    + $"({release.Onnx.Length:N0} bytes, sha256 {release.OnnxSha256[..12]}…, key {PolicySigning.KeyId(signer)}) "
                    + $"retained on {Markup.Escape(MqttTopics.Policy(release.EnvId))} at {Markup.Escape(MqttUrl.Redact(options))}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException or IOException)
            {
                error.WriteLine($"exporter publish: {e.Message}");
                return e is MqttException ? ExitCodes.BrokerFailed : ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static Command Keygen(IAnsiConsole console, TextWriter error)
    {
        var output = new Option<string>("--out") { Description = "Base name: writes NAME.pem (private, keep it with the trainer) and NAME.pub.pem (give it to runtimes).", Required = true };
        var command = new Command("keygen", "Make an ECDSA P-256 key pair for signing policies.") { output };
        command.SetAction(parsed =>
        {
            string name = parsed.GetRequiredValue(output);
            if (name.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
            try
            {
                string id = PolicySigning.GenerateKeyPair(name + ".pem", name + ".pub.pem");
                console.MarkupLine($"wrote {Markup.Escape(name)}.pem (private) and {Markup.Escape(name)}.pub.pem (public), key id {id}");
                return ExitCodes.Ok;
            }
            catch (IOException e)
            {
                error.WriteLine($"exporter keygen: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }
}
