namespace TrpoEdge.Trainer.Engine;

/// <summary>One long-lived helper thread that computes the second half of a large GEMM. A hand-off through two
/// reset events allocates nothing per call (Parallel.For and Task.Run would allocate closures and tasks), and the
/// caller keeps its spans pinned until <see cref="Join"/> returns, so raw pointers can cross threads. Only one
/// caller may hold the worker at a time (<see cref="TryAcquire"/>); a concurrent caller just runs single-threaded.
///
/// Why the caller may take the half back: on a busy machine the helper thread can wait a whole scheduler time slice
/// (milliseconds) for a core, while the caller's half of a 2048×64×64 product takes tens of microseconds; waiting for
/// it made a loaded 2-core machine train several times slower than one thread would. So a started half is only
/// <i>offered</i>: the worker claims it when it wakes (Pending → Running), and a caller that finishes its own half
/// first and finds the offer unclaimed withdraws it (Pending → Withdrawn) and computes it itself. Either way each half
/// runs exactly once, and the split is never much slower than not splitting.</summary>
internal sealed class GemmWorker
{
    private const int Idle = 0, Pending = 1, Running = 2, Withdrawn = 3;

    private static readonly Lazy<GemmWorker> s_shared = new(() => new GemmWorker(startThread: true), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ManualResetEventSlim _start = new(false, spinCount: 2000);
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private int _busy;
    private int _state;
    private GemmProblem _problem;
    private GemmPath _path;
    private int _m0, _m1, _n0, _n1;
    private Exception? _error;

    /// <param name="startThread">false only in tests: no helper thread, so every offered half is withdrawn and run by
    /// the caller (the path a busy machine takes).</param>
    internal GemmWorker(bool startThread)
    {
        // ManualResetEventSlim creates its lock object (24 bytes) the first time a waiter has to block. A short timed
        // wait here makes that happen now, in construction, instead of inside some later caller's "zero-allocation" call.
        _done.Wait(1);
        if (!startThread) return;
        var thread = new Thread(Loop) { IsBackground = true, Name = "TrpoEdge GEMM worker" };
        thread.Start();
    }

    public static GemmWorker Shared => s_shared.Value;

    /// <summary>Halves the caller computed itself because the worker had not claimed them (diagnostics and tests).</summary>
    public long Withdrawals { get; private set; }

    public bool TryAcquire() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>Offers the block [m0, m1) × [n0, n1) of <paramref name="problem"/> to the worker. The caller must
    /// hold the worker and must call <see cref="Join"/> before unpinning the problem's buffers.</summary>
    public void Start(in GemmProblem problem, GemmPath path, int m0, int m1, int n0, int n1)
    {
        _problem = problem;
        _path = path;
        (_m0, _m1, _n0, _n1) = (m0, m1, n0, n1);
        _error = null;
        _done.Reset();
        // Publishes the fields above before the worker can claim them (a volatile write is a release).
        Volatile.Write(ref _state, Pending);
        _start.Set();
    }

    /// <summary>Computes the offered block here if the worker has not claimed it, else waits for the worker; then
    /// releases the worker and rethrows anything the worker's block threw.</summary>
    public void Join()
    {
        try
        {
            if (Interlocked.CompareExchange(ref _state, Withdrawn, Pending) == Pending)
            {
                Withdrawals++;
                _problem.Run(_path, _m0, _m1, _n0, _n1);
                return;
            }
            _done.Wait();
            if (_error is { } error) throw new InvalidOperationException("The GEMM worker thread failed.", error);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            _start.Reset();
            // A stale wake-up (the caller withdrew the offer, or a later offer was already run) finds no Pending offer.
            if (Interlocked.CompareExchange(ref _state, Running, Pending) != Pending) continue;
            try
            {
                _problem.Run(_path, _m0, _m1, _n0, _n1);
            }
            catch (Exception e)
            {
                _error = e;
            }
            Volatile.Write(ref _state, Idle);
            _done.Set();
        }
    }
}
