using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>A real mosquitto broker on a free 127.0.0.1 port, in a temp folder, killed on Dispose. Optional
/// password and ACL files (mosquitto's own formats, the password file made by mosquitto_passwd -b).
/// <see cref="Restart"/> stops it and starts it again on the same port (no persistence: sessions are lost).</summary>
public sealed class MosquittoBroker : IDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private readonly string _dir;
    private readonly string _config;
    private Process? _process;

    private MosquittoBroker(string dir, int port, string config)
    {
        _dir = dir;
        Port = port;
        _config = config;
    }

    public int Port { get; }
    public string Url => $"mqtt://127.0.0.1:{Port}";
    public string Directory => _dir;

    /// <param name="users">user → password; when given, anonymous clients are refused.</param>
    /// <param name="acl">mosquitto acl_file text (e.g. "user collector\ntopic read trpoedge/#").</param>
    /// <param name="tls">certificate and key PEM files of the broker: the listener then speaks TLS only.</param>
    public static MosquittoBroker Start(IReadOnlyDictionary<string, string>? users = null, string? acl = null, (string CertFile, string KeyFile)? tls = null)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install the Debian package mosquitto (scripts/test.sh does).");
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-mqtt-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(dir);
        int port = FreePort();
        var lines = new List<string> { $"listener {port} 127.0.0.1", "log_dest stderr", "log_type error", "log_type warning" };
        if (tls is { } t)
        {
            lines.Add($"certfile {t.CertFile}");
            lines.Add($"keyfile {t.KeyFile}");
        }
        if (users is null)
        {
            lines.Add("allow_anonymous true");
        }
        else
        {
            string pw = Path.Combine(dir, "passwd");
            File.WriteAllText(pw, "");
            foreach ((string user, string password) in users) Run("/usr/bin/mosquitto_passwd", "-b", pw, user, password);
            lines.Add("allow_anonymous false");
            lines.Add($"password_file {pw}");
        }
        if (acl is not null)
        {
            string aclPath = Path.Combine(dir, "acl");
            File.WriteAllText(aclPath, acl + "\n");
            lines.Add($"acl_file {aclPath}");
        }
        string config = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllLines(config, lines);
        var broker = new MosquittoBroker(dir, port, config);
        broker.Launch();
        return broker;
    }

    /// <summary>A broker run from the repository's shipped hardware/broker/mosquitto.conf and acl, exactly as written
    /// except for the lines that must differ on a test machine: the listener (a free loopback port), password_file (made
    /// here from <paramref name="users"/>) and acl_file (a copy of the shipped one).</summary>
    public static MosquittoBroker StartShipped(IReadOnlyDictionary<string, string> users)
    {
        string shipped = Path.Combine(TestFiles.RepoRoot, "hardware", "broker");
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-mqtt-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(dir);
        int port = FreePort();
        string pw = Path.Combine(dir, "passwd");
        File.WriteAllText(pw, "");
        foreach ((string user, string password) in users) Run("/usr/bin/mosquitto_passwd", "-b", pw, user, password);
        string acl = Path.Combine(dir, "acl");
        File.Copy(Path.Combine(shipped, "acl"), acl);
        var lines = new List<string> { "log_dest stderr", "log_type error", "log_type warning" };
        foreach (string line in File.ReadAllLines(Path.Combine(shipped, "mosquitto.conf")))
        {
            string t = line.Trim();
            lines.Add(t.StartsWith("listener ", StringComparison.Ordinal) ? $"listener {port} 127.0.0.1"
                : t.StartsWith("password_file ", StringComparison.Ordinal) ? $"password_file {pw}"
                : t.StartsWith("acl_file ", StringComparison.Ordinal) ? $"acl_file {acl}"
                : line);
        }
        string config = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllLines(config, lines);
        var broker = new MosquittoBroker(dir, port, config);
        broker.Launch();
        return broker;
    }

    /// <summary>The shipped config's max_packet_size, read from the file so the test follows it.</summary>
    public static int ShippedMaxPacketSize()
    {
        string line = File.ReadAllLines(Path.Combine(TestFiles.RepoRoot, "hardware", "broker", "mosquitto.conf"))
            .Single(l => l.StartsWith("max_packet_size ", StringComparison.Ordinal));
        return int.Parse(line["max_packet_size ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _process = null;
    }

    public void Restart()
    {
        Stop();
        Launch();
    }

    private void Launch()
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_config);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("mosquitto did not start.");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited) throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode} (config {_config}).");
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }
        throw new TimeoutException($"mosquitto did not listen on 127.0.0.1:{Port} within 10 s.");
    }

    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed: {err}");
    }

    public void Dispose()
    {
        Stop();
        try { System.IO.Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
