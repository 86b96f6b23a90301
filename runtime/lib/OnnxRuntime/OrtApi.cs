using System.Runtime.InteropServices;
using System.Text;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>The C API's function table (ORT_API_VERSION 23), read once. Slot numbers are those in
/// shared/reference/onnxruntime-c-api.md; each pointer is typed with its C signature. Opaque ORT
/// objects are <see cref="IntPtr"/>; a non-null returned <c>OrtStatus*</c> is turned into an
/// <see cref="OnnxRuntimeException"/> by <see cref="Check"/>.</summary>
internal static unsafe class OrtApi
{
    public const uint ApiVersion = 23;

    public static readonly string LoadedFrom;
    public static readonly string VersionString;

    public static readonly delegate* unmanaged<IntPtr, OrtErrorCode> GetErrorCode;
    public static readonly delegate* unmanaged<IntPtr, byte*> GetErrorMessage;
    public static readonly delegate* unmanaged<OrtLoggingLevel, byte*, IntPtr*, IntPtr> CreateEnv;
    public static readonly delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    public static readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    public static readonly delegate* unmanaged<IntPtr*, IntPtr> CreateSessionOptions;
    public static readonly delegate* unmanaged<IntPtr, GraphOptimizationLevel, IntPtr> SetSessionGraphOptimizationLevel;
    public static readonly delegate* unmanaged<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public static readonly delegate* unmanaged<IntPtr, int, IntPtr> SetInterOpNumThreads;
    public static readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public static readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public static readonly delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    public static readonly delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public static readonly delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetInputName;
    public static readonly delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetOutputName;
    public static readonly delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, TensorElementType, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public static readonly delegate* unmanaged<IntPtr, void**, IntPtr> GetTensorMutableData;
    public static readonly delegate* unmanaged<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public static readonly delegate* unmanaged<IntPtr, TensorElementType*, IntPtr> GetTensorElementType;
    public static readonly delegate* unmanaged<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public static readonly delegate* unmanaged<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public static readonly delegate* unmanaged<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public static readonly delegate* unmanaged<IntPtr, void*, IntPtr> AllocatorFree;
    public static readonly delegate* unmanaged<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseEnv;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseStatus;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseMemoryInfo;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseSession;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseValue;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseTypeInfo;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseSessionOptions;
    public static readonly delegate* unmanaged<IntPtr, IntPtr*, IntPtr> SessionGetModelMetadata;
    public static readonly delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr> ModelMetadataGetProducerName;
    public static readonly delegate* unmanaged<IntPtr, IntPtr, byte*, byte**, IntPtr> ModelMetadataLookupCustomMetadataMap;
    public static readonly delegate* unmanaged<IntPtr, long*, IntPtr> ModelMetadataGetVersion;
    public static readonly delegate* unmanaged<IntPtr, void> ReleaseModelMetadata;
    public static readonly delegate* unmanaged<IntPtr, IntPtr, byte***, long*, IntPtr> ModelMetadataGetCustomMetadataMapKeys;

    /// <summary>ORT's process-wide default CPU allocator (never freed).</summary>
    public static readonly IntPtr DefaultAllocator;

