using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TrpoEdge.Runtime.Inference;

/// <summary>A loaded ONNX model (Microsoft.ML.OnnxRuntime's <see cref="InferenceSession"/>) on one device.
/// Built from bytes so the caller can hash exactly what was loaded. Inputs, outputs and metadata are read
/// once here; running goes through <see cref="Bind"/>, which pre-binds caller buffers so a run allocates
/// nothing managed.</summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    /// <exception cref="DeviceUnavailableException">A CUDA device was asked for and cannot work here.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model (the message says why).</exception>
    public OnnxModel(byte[] model, InferenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0) throw new ArgumentException("The model is empty (0 bytes); pass the bytes of an .onnx file.", nameof(model));
        options ??= new InferenceOptions();
        options.Validate();
        _ = OnnxRuntimeEnvironment.Instance;
        CudaProbe.EnsureAvailable(options.Device);
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = options.OptimizationLevel,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.Device.Kind == DeviceKind.Cuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(options.Device.Index);
            }
            catch (OnnxRuntimeException e)
            {
                throw new DeviceUnavailableException(options.Device,
                    $"--device {options.Device}: ONNX Runtime's CUDA provider did not start ({FirstLine(e.Message)}); "
                    + "it needs CUDA 13 (cuBLAS, cudart) and cuDNN 9 and a CUDA device with that index; or use --device cpu.", e);
            }
        }
        _session = new InferenceSession(model, sessionOptions);
        Device = options.Device;
        try
        {
            Inputs = ReadNodes(_session.InputNames, _session.InputMetadata);
            Outputs = ReadNodes(_session.OutputNames, _session.OutputMetadata);
            ModelMetadata m = _session.ModelMetadata;
            Metadata = new OnnxModelMetadata(m.ProducerName, m.Version, new Dictionary<string, string>(m.CustomMetadataMap, StringComparer.Ordinal));
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Reads the file and opens it; a missing file is reported with its full path.</summary>
    public static OnnxModel FromFile(string path, InferenceOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {Path.GetFullPath(path)}", path);
        return new OnnxModel(File.ReadAllBytes(path), options);
    }

    public IReadOnlyList<NodeInfo> Inputs { get; }
    public IReadOnlyList<NodeInfo> Outputs { get; }
    public OnnxModelMetadata Metadata { get; }
    public InferenceDevice Device { get; }

    public NodeInfo? FindInput(string name) => Inputs.FirstOrDefault(n => n.Name == name);
    public NodeInfo? FindOutput(string name) => Outputs.FirstOrDefault(n => n.Name == name);

    /// <summary>Binds named inputs and outputs to caller-owned tensors once (an <see cref="OrtIoBinding"/>), so
    /// each later <see cref="ModelBinding.Run"/> allocates nothing managed. ORT writes every output into the
    /// bound value's buffer; an output left out is not computed.</summary>
    public ModelBinding Bind(IReadOnlyList<KeyValuePair<string, OrtValue>> inputs, IReadOnlyList<KeyValuePair<string, OrtValue>> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var (name, _) in inputs)
            if (FindInput(name) is null)
                throw new ArgumentException($"The model has no input \"{name}\"; it has: {string.Join(", ", Inputs)}.", nameof(inputs));
        foreach (var (name, _) in outputs)
            if (FindOutput(name) is null)
                throw new ArgumentException($"The model has no output \"{name}\"; it has: {string.Join(", ", Outputs)}.", nameof(outputs));
        return new ModelBinding(_session, inputs, outputs);
    }

    public void Dispose() => _session.Dispose();

    private static NodeInfo[] ReadNodes(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var nodes = new NodeInfo[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            NodeMetadata m = metadata[names[i]];
            nodes[i] = m.IsTensor
                ? new NodeInfo(names[i], m.ElementDataType, m.Dimensions.Select(d => (long)d).ToArray())
                : new NodeInfo(names[i], TensorElementType.DataTypeMax, []);
        }
        return nodes;
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? s : s[..nl]).Trim();
    }
}
