using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using TrpoEdge.Core.Cli;
using TrpoEdge.Emulator;
using TrpoEdge.Sim;

// rig-emulator: a virtual rig on a pseudo-terminal (or an MQTT broker), speaking hardware/PROTOCOL.md.
var rigOption = new Option<string>("--rig") { Description = "Rig model file (hardware/rigs/*.yaml).", Required = true };
var ptyOption = new Option<string?>("--pty")
{
    Description = "Create a symbolic link to the pty's slave device at this path, for the host to open (e.g. /tmp/rig). "
        + "The path must not exist yet (a link left by an earlier emulator is replaced); the link is removed on exit.",
};
var lockstepOption = new Option<bool>("--lockstep") { Description = "Step on every ACTION instead of on the control period (tests, benchmarks)." };
var watchdogOption = new Option<int?>("--watchdog-ms") { Description = "Zero the motor after this long without a valid ACTION (default: 4 control periods, at least 100)." };
var idOption = new Option<string?>("--rig-id", "--id") { Description = "Rig id stated in the HANDSHAKE (default: emu-<rig name>)." };
var setOption = new Option<string[]>("--set")
{
    Description = "Override a rig parameter, e.g. --set pendulum.mass=1.2 (repeatable).",
    AllowMultipleArgumentsPerToken = false,
};
var mqttOption = new Option<string?>("--mqtt") { Description = "Serve on an MQTT broker (mqtt://HOST:PORT) instead of a pty; topics trpoedge/rig/<id>/…" };
var root = new RootCommand("A virtual rig: the simulated pendulum rig behind the wire protocol (hardware/PROTOCOL.md) on a pseudo-terminal "
    + "or over MQTT, with the watchdog. Runs until Ctrl-C or SIGTERM (then exits 0). " + ExitCodeTable.HelpText)
{
    rigOption, ptyOption, lockstepOption, watchdogOption, idOption, setOption, mqttOption,
};
const string Usage = "Usage: rig-emulator --rig hardware/rigs/direct-drive.yaml [--pty /tmp/rig | --mqtt mqtt://HOST:PORT] [--lockstep] [--watchdog-ms N] [--id NAME] [--set key=value]...  (--help for more)";

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"rig-emulator: {error.Message}");
    Console.Error.WriteLine(Usage);
    return ExitCodeTable.BadInput;
}
if (parsed.Action is not null) return parsed.Invoke(); // --help or --version: the root itself has no action

try
{
    var overrides = new List<(string Key, double Value)>();
    foreach (string kv in parsed.GetValue(setOption) ?? [])
    {
        int eq = kv.IndexOf('=');
        if (eq <= 0 || !double.TryParse(kv[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new ArgumentException($"--set takes key=number, e.g. pendulum.mass=1.2; got '{kv}'.");
        overrides.Add((kv[..eq], v));
    }
    string? link = parsed.GetValue(ptyOption), mqtt = parsed.GetValue(mqttOption);
    if (link is not null && mqtt is not null) throw new ArgumentException("--pty and --mqtt are two ways to serve the rig; give one.");

    RigSpec spec = RigSpec.Load(parsed.GetRequiredValue(rigOption));
    foreach ((string key, double value) in overrides) spec = spec.WithOverride(key, value);
    bool lockstep = parsed.GetValue(lockstepOption);
    var emulator = new RigEmulator(spec, new EmulatorOptions { RigId = parsed.GetValue(idOption), WatchdogMs = parsed.GetValue(watchdogOption), Lockstep = lockstep });
    if (mqtt is not null) return TrpoEdge.Emulator.Mqtt.MqttServe.Run(emulator, mqtt);
    using var pty = PseudoTerminal.Open(link);
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });

    var h = emulator.Handshake;
    Console.WriteLine($"virtual rig '{h.RigId}' ({spec.Name}) on {pty.SlavePath}{(link is null ? "" : $" (link {link})")}: " +
        $"obs {h.ObservationDim}, act {h.ActionDim} [{h.ActionLow[0]}, {h.ActionHigh[0]}], period {h.ControlPeriodUs} us, " +
        $"watchdog {h.WatchdogMs} ms{(lockstep ? ", lockstep" : "")}");
    Console.WriteLine($"connect with: runtime --port {pty.PortPath} ...   (Ctrl+C stops)");
    Console.Out.Flush();
    emulator.Run(pty, cts.Token);
    Console.WriteLine($"stopped: {emulator.Stats}");
    return ExitCodeTable.Ok;
}
catch (Exception e) when (e is ArgumentException or IOException or FormatException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"rig-emulator: {ErrorText.OneLine(e)}");
    if (e is ArgumentException) Console.Error.WriteLine(Usage);
    return ExitCodeTable.BadInput;
}
