namespace TrpoEdge.Exporter.Cli;

/// <summary>What scripts can rely on: 0 exported (and verified when asked), 1 verification failed,
/// 2 bad input (arguments, a missing or refused checkpoint, an existing output without --force).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int VerificationFailed = 1;
    public const int BadInput = 2;
}
