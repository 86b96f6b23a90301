using System.Runtime.InteropServices;

namespace TrpoEdge.Emulator.Mqtt;

/// <summary><c>rig-emulator --mqtt URL</c>: serves the virtual rig on a broker instead of a pty until Ctrl-C/SIGTERM.</summary>
public static class MqttServe
{
    public static int Run(RigEmulator emulator, string url)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        using var link = MqttRigLink.Connect(url, emulator.Handshake);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        var h = emulator.Handshake;
        Console.WriteLine($"virtual rig '{h.RigId}' ({emulator.Spec.Name}) on {new Uri(url).Host}:{new Uri(url).Port}, topics trpoedge/rig/{h.RigId}/{{action,state,handshake}}: " +
            $"obs {h.ObservationDim}, act {h.ActionDim}, period {h.ControlPeriodUs} us, watchdog {h.WatchdogMs} ms");
        Console.WriteLine($"connect with: runtime --mqtt {url} --rig-id {h.RigId} ...   (Ctrl+C stops)");
        Console.Out.Flush();
        emulator.Run(link, cts.Token);
        Console.WriteLine($"stopped: {emulator.Stats}; mqtt: {link.Received} messages in, {link.Published} out, {link.Undecodable} undecodable, {link.Refused} refused (replayed or of another session), {link.Connects} connect(s)");
        return 0;
    }
}
