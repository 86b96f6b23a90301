using System.Runtime.InteropServices;
using System.Text;

namespace TrpoEdge.Emulator.Mqtt;

/// <summary>The few libmosquitto calls the virtual rig needs to serve over a broker. The runtime has the full
/// binding (runtime/lib/Mqtt); docs/ARCHITECTURE.md lets hardware/ reference only sim and core, so the rig side carries
/// this small one of its own — as a real rig's MQTT gateway would.</summary>
internal static unsafe class GatewayNative
{
    private static readonly object Gate = new();
    private static bool _loaded;

    public static delegate* unmanaged[Cdecl]<int> LibInit;
    public static delegate* unmanaged[Cdecl]<byte*, byte, IntPtr, IntPtr> New;
    public static delegate* unmanaged[Cdecl]<IntPtr, void> Destroy;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, int> UsernamePwSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int> Connect;
    public static delegate* unmanaged[Cdecl]<IntPtr, int> Disconnect;
    public static delegate* unmanaged[Cdecl]<IntPtr, int> LoopStart;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte, int> LoopStop;
    public static delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, byte*, int, byte, int> Publish;
    public static delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, int> Subscribe;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> ConnectCallbackSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> MessageCallbackSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, byte*, int, byte*, int, byte, int> WillSet;
    public static delegate* unmanaged[Cdecl]<IntPtr, uint, uint, byte, int> ReconnectDelaySet;
    public static delegate* unmanaged[Cdecl]<int, IntPtr> StrError;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            string[] names = OperatingSystem.IsWindows() ? ["mosquitto.dll"]
                : OperatingSystem.IsMacOS() ? ["libmosquitto.1.dylib", "/opt/homebrew/lib/libmosquitto.1.dylib"]
                : ["libmosquitto.so.1", "libmosquitto.so"];
            IntPtr lib = IntPtr.Zero;
            foreach (string n in names)
                if (NativeLibrary.TryLoad(n, out lib)) break;
            if (lib == IntPtr.Zero)
                throw new IOException($"libmosquitto could not be loaded (tried {string.Join(", ", names)}); install the Debian package libmosquitto1 (apt-get install libmosquitto1) to serve the rig over MQTT.");
            IntPtr F(string name) => NativeLibrary.GetExport(lib, name);
            LibInit = (delegate* unmanaged[Cdecl]<int>)F("mosquitto_lib_init");
            New = (delegate* unmanaged[Cdecl]<byte*, byte, IntPtr, IntPtr>)F("mosquitto_new");
            Destroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)F("mosquitto_destroy");
            UsernamePwSet = (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, int>)F("mosquitto_username_pw_set");
            Connect = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int>)F("mosquitto_connect");
            Disconnect = (delegate* unmanaged[Cdecl]<IntPtr, int>)F("mosquitto_disconnect");
            LoopStart = (delegate* unmanaged[Cdecl]<IntPtr, int>)F("mosquitto_loop_start");
            LoopStop = (delegate* unmanaged[Cdecl]<IntPtr, byte, int>)F("mosquitto_loop_stop");
            Publish = (delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, byte*, int, byte, int>)F("mosquitto_publish");
            Subscribe = (delegate* unmanaged[Cdecl]<IntPtr, int*, byte*, int, int>)F("mosquitto_subscribe");
            ConnectCallbackSet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)F("mosquitto_connect_callback_set");
            MessageCallbackSet = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)F("mosquitto_message_callback_set");
            WillSet = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, byte*, int, byte, int>)F("mosquitto_will_set");
            ReconnectDelaySet = (delegate* unmanaged[Cdecl]<IntPtr, uint, uint, byte, int>)F("mosquitto_reconnect_delay_set");
            StrError = (delegate* unmanaged[Cdecl]<int, IntPtr>)F("mosquitto_strerror");
            LibInit();
            _loaded = true;
        }
    }

    public static string Error(int rc) => $"{Marshal.PtrToStringUTF8(StrError(rc)) ?? "?"} (code {rc})";

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + "\0");
}
