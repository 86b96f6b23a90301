using TrpoEdge.Emulator;
using TrpoEdge.Sim;

namespace TrpoEdge.Hardware.Tests.Emulator;

/// <summary>A virtual rig serving on a fresh pty from a background thread, for one test.</summary>
internal sealed class EmulatorHarness : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Thread _thread;
    private Exception? _failure;

    public EmulatorHarness(EmulatorOptions? options = null, params (string Key, double Value)[] overrides)
    {
        RigSpec spec = RigSpec.Load(RigFile);
        foreach ((string k, double v) in overrides) spec = spec.WithOverride(k, v);
        Spec = spec;
        Rig = new RigEmulator(spec, options);
        Pty = PseudoTerminal.Open();
        _thread = new Thread(() =>
        {
            try { Rig.Run(Pty, _cts.Token); }
            catch (Exception e) { _failure = e; }
        }) { IsBackground = true, Name = "rig-emulator" };
        _thread.Start();
    }

    public static string RigFile => Path.Combine(RepoPaths.Root, "hardware", "rigs", "direct-drive.yaml");

    public RigSpec Spec { get; }
    public RigEmulator Rig { get; }
    public PseudoTerminal Pty { get; }
    public string Port => Pty.SlavePath;

    public void Dispose()
    {
        _cts.Cancel();
        _thread.Join(5000);
        Pty.Dispose();
        if (_failure is not null) throw new InvalidOperationException("the emulator thread failed", _failure);
    }
}
