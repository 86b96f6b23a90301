namespace TrpoEdge.Sim.Vector;

/// <summary>A few persistent background threads that each run one part of an <see cref="IParallelWork"/>
/// while the caller runs part 0. Per-worker start events (which spin briefly before blocking, so a
/// stepping loop hands work over in microseconds) and one completion event; nothing is allocated per run.</summary>
internal sealed class WorkerPool : IDisposable
{
    private const int SpinCount = 2000;
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false, SpinCount);
    private IParallelWork? _work;
    private int _pending;
    private Exception? _error;
    private volatile bool _disposed;

    public WorkerPool(int workers)
    {
        _threads = new Thread[workers];
        _start = new ManualResetEventSlim[workers];
        for (int w = 0; w < workers; w++)
        {
            _start[w] = new ManualResetEventSlim(false, SpinCount);
            int index = w;
            _threads[w] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"VectorEnv worker {w + 1}" };
            _threads[w].Start();
        }
    }

    /// <summary>Parts this pool runs at once: the workers plus the calling thread.</summary>
    public int Parts => _threads.Length + 1;

    public void Run(IParallelWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int parts = Parts;
        _work = work;
        _error = null;
        _pending = parts - 1;
        _done.Reset();
        for (int w = 0; w < _start.Length; w++) _start[w].Set();
        try
        {
            work.Execute(0, parts);
        }
        finally
        {
            _done.Wait();
            _work = null;
        }
        if (_error is Exception e) throw new AggregateException("A VectorEnv worker failed.", e);
    }

    private void Loop(int index)
    {
        var start = _start[index];
        while (true)
        {
            start.Wait();
            start.Reset();
            if (_disposed) return;
            try
            {
                _work!.Execute(index + 1, _threads.Length + 1);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _start) s.Set();
        foreach (var t in _threads) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
