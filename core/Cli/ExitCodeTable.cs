namespace TrpoEdge.Core.Cli;

/// <summary>The exit codes of every TrpoEdge program, one table so scripts can branch on them the same way
/// whichever program they call. Each program's --help ends with <see cref="HelpText"/>; README.md has the table.</summary>
public static class ExitCodeTable
{
    public const int Ok = 0;
    /// <summary>An unexpected failure (a bug, or a plant that failed mid-run); exporter --verify: the model disagrees
    /// with the checkpoint.</summary>
    public const int Failure = 1;
    /// <summary>Bad arguments or input: an unknown option or value, a missing, damaged or refused file, an output
    /// that would overwrite an input or an existing run.</summary>
    public const int BadInput = 2;
    /// <summary>Refused: runtime — the model does not fit the plant or the rig's handshake; publish, collect and
    /// --mqtt — the broker could not be reached, refused the login or did not confirm; retrain — no update was
    /// accepted, so nothing was written.</summary>
    public const int Refused = 3;
    /// <summary>runtime: a safety fault (NaN/Inf) or a safety limit stopped an episode.</summary>
    public const int SafetyStop = 4;
    /// <summary>ONNX Runtime could not be loaded or could not run the model.</summary>
    public const int OnnxRuntimeError = 5;
    /// <summary>--device asked for an accelerator this build or machine cannot give (the message names what is
    /// missing); nothing ran on it. The default device, cpu, never exits with this.</summary>
    public const int DeviceUnavailable = 6;
    /// <summary>Stopped by Ctrl-C or SIGTERM after cleaning up (128 + SIGINT, the shell's convention).</summary>
    public const int Interrupted = 130;

    public const string HelpText =
        "Exit codes (all TrpoEdge programs): 0 ok; 1 unexpected failure (also: a broker or rig that did not come back), or exporter --verify found a mismatch; "
        + "2 bad arguments or input (unknown option, missing/damaged/refused file, output would overwrite an input or an existing run); "
        + "3 refused (runtime: the model does not fit the plant or the rig's handshake; MQTT: broker unreachable or refusing; retrain: no update accepted, nothing written); "
        + "4 runtime: a safety fault or limit stopped an episode; 5 ONNX Runtime could not load or run the model; "
        + "6 the --device asked for is not available here (CUDA libraries or a GPU build missing); "
        + "130 stopped by Ctrl-C or SIGTERM after saving (trainer train/retrain) or zeroing the actuator (runtime); "
        + "rig-emulator and trainer collect run until stopped and then exit 0.";
}
