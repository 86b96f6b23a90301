using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TrpoEdge.Edge.Tests;

/// <summary>A real mosquitto on a free loopback port, anonymous, killed on Dispose.</summary>
internal sealed class Mosquitto : IDisposable
{
    private readonly Process _process;

    private Mosquitto(Process process, int port)
    {
        _process = process;
        Url = $"mqtt://127.0.0.1:{port}";
    }

    public string Url { get; }

    public static Mosquitto Start(string dir)
    {
        const string exe = "/usr/sbin/mosquitto";
        if (!File.Exists(exe)) throw new InvalidOperationException($"{exe} is missing: install the Debian package mosquitto (scripts/test.sh does).");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        string config = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllLines(config, [$"listener {port} 127.0.0.1", "allow_anonymous true", "log_dest stderr", "log_type error"]);
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(config);
        Process p = Process.Start(psi)!;
        var wait = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return new Mosquitto(p, port);
            }
            catch (SocketException) when (wait.Elapsed < TimeSpan.FromSeconds(10) && !p.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
