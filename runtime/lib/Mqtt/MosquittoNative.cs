using System.Runtime.InteropServices;
using System.Text;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>libmosquitto's C API (Eclipse Mosquitto 2.0, soname libmosquitto.so.1), bound through function
/// pointers from <see cref="NativeLibrary"/> rather than [DllImport], so a missing library is reported once, in
/// our words, naming the package to install — not as a DllNotFoundException at the first call.</summary>
internal static unsafe class MosquittoNative
{
    public const string DebianPackage = "libmosquitto1";

    public const int Success = 0, NoMem = 1, Protocol = 2, Inval = 3, NoConn = 4, ConnRefused = 5, NotFound = 6,
        ConnLost = 7, Tls = 8, PayloadSize = 9, NotSupported = 10, Auth = 11, AclDenied = 12, Errno = 14;

    private static readonly object Gate = new();
    private static bool _loaded;

    public static delegate* unmanaged[Cdecl]<int> LibInit;
    public static delegate* unmanaged[Cdecl]<byte*, byte, IntPtr, IntPtr> New;
    public static delegate* unmanaged[Cdecl]<IntPtr, void> Destroy;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, int> UsernamePwSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int> ConnectAsync;
    public static delegate* unmanaged[Cdecl]<IntPtr, int> Disconnect;
    public static delegate* unmanaged[Cdecl]<IntPtr, int> LoopStart;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte, int> LoopStop;
    public static delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, byte*, int, byte, int> Publish;
    public static delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, int> Subscribe;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> ConnectCallbackSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> DisconnectCallbackSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> PublishCallbackSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> MessageCallbackSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, int, byte*, int, byte, int> WillSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, uint, uint, byte, int> ReconnectDelaySet;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, byte*, byte*, IntPtr, int> TlsSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte, int> TlsInsecureSet;
    public static delegate* unmanaged[Cdecl]<int, IntPtr> StrError;
    public static delegate* unmanaged[Cdecl]<int, IntPtr> ConnackString;

    /// <summary>Library names tried in order. TRPOEDGE_MOSQUITTO_LIB, when set, is the only one: a copy the user
    /// named explicitly must not be replaced silently by another.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        string? env = Environment.GetEnvironmentVariable("TRPOEDGE_MOSQUITTO_LIB");
        if (!string.IsNullOrWhiteSpace(env)) return [env];
        if (OperatingSystem.IsWindows()) list.Add("mosquitto.dll");
        else if (OperatingSystem.IsMacOS()) list.AddRange(["libmosquitto.1.dylib", "/opt/homebrew/lib/libmosquitto.1.dylib", "/usr/local/lib/libmosquitto.1.dylib"]);
        else list.AddRange(["libmosquitto.so.1", "libmosquitto.so"]);
        return list;
    }

    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded)) return;
        lock (Gate)
        {
            if (_loaded) return;
            IntPtr lib = IntPtr.Zero;
            foreach (string name in Candidates())
                if (NativeLibrary.TryLoad(name, out lib)) break;
            if (lib == IntPtr.Zero)
                throw new MqttException(
                    $"The MQTT client library libmosquitto could not be loaded (tried {string.Join(", ", Candidates())}). " +
                    $"Install it: on Debian/Ubuntu `apt-get install {DebianPackage}`, on macOS `brew install mosquitto`, " +
                    "or point TRPOEDGE_MOSQUITTO_LIB at a copy of the library.");
            IntPtr F(string name) => NativeLibrary.TryGetExport(lib, name, out IntPtr p) ? p
                : throw new MqttException($"The loaded libmosquitto lacks {name}; TrpoEdge needs libmosquitto 1.6 or newer ({DebianPackage}).");
            LibInit = (delegate* unmanaged[Cdecl]<int>)F("mosquitto_lib_init");
            New = (delegate* unmanaged[Cdecl]<byte*, byte, IntPtr, IntPtr>)F("mosquitto_new");
            Destroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)F("mosquitto_destroy");
            UsernamePwSet = (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, int>)F("mosquitto_username_pw_set");
            ConnectAsync = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int>)F("mosquitto_connect_async");
            Disconnect = (delegate* unmanaged[Cdecl]<IntPtr, int>)F("mosquitto_disconnect");
            LoopStart = (delegate* unmanaged[Cdecl]<IntPtr, int>)F("mosquitto_loop_start");
            LoopStop = (delegate* unmanaged[Cdecl]<IntPtr, byte, int>)F("mosquitto_loop_stop");
            Publish = (delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, byte*, int, byte, int>)F("mosquitto_publish");
            Subscribe = (delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, int>)F("mosquitto_subscribe");
            ConnectCallbackSet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)F("mosquitto_connect_callback_set");
            DisconnectCallbackSet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)F("mosquitto_disconnect_callback_set");
            PublishCallbackSet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)F("mosquitto_publish_callback_set");
            MessageCallbackSet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)F("mosquitto_message_callback_set");
            WillSet = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, byte*, int, byte, int>)F("mosquitto_will_set");
            ReconnectDelaySet = (delegate* unmanaged[Cdecl]<IntPtr, uint, uint, byte, int>)F("mosquitto_reconnect_delay_set");
            TlsSet = (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, byte*, byte*, IntPtr, int>)F("mosquitto_tls_set");
            TlsInsecureSet = (delegate* unmanaged[Cdecl]<IntPtr, byte, int>)F("mosquitto_tls_insecure_set");
            StrError = (delegate* unmanaged[Cdecl]<int, IntPtr>)F("mosquitto_strerror");
            ConnackString = (delegate* unmanaged[Cdecl]<int, IntPtr>)F("mosquitto_connack_string");
            int rc = LibInit();
            if (rc != Success) throw new MqttException($"mosquitto_lib_init failed: {Error(rc)}.");
            Volatile.Write(ref _loaded, true);
        }
    }

    public static string Error(int rc) => $"{Marshal.PtrToStringUTF8(StrError(rc)) ?? "?"} (code {rc})";

    public static string Connack(int rc) => Marshal.PtrToStringUTF8(ConnackString(rc)) ?? $"connack {rc}";

    /// <summary>A NUL-terminated UTF-8 copy (null stays null) for a fixed statement.</summary>
    public static byte[]? Utf8(string? s) => s is null ? null : Encoding.UTF8.GetBytes(s + "\0");
}
