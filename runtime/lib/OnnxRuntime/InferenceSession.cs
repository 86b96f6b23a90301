using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>A loaded ONNX model. Built from bytes (CreateSessionFromArray), which sidesteps the
/// char/wchar_t path difference between platforms and lets the caller hash exactly what was loaded.
/// Inputs, outputs and metadata are read once here; running goes through <see cref="Bind"/>.</summary>
public sealed unsafe class InferenceSession : IDisposable
{
    private readonly OrtHandle _handle;

    public InferenceSession(byte[] model, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0) throw new ArgumentException("The model is empty (0 bytes); pass the bytes of an .onnx file.", nameof(model));
        options ??= new SessionOptions();
        options.Validate();
        OrtEnvironment env = OrtEnvironment.Instance;

        IntPtr nativeOptions;
        OrtApi.Check(OrtApi.CreateSessionOptions(&nativeOptions), "creating session options");
        try
        {
            OrtApi.Check(OrtApi.SetIntraOpNumThreads(nativeOptions, options.IntraOpThreads), $"setting intra-op threads to {options.IntraOpThreads}");
            OrtApi.Check(OrtApi.SetInterOpNumThreads(nativeOptions, options.InterOpThreads), $"setting inter-op threads to {options.InterOpThreads}");
            OrtApi.Check(OrtApi.SetSessionGraphOptimizationLevel(nativeOptions, options.OptimizationLevel), $"setting optimisation level {options.OptimizationLevel}");
            IntPtr session;
            fixed (byte* data = model)
                OrtApi.Check(OrtApi.CreateSessionFromArray(env.Handle, data, (nuint)model.Length, nativeOptions, &session),
                    $"loading a model of {model.Length} bytes");
            _handle = new OrtHandle(session, OrtApi.ReleaseSession);
        }
        finally
        {
            OrtApi.ReleaseSessionOptions(nativeOptions);
        }

        try
        {
            Inputs = ReadNodes(isInput: true);
            Outputs = ReadNodes(isInput: false);
            Metadata = ReadMetadata();
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads the file and opens it; a missing file is reported with its full path.</summary>
    public static InferenceSession FromFile(string path, SessionOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {Path.GetFullPath(path)}", path);
        return new InferenceSession(File.ReadAllBytes(path), options);
    }

    public IReadOnlyList<NodeInfo> Inputs { get; }
    public IReadOnlyList<NodeInfo> Outputs { get; }
    public ModelMetadata Metadata { get; }

    internal OrtHandle Handle => _handle;

    public NodeInfo? FindInput(string name) => Inputs.FirstOrDefault(n => n.Name == name);
    public NodeInfo? FindOutput(string name) => Outputs.FirstOrDefault(n => n.Name == name);

    /// <summary>Binds named inputs and outputs to caller-owned tensors once, so each later
    /// <see cref="SessionBinding.Run"/> allocates nothing managed. ORT writes every output into the
    /// bound value's buffer; an output left out is not computed.</summary>
    public SessionBinding Bind(IReadOnlyList<KeyValuePair<string, OrtValue>> inputs, IReadOnlyList<KeyValuePair<string, OrtValue>> outputs)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        foreach (var (name, _) in inputs)
            if (FindInput(name) is null)
                throw new ArgumentException($"The model has no input \"{name}\"; it has: {string.Join(", ", Inputs)}.", nameof(inputs));
        foreach (var (name, _) in outputs)
            if (FindOutput(name) is null)
                throw new ArgumentException($"The model has no output \"{name}\"; it has: {string.Join(", ", Outputs)}.", nameof(outputs));
        return new SessionBinding(this, inputs, outputs);
    }

    public void Dispose() => _handle.Dispose();

    private NodeInfo[] ReadNodes(bool isInput)
    {
        IntPtr s = _handle.Pointer;
        nuint count;
        OrtApi.Check(isInput ? OrtApi.SessionGetInputCount(s, &count) : OrtApi.SessionGetOutputCount(s, &count),
            isInput ? "counting inputs" : "counting outputs");
        var nodes = new NodeInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePtr;
            OrtApi.Check(isInput
                ? OrtApi.SessionGetInputName(s, i, OrtApi.DefaultAllocator, &namePtr)
                : OrtApi.SessionGetOutputName(s, i, OrtApi.DefaultAllocator, &namePtr), $"reading the name of {(isInput ? "input" : "output")} {i}");
            string name = OrtApi.TakeString(namePtr);

            IntPtr typeInfo;
            OrtApi.Check(isInput
                ? OrtApi.SessionGetInputTypeInfo(s, i, &typeInfo)
                : OrtApi.SessionGetOutputTypeInfo(s, i, &typeInfo), $"reading the type of \"{name}\"");
            try
            {
                IntPtr tensorInfo;
                OrtApi.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), $"reading the tensor type of \"{name}\"");
                if (tensorInfo == IntPtr.Zero)
                {
                    nodes[i] = new NodeInfo(name, TensorElementType.Undefined, []);
                    continue;
                }
                TensorElementType type;
                OrtApi.Check(OrtApi.GetTensorElementType(tensorInfo, &type), $"reading the element type of \"{name}\"");
                nuint rank;
                OrtApi.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank), $"reading the rank of \"{name}\"");
                var dims = new long[(int)rank];
                fixed (long* d = dims)
                    OrtApi.Check(OrtApi.GetDimensions(tensorInfo, d, rank), $"reading the dimensions of \"{name}\"");
                nodes[i] = new NodeInfo(name, type, dims);
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }
        }
        return nodes;
    }

    private ModelMetadata ReadMetadata()
    {
        IntPtr meta;
        OrtApi.Check(OrtApi.SessionGetModelMetadata(_handle.Pointer, &meta), "reading model metadata");
        try
        {
            byte* producer;
            OrtApi.Check(OrtApi.ModelMetadataGetProducerName(meta, OrtApi.DefaultAllocator, &producer), "reading the producer name");
            string producerName = OrtApi.TakeString(producer);
            long version;
            OrtApi.Check(OrtApi.ModelMetadataGetVersion(meta, &version), "reading the model version");

            byte** keys;
            long keyCount;
            OrtApi.Check(OrtApi.ModelMetadataGetCustomMetadataMapKeys(meta, OrtApi.DefaultAllocator, &keys, &keyCount), "listing custom metadata keys");
            var custom = new Dictionary<string, string>(StringComparer.Ordinal);
            if (keys != null)
            {
                try
                {
                    for (long k = 0; k < keyCount; k++)
                    {
                        string key = Marshal.PtrToStringUTF8((IntPtr)keys[k]) ?? "";
                        byte* value;
                        OrtApi.Check(OrtApi.ModelMetadataLookupCustomMetadataMap(meta, OrtApi.DefaultAllocator, keys[k], &value), $"reading metadata \"{key}\"");
                        if (value != null) custom[key] = OrtApi.TakeString(value);
                    }
                }
                finally
                {
                    for (long k = 0; k < keyCount; k++) OrtApi.AllocatorFree(OrtApi.DefaultAllocator, keys[k]);
                    OrtApi.AllocatorFree(OrtApi.DefaultAllocator, keys);
                }
            }
            return new ModelMetadata(producerName, version, custom);
        }
        finally
        {
            OrtApi.ReleaseModelMetadata(meta);
        }
    }
}
