using System.Runtime.InteropServices;

namespace TrpoEdge.Trainer.Cli;

/// <summary>Ctrl-C (SIGINT) and SIGTERM for the long-running commands: the first signal asks the work to stop at
/// its next safe point (training finishes the update in flight, then saves a checkpoint) and says so on stderr; a
/// second signal is not intercepted, so the runtime's default action ends the process at once (exit 130 for
/// SIGINT). Installed by the command itself, so commands that cannot stop early (eval) keep the default
/// behaviour. The invocation turns System.CommandLine's own handler off: it would end the process two seconds
/// after the first Ctrl-C, in the middle of saving.</summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration _int;
    private readonly PosixSignalRegistration _term;
    private readonly string _whatHappens;
    private int _signals;

    private Interrupt(CancellationToken linked, string whatHappens)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(linked);
        _whatHappens = whatHappens;
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>True once a signal asked the command to stop.</summary>
    public bool Requested => Volatile.Read(ref _signals) > 0;

    /// <param name="whatHappens">Printed after the first signal, e.g. "finishing the current update, then saving a checkpoint".</param>
    public static Interrupt Install(string whatHappens, CancellationToken linked = default) => new(linked, whatHappens);

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1) return; // context.Cancel stays false: default action, exit now
        context.Cancel = true;
        Console.Error.WriteLine();
        Console.Error.WriteLine($"{(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C")}: {_whatHappens} (Ctrl-C again to quit at once without saving).");
        _cts.Cancel();
    }

    public void Dispose()
    {
        _int.Dispose();
        _term.Dispose();
        _cts.Dispose();
    }
}
