namespace TrpoEdge.Trainer.Engine;

/// <summary>One long-lived helper thread that computes the second half of a large GEMM. A hand-off through two
/// reset events allocates nothing per call (Parallel.For and Task.Run would allocate closures and tasks), and the
/// caller keeps its spans pinned until <see cref="Join"/> returns, so raw pointers can cross threads. Only one
/// caller may hold the worker at a time (<see cref="TryAcquire"/>); a concurrent caller just runs single-threaded.</summary>
internal sealed class GemmWorker
{
    private static readonly Lazy<GemmWorker> s_shared = new(() => new GemmWorker(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ManualResetEventSlim _start = new(false, spinCount: 2000);
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private int _busy;
    private GemmProblem _problem;
    private GemmPath _path;
    private int _m0, _m1, _n0, _n1;
    private Exception? _error;

    private GemmWorker()
    {
        // ManualResetEventSlim creates its lock object (24 bytes) the first time a waiter has to block. A short timed
        // wait here makes that happen now, in construction, instead of inside some later caller's "zero-allocation" call.
        _done.Wait(1);
        var thread = new Thread(Loop) { IsBackground = true, Name = "TrpoEdge GEMM worker" };
        thread.Start();
    }

    public static GemmWorker Shared => s_shared.Value;

    public bool TryAcquire() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Starts the block [m0, m1) × [n0, n1) of <paramref name="problem"/> on the worker. The caller must
    /// hold the worker and must call <see cref="Join"/> before unpinning the problem's buffers.</summary>
    public void Start(in GemmProblem problem, GemmPath path, int m0, int m1, int n0, int n1)
    {
        _problem = problem;
        _path = path;
        (_m0, _m1, _n0, _n1) = (m0, m1, n0, n1);
        _error = null;
        _done.Reset();
        _start.Set();
    }

    /// <summary>Waits for the started block, releases the worker, and rethrows anything the block threw.</summary>
    public void Join()
    {
        _done.Wait();
        Exception? error = _error;
        Volatile.Write(ref _busy, 0);
        if (error is not null) throw new InvalidOperationException("The GEMM worker thread failed.", error);
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            _start.Reset();
            try
            {
                _problem.Run(_path, _m0, _m1, _n0, _n1);
            }
            catch (Exception e)
            {
                _error = e;
            }
            _done.Set();
        }
    }
}
