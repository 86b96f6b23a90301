using Microsoft.ML.OnnxRuntime;

namespace TrpoEdge.Runtime.Inference;

/// <summary>A model's inputs and outputs bound once to caller-owned <see cref="OrtValue"/>s (an
/// <see cref="OrtIoBinding"/>). <see cref="Run"/> is ORT's RunWithBinding: no name marshalling, no result
/// collection, no managed allocation. The values stay owned by the caller and must outlive the binding.</summary>
public sealed class ModelBinding : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;
    private bool _disposed;

    internal ModelBinding(InferenceSession session, IReadOnlyList<KeyValuePair<string, OrtValue>> inputs, IReadOnlyList<KeyValuePair<string, OrtValue>> outputs)
    {
        _session = session;
        _binding = session.CreateIoBinding();
        _runOptions = new RunOptions();
        try
        {
            foreach (var (name, value) in inputs) _binding.BindInput(name, value);
            foreach (var (name, value) in outputs) _binding.BindOutput(name, value);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Runs the model on the bound inputs; results land in the bound output buffers.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _session.RunWithBinding(_runOptions, _binding);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding.Dispose();
        _runOptions.Dispose();
    }
}
