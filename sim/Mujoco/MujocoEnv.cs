using System.Globalization;
using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Mujoco;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>What Gymnasium's <c>MujocoEnv</c> does around the physics: a compiled model shared by all copies, one
/// <c>mjData</c> per environment, <c>reset</c> as <c>mj_resetData</c> + the subclass's noisy qpos/qvel +
/// <c>mj_forward</c>, <c>step</c> as <c>ctrl = action</c> then <c>frame_skip</c> calls of <c>mj_step</c>, the time
/// limit, and a snapshot of every input <c>mj_step</c> reads (time, qpos, qvel, act, the solver's warm start, ctrl) so
/// that a restored environment replays bit for bit. The native data is freed by <see cref="Dispose"/> or the finalizer.</summary>
public abstract unsafe class MujocoEnv : IEnv, IDisposable
{
    /// <summary>Gymnasium's TimeLimit for the MuJoCo locomotion ids.</summary>
    public const int TimeLimit = 1000;

    private readonly MujocoLibrary _lib;
    private readonly nint _m;
    private nint _d;
    private nint _scratch; // a second mjData for drawing, so rendering never touches the simulated state
    private readonly double* _qpos, _qvel, _act, _warm, _ctrl;
    private readonly double[] _resetQpos, _resetQvel;
    private readonly int _stateLength;
    private int _elapsed;
    private bool _started;

    private protected MujocoEnv(string id, string modelFile, int frameSkip, int observationSize)
    {
        Model = MujocoModel.Get(id, modelFile);
        _lib = Model.Library;
        _m = Model.Pointer;
        Id = id;
        FrameSkip = frameSkip;
        Dt = Model.Timestep * frameSkip; // Gymnasium's self.dt = model.opt.timestep * frame_skip
        ObservationSize = observationSize;
        var inf = new float[observationSize];
        Array.Fill(inf, float.PositiveInfinity);
        ObservationSpace = new BoxSpace(inf.Select(v => -v).ToArray(), inf);
        var low = new float[Model.Nu];
        var high = new float[Model.Nu];
        for (int i = 0; i < Model.Nu; i++)
        {
            low[i] = (float)Model.CtrlRange[2 * i];
            high[i] = (float)Model.CtrlRange[2 * i + 1];
        }
        ActionSpace = new BoxSpace(low, high);
        _d = _lib.MakeData(_m);
        if (_d == 0) throw new InvalidOperationException($"{id}: mj_makeData could not allocate the simulation data.");
        _qpos = MujocoLibrary.Array(_d, MujocoLayout.DataQpos);
        _qvel = MujocoLibrary.Array(_d, MujocoLayout.DataQvel);
        _act = MujocoLibrary.Array(_d, MujocoLayout.DataAct);
        _warm = MujocoLibrary.Array(_d, MujocoLayout.DataQaccWarmstart);
        _ctrl = MujocoLibrary.Array(_d, MujocoLayout.DataCtrl);
        _resetQpos = new double[Model.Nq];
        _resetQvel = new double[Model.Nv];
        _stateLength = 1 + Model.Nq + Model.Nv + Model.Na + Model.Nv + Model.Nu + 2;
    }

    public string Id { get; }
    public Space ObservationSpace { get; }
    public Space ActionSpace { get; }
    public int MaxEpisodeSteps => TimeLimit;
    /// <summary>Gymnasium's <c>dt</c>: <c>opt.timestep · frame_skip</c>.</summary>
    public double ControlPeriod => Dt;
    public double Dt { get; }
    public int FrameSkip { get; }
    public int ObservationSize { get; }
    internal MujocoModel Model { get; }
    private protected Pcg64 Rng { get; } = new(0);

    /// <summary>The reward terms of the last step (Gymnasium's info dict).</summary>
    public MujocoStepInfo LastInfo { get; private protected set; }

    /// <summary>Steps since the last reset.</summary>
    public int Elapsed => _elapsed;

