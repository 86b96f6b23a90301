using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>A session with its inputs and outputs bound to pinned caller buffers. <see cref="Run"/>
/// passes prepared native arrays of names and values straight to OrtApi::Run: no marshalling, no
/// managed allocation. The binding holds a reference on the session and every value, so none of them
/// is released (nor its buffer unpinned) while the binding lives, even if disposed early.</summary>
public sealed unsafe class SessionBinding : IDisposable
{
    private readonly OrtHandle _session;
    private readonly OrtHandle[] _held;
    private readonly int _inputCount;
    private readonly int _outputCount;
    // One native block: input names, output names, input values, output values (all pointer-sized).
    private IntPtr* _block;
    private readonly List<IntPtr> _names = [];
    private int _disposed;

    internal SessionBinding(InferenceSession session, IReadOnlyList<KeyValuePair<string, OrtValue>> inputs, IReadOnlyList<KeyValuePair<string, OrtValue>> outputs)
    {
        _inputCount = inputs.Count;
        _outputCount = outputs.Count;
        _session = session.Handle;
        _held = [_session, .. inputs.Select(kv => kv.Value.Handle), .. outputs.Select(kv => kv.Value.Handle)];
        int added = 0;
        try
        {
            foreach (OrtHandle h in _held)
            {
                bool ok = false;
                h.DangerousAddRef(ref ok);
                added++;
            }
            int total = 2 * (_inputCount + _outputCount);
            _block = (IntPtr*)NativeMemory.AllocZeroed((nuint)(Math.Max(total, 1) * sizeof(IntPtr)));
            for (int i = 0; i < _inputCount; i++)
            {
                _block[i] = Name(inputs[i].Key);
                _block[_inputCount + _outputCount + i] = inputs[i].Value.Handle.DangerousGetHandle();
            }
            for (int o = 0; o < _outputCount; o++)
            {
                _block[_inputCount + o] = Name(outputs[o].Key);
                _block[2 * _inputCount + _outputCount + o] = outputs[o].Value.Handle.DangerousGetHandle();
            }
        }
        catch
        {
            for (int i = 0; i < added; i++) _held[i].DangerousRelease();
            FreeNative();
            throw;
        }
    }

    /// <summary>Runs the model on the bound inputs; results land in the bound output buffers.</summary>
    public void Run()
    {
        if (_disposed != 0) throw new ObjectDisposedException(nameof(SessionBinding));
        IntPtr* inNames = _block;
        IntPtr* outNames = _block + _inputCount;
        IntPtr* inValues = _block + _inputCount + _outputCount;
        IntPtr* outValues = inValues + _inputCount;
        IntPtr status = OrtApi.Run(_session.DangerousGetHandle(), IntPtr.Zero, inNames, inValues, (nuint)_inputCount,
            outNames, (nuint)_outputCount, outValues);
        if (status != IntPtr.Zero) OrtApi.Check(status, "running the model");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        FreeNative();
        foreach (OrtHandle h in _held) h.DangerousRelease();
    }

    private IntPtr Name(string name)
    {
        var p = (IntPtr)OrtApi.AllocUtf8(name);
        _names.Add(p);
        return p;
    }

    private void FreeNative()
    {
        foreach (IntPtr p in _names) NativeMemory.Free((void*)p);
        _names.Clear();
        if (_block != null) NativeMemory.Free(_block);
        _block = null;
    }
}
