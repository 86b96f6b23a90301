namespace TrpoEdge.Exporter.Cli;

/// <summary>What scripts can rely on: 0 exported (and verified when asked), 1 verification failed,
/// 2 bad input (arguments, a missing or refused checkpoint, an existing output without --force),
/// 3 (publish) the broker could not be reached, refused the login or did not confirm the message,
/// 4 (--verify --device cuda) the device is not available here (the message names what is missing).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int VerificationFailed = 1;
    public const int BadInput = 2;
    /// <summary>`exporter publish` only: nothing is wrong with the model or the key, the broker is; retrying may help.</summary>
    public const int BrokerFailed = 3;
    /// <summary>`--verify --device cuda[:N]` only: this build or machine has no usable CUDA; the model was written, not verified.</summary>
    public const int DeviceUnavailable = 4;
}