    /// <summary>Generalised positions (nq); valid until the next Step, Reset or Restore.</summary>
    public ReadOnlySpan<double> Qpos => _d != 0 ? new(_qpos, Model.Nq) : throw new ObjectDisposedException(Id);
    /// <summary>Generalised velocities (nv).</summary>
    public ReadOnlySpan<double> Qvel => _d != 0 ? new(_qvel, Model.Nv) : throw new ObjectDisposedException(Id);
    /// <summary>Simulated time in seconds (<c>mjData.time</c>).</summary>
    public double Time => MujocoLibrary.Read<double>(Live, MujocoLayout.DataTime);

    private nint Live => _d != 0 ? _d : throw new ObjectDisposedException(Id);

    /// <summary>Fills the reset configuration from <see cref="Rng"/>: <c>init_qpos</c>/<c>init_qvel</c> plus noise.</summary>
    private protected abstract void SampleReset(ReadOnlySpan<double> initQpos, Span<double> qpos, Span<double> qvel);

    /// <summary>Reward terms, termination, and the observation, from the state after the step.</summary>
    private protected abstract StepResult Outcome(double xBefore, double xAfter, ReadOnlySpan<float> action, Span<float> observation);

    private protected abstract void WriteObservation(Span<float> observation);

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(Id, observation, ObservationSize);
        nint d = Live;
        if (seed is ulong s) Rng.Seed(s);
        _lib.ResetData(_m, d);
        SampleReset(Model.Qpos0, _resetQpos, _resetQvel);
        _resetQpos.CopyTo(new Span<double>(_qpos, Model.Nq));
        _resetQvel.CopyTo(new Span<double>(_qvel, Model.Nv));
        _lib.Forward(_m, d);
        _elapsed = 0;
        _started = true;
        LastInfo = default;
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        nint d = Live;
        ActionCheck.Started(Id, _started);
        if (action.Length != Model.Nu)
            throw new ArgumentException($"{Id} expects an action of {Model.Nu} floats; got {action.Length}.", nameof(action));
        for (int i = 0; i < action.Length; i++)
            if (!float.IsFinite(action[i]))
                throw new ArgumentException($"{Id} action[{i}] is {action[i].ToString(CultureInfo.InvariantCulture)}; actions must be finite. Check the policy output for NaN/Inf.", nameof(action));
        ActionCheck.Observation(Id, observation, ObservationSize);
        double xBefore = _qpos[0];
        // data.ctrl[:] = action; MuJoCo clamps to ctrlrange inside mj_step (ctrllimited), the cost sees the raw action.
        for (int i = 0; i < action.Length; i++) _ctrl[i] = action[i];
        for (int k = 0; k < FrameSkip; k++) _lib.Step(_m, d);
        double xAfter = _qpos[0];
        StepResult r = Outcome(xBefore, xAfter, action, observation);
        _elapsed++;
        return r with { Truncated = _elapsed >= TimeLimit };
    }

    /// <summary>NumPy's <c>np.sum(np.square(action))</c> on a float32 array (float32 squares summed in order in float32,
    /// as its pairwise sum does below eight elements), widened to float64 as a Python float times it is.</summary>
    private protected static double SumOfSquares(ReadOnlySpan<float> action)
    {
        float sum = 0f;
        for (int i = 0; i < action.Length; i++) sum += action[i] * action[i];
        return sum;
    }

    public EnvState SaveState()
    {
        nint d = Live;
        var v = new double[_stateLength];
        int k = 0;
        v[k++] = MujocoLibrary.Read<double>(d, MujocoLayout.DataTime);
        k = Put(v, k, _qpos, Model.Nq);
        k = Put(v, k, _qvel, Model.Nv);
        k = Put(v, k, _act, Model.Na);
        k = Put(v, k, _warm, Model.Nv);
        k = Put(v, k, _ctrl, Model.Nu);
        v[k++] = _elapsed;
        v[k] = _started ? 1 : 0;
        return new EnvState(Id, v, Rng.State);

        static int Put(double[] v, int k, double* src, int n)
        {
            new ReadOnlySpan<double>(src, n).CopyTo(v.AsSpan(k));
            return k + n;
        }
    }

    public void RestoreState(EnvState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.EnvId != Id)
            throw new ArgumentException($"Cannot restore a '{state.EnvId}' state into {Id}.", nameof(state));
        if (state.Values.Count != _stateLength || state.Generator.Count != Pcg64.StateLength)
            throw new ArgumentException($"A {Id} state has {_stateLength} values and {Pcg64.StateLength} generator words; got {state.Values.Count} and {state.Generator.Count}.", nameof(state));
        nint d = Live;
        Rng.SetState(state.Generator);
        _lib.ResetData(_m, d); // clears applied forces and every derived quantity
        IReadOnlyList<double> v = state.Values;
        int k = 0;
        *(double*)(d + MujocoLayout.DataTime) = v[k++];
        k = Get(v, k, _qpos, Model.Nq);
        k = Get(v, k, _qvel, Model.Nv);
        k = Get(v, k, _act, Model.Na);
        int warm = k;
        k = Get(v, k, _warm, Model.Nv);
        k = Get(v, k, _ctrl, Model.Nu);
        _elapsed = (int)v[k++];
        _started = v[k] != 0;
        _lib.Forward(_m, d);
        Get(v, warm, _warm, Model.Nv); // whatever mj_forward did, the next step starts from the saved warm start

        static int Get(IReadOnlyList<double> v, int k, double* dst, int n)
        {
            for (int i = 0; i < n; i++) dst[i] = v[k + i];
            return k + n;
        }
    }

    /// <summary>Sets qpos and qvel directly (tests, Gymnasium's <c>set_state</c>): <c>mj_forward</c> follows.</summary>
    internal void SetState(ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel)
    {
        nint d = Live;
        if (qpos.Length != Model.Nq || qvel.Length != Model.Nv)
            throw new ArgumentException($"{Id} has {Model.Nq} positions and {Model.Nv} velocities; got {qpos.Length} and {qvel.Length}.");
        qpos.CopyTo(new Span<double>(_qpos, Model.Nq));
        qvel.CopyTo(new Span<double>(_qvel, Model.Nv));
        _lib.Forward(_m, d);
        _started = true;
    }

    /// <summary>World poses of the geoms for the current qpos, computed on a separate mjData (<c>mj_kinematics</c>):
    /// positions (ngeom × 3) and rotation matrices (ngeom × 9, row-major).</summary>
    internal void GeomPoses(Span<double> xpos, Span<double> xmat)
    {
        _ = Live; // throws once disposed
        if (_scratch == 0) _scratch = _lib.MakeData(_m);
        if (_scratch == 0) throw new InvalidOperationException($"{Id}: mj_makeData could not allocate drawing data.");
        new ReadOnlySpan<double>(_qpos, Model.Nq).CopyTo(new Span<double>(MujocoLibrary.Array(_scratch, MujocoLayout.DataQpos), Model.Nq));
        _lib.Kinematics(_m, _scratch);
        new ReadOnlySpan<double>(MujocoLibrary.Array(_scratch, MujocoLayout.DataGeomXpos), 3 * Model.Ngeom).CopyTo(xpos);
        new ReadOnlySpan<double>(MujocoLibrary.Array(_scratch, MujocoLayout.DataGeomXmat), 9 * Model.Ngeom).CopyTo(xmat);
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~MujocoEnv() => Free();

    private void Free()
    {
        nint d = Interlocked.Exchange(ref _d, 0), s = Interlocked.Exchange(ref _scratch, 0);
        if (d != 0) _lib.DeleteData(d);
        if (s != 0) _lib.DeleteData(s);
    }
}
