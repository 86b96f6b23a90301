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

    /// <summary>The table shared by every program (these codes are its runtime rows).</summary>
    public const string HelpText = Core.Cli.ExitCodeTable.HelpText;
}