    static OrtApi()
    {
        IntPtr lib = OrtNativeLibrary.Load(out string loadedFrom);
        LoadedFrom = loadedFrom;
        if (!NativeLibrary.TryGetExport(lib, "OrtGetApiBase", out IntPtr getApiBase))
            throw new EntryPointNotFoundException($"{loadedFrom} does not export OrtGetApiBase; it is not an ONNX Runtime library.");
        var apiBase = (IntPtr*)((delegate* unmanaged<IntPtr>)getApiBase)();
        var getApi = (delegate* unmanaged<uint, IntPtr*>)apiBase[0];
        var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
        VersionString = Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "?";
        IntPtr* t = getApi(ApiVersion);
        if (t == null)
            throw new NotSupportedException(
                $"ONNX Runtime at {loadedFrom} is version {VersionString} and does not offer C API version {ApiVersion}; "
                + $"use ONNX Runtime {OrtNativeLibrary.Version} or newer (set {OrtNativeLibrary.EnvironmentVariable}).");

        GetErrorCode = (delegate* unmanaged<IntPtr, OrtErrorCode>)t[1];
        GetErrorMessage = (delegate* unmanaged<IntPtr, byte*>)t[2];
        CreateEnv = (delegate* unmanaged<OrtLoggingLevel, byte*, IntPtr*, IntPtr>)t[3];
        CreateSessionFromArray = (delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)t[8];
        Run = (delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)t[9];
        CreateSessionOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[10];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<IntPtr, GraphOptimizationLevel, IntPtr>)t[23];
        SetIntraOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[24];
        SetInterOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[25];
        SessionGetInputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[30];
        SessionGetOutputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[31];
        SessionGetInputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[34];
        SessionGetInputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)t[36];
        SessionGetOutputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)t[37];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, TensorElementType, IntPtr*, IntPtr>)t[49];
        GetTensorMutableData = (delegate* unmanaged<IntPtr, void**, IntPtr>)t[51];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[55];
        GetTensorElementType = (delegate* unmanaged<IntPtr, TensorElementType*, IntPtr>)t[60];
        GetDimensionsCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[61];
        GetDimensions = (delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)t[62];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, IntPtr*, IntPtr>)t[69];
        AllocatorFree = (delegate* unmanaged<IntPtr, void*, IntPtr>)t[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[78];
        ReleaseEnv = (delegate* unmanaged<IntPtr, void>)t[92];
        ReleaseStatus = (delegate* unmanaged<IntPtr, void>)t[93];
        ReleaseMemoryInfo = (delegate* unmanaged<IntPtr, void>)t[94];
        ReleaseSession = (delegate* unmanaged<IntPtr, void>)t[95];
        ReleaseValue = (delegate* unmanaged<IntPtr, void>)t[96];
        ReleaseTypeInfo = (delegate* unmanaged<IntPtr, void>)t[98];
        ReleaseSessionOptions = (delegate* unmanaged<IntPtr, void>)t[100];
        SessionGetModelMetadata = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[111];
        ModelMetadataGetProducerName = (delegate* unmanaged<IntPtr, IntPtr, byte**, IntPtr>)t[112];
        ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged<IntPtr, IntPtr, byte*, byte**, IntPtr>)t[116];
        ModelMetadataGetVersion = (delegate* unmanaged<IntPtr, long*, IntPtr>)t[117];
        ReleaseModelMetadata = (delegate* unmanaged<IntPtr, void>)t[118];
        ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged<IntPtr, IntPtr, byte***, long*, IntPtr>)t[123];

        IntPtr allocator;
        Check(GetAllocatorWithDefaultOptions(&allocator), "getting the default allocator");
        DefaultAllocator = allocator;
    }

    /// <summary>Throws for a non-null status, after freeing it. <paramref name="doing"/> says what we
    /// were doing, so the message reads "while loading the model: ...".</summary>
    public static void Check(IntPtr status, string doing)
    {
        if (status == IntPtr.Zero) return;
        Throw(status, doing);
    }

    private static void Throw(IntPtr status, string doing)
    {
        OrtErrorCode code = GetErrorCode(status);
        string message = Marshal.PtrToStringUTF8((IntPtr)GetErrorMessage(status)) ?? "(no message)";
        ReleaseStatus(status);
        throw new OnnxRuntimeException(code, $"{message} (while {doing})");
    }

    /// <summary>Copies and frees a string that ORT allocated with the default allocator.</summary>
    public static string TakeString(byte* p)
    {
        if (p == null) return "";
        string s = Marshal.PtrToStringUTF8((IntPtr)p) ?? "";
        Check(AllocatorFree(DefaultAllocator, p), "freeing a string");
        return s;
    }

    /// <summary>A NUL-terminated UTF-8 copy in native memory; free with <see cref="NativeMemory.Free"/>.</summary>
    public static byte* AllocUtf8(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return p;
    }
}
