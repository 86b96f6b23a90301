using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>Owns one ORT object and releases it with its own Release function, exactly once, even if
/// the owner forgets to dispose (SafeHandle's finaliser) or a Run is in flight (SafeHandle ref counts).</summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<IntPtr, void> _release;
    private readonly IDisposable? _dependent;

    /// <param name="dependent">Released right after the ORT object, e.g. the pin of the buffer a tensor
    /// points into: tying it to the handle means the buffer cannot move while any Run still holds a
    /// reference to the value.</param>
    public OrtHandle(IntPtr handle, delegate* unmanaged<IntPtr, void> release, IDisposable? dependent = null)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        _dependent = dependent;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw pointer, after checking the owner was not disposed.</summary>
    public IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return handle;
        }
    }

    protected override bool ReleaseHandle()
    {
        _release(handle);
        _dependent?.Dispose();
        return true;
    }
}
