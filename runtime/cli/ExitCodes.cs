namespace TrpoEdge.Runtime.Cli;

/// <summary>The runtime's exit codes; listed in --help so scripts can branch on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>An unexpected failure (a bug, or the plant failed mid-run); the message says what.</summary>
    public const int Failure = 1;
    /// <summary>Bad arguments or input: unknown option, missing model file, unknown env, bad --perturb.</summary>
    public const int BadInput = 2;
    /// <summary>The model does not fit the plant (contract check errors, listed), or a rig's HANDSHAKE does not fit the model.</summary>
    public const int ContractMismatch = 3;
    /// <summary>The run finished but a safety fault (NaN/Inf action) or a safety limit stopped an episode.</summary>
    public const int SafetyStop = 4;
    /// <summary>ONNX Runtime could not be loaded or rejected the model.</summary>
    public const int OnnxRuntimeError = 5;
    /// <summary>--device asked for CUDA and this build or machine cannot give it (the message names what is missing);
    /// nothing ran. The default device, cpu, never exits with this.</summary>
    public const int DeviceUnavailable = 6;
    /// <summary>Stopped by Ctrl-C / SIGTERM (128 + SIGINT, the shell convention); the actuator was zeroed.</summary>
    public const int Cancelled = 130;

    public const string HelpText =
        "Exit codes: 0 ok (an episode a rig link interrupted is reported, closed as incomplete in the log, and the run goes on); "
        + "1 unexpected failure (also: the broker or rig did not come back); 2 bad arguments or input; 3 the model does not fit the plant or the rig's handshake; "
        + "4 a safety fault or limit stopped an episode; 5 ONNX Runtime could not load or run the model; 6 the --device asked for is not available here (CUDA libraries or the GPU build missing); 130 stopped by Ctrl-C.";
}
