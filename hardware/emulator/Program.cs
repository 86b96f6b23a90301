using System.Globalization;
using System.Runtime.InteropServices;
using TrpoEdge.Emulator;
using TrpoEdge.Sim;

// rig-emulator: a virtual rig on a pseudo-terminal. Small enough that plain argument parsing is clearer
// than a framework; every error names the option and what to do.
const string Usage = """
    usage: rig-emulator --rig hardware/rigs/direct-drive.yaml [--pty /tmp/rig] [--lockstep]
                        [--watchdog-ms N] [--id NAME] [--set key=value]...
      --rig          rig model file (hardware/rigs/*.yaml)
      --pty          create a symbolic link to the pty's slave device here (the host opens it)
      --lockstep     step on every ACTION instead of on the control period (tests, benchmarks)
      --watchdog-ms  zero the motor after this long without a valid ACTION (default 4 periods, >= 100)
      --id           rig id stated in the HANDSHAKE (default emu-<rig name>)
      --set          override a rig parameter, e.g. --set pendulum.mass=1.2
      --mqtt         serve on an MQTT broker (mqtt://HOST:PORT) instead of a pty; topics trpoedge/rig/<id>/...
    """;

string? rigPath = null, link = null, id = null, mqtt = null;
int? watchdog = null;
bool lockstep = false;
var overrides = new List<(string Key, double Value)>();
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--rig": rigPath = Next(); break;
            case "--pty": link = Next(); break;
            case "--lockstep": lockstep = true; break;
            case "--id": id = Next(); break;
            case "--mqtt": mqtt = Next(); break;
            case "--watchdog-ms":
                string w = Next();
                watchdog = int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) ? ms
                    : throw new ArgumentException($"--watchdog-ms takes whole milliseconds, not '{w}'.");
                break;
            case "--set":
                string kv = Next();
                int eq = kv.IndexOf('=');
                if (eq <= 0 || !double.TryParse(kv[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new ArgumentException($"--set takes key=number, e.g. pendulum.mass=1.2; got '{kv}'.");
                overrides.Add((kv[..eq], v));
                break;
            case "-h" or "--help":
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }
    if (rigPath is null) throw new ArgumentException("--rig is required (a rig file such as hardware/rigs/direct-drive.yaml).");

    RigSpec spec = RigSpec.Load(rigPath);
    foreach ((string key, double value) in overrides) spec = spec.WithOverride(key, value);
    var emulator = new RigEmulator(spec, new EmulatorOptions { RigId = id, WatchdogMs = watchdog, Lockstep = lockstep });
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
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or FormatException or InvalidDataException)
{
    Console.Error.WriteLine($"rig-emulator: {e.Message}");
    if (e is ArgumentException) Console.Error.WriteLine(Usage);
    return 2;
}
