using System.Globalization;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Box2D;

/// <summary>What the Box2D environments share: the generator (Gymnasium's <c>np_random</c>, with NumPy's 32-bit
/// buffer), a new world per episode (as Gymnasium 1.x does; 0.29 reused one world, which made its episodes
/// nondeterministic), the time limit, action checks, and save/restore.
/// <para>Save/restore replays the episode. Box2D's solver order depends on its broad-phase tree, contact list and
/// warm-starting impulses, which its API cannot set back; a world rebuilt from positions and velocities alone
/// would drift from the original in the last bits within a few steps. So a saved state is the generator as the
/// episode's reset found it plus every action since, and restoring rebuilds the world and replays them through
/// the same code: bit-exact within one build, at the cost of one physics step per recorded step.</para></summary>
public abstract class Box2DEnv : IEnv, IDisposable
{
    private readonly Pcg64 _rng = new(0);
    private readonly NumPyIntegers _integers;
    private Box2DWorld? _world;
    private int _elapsed;
    private bool _started;
    // The generator when this episode's reset began drawing (after any reseed), and the actions since.
    private ulong[] _resetGenerator = [];
    private bool _resetHasBuffered;
    private uint _resetBuffered;
    private float[] _log = [];
    private int _logLength;

    private protected Box2DEnv(string id)
    {
        Box2DNative.EnsureAvailable(id);
        _integers = new NumPyIntegers(_rng);
    }

    public abstract string Id { get; }
    public abstract Space ObservationSpace { get; }
    public abstract Space ActionSpace { get; }
    public abstract int MaxEpisodeSteps { get; }
    public double ControlPeriod => 1.0 / 50;

    private protected Pcg64 Rng => _rng;
    private protected NumPyIntegers Integers => _integers;
    private protected Box2DWorld World => _world ?? throw new InvalidOperationException($"{Id}: Step was called before Reset. Call Reset(seed, observation) first.");
    /// <summary>Steps since the last reset.</summary>
    internal int Elapsed => _elapsed;
    private int ActionFloats => ActionSpace.FlatSize;
    private int ObsFloats => ObservationSpace.FlatSize;

    /// <summary>The environment's options (gravity, wind, ...), saved with a state so that it is restored only into a
    /// twin environment.</summary>
    private protected abstract double[] Options { get; }

    /// <summary>Builds the episode in a new world: draws from <see cref="Rng"/> in Gymnasium's order and takes
    /// Gymnasium's initial no-op step, writing the first observation.</summary>
    private protected abstract void BuildEpisode(Box2DWorld world, Span<float> observation);

    /// <summary>One step of the unwrapped Gymnasium environment (no time limit) on a validated action.</summary>
    private protected abstract StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation);

    public void Reset(ulong? seed, Span<float> observation)
    {
        CheckObservation(observation);
        if (seed is ulong s)
        {
            _rng.Seed(s);
            _integers.Clear();
        }
        _resetGenerator = _rng.State;
        _resetHasBuffered = _integers.HasBuffered;
        _resetBuffered = _integers.Buffered;
        _logLength = 0;
        // Room for a whole episode up front, so steps do not allocate while the log grows.
        int full = MaxEpisodeSteps * ActionFloats;
        if (_log.Length < full) _log = new float[full];
        NewEpisode(observation);
    }

    private void NewEpisode(Span<float> observation)
    {
        _world?.Dispose();
        _world = new Box2DWorld(0, GravityY);
        _elapsed = 0;
        _started = true;
        BuildEpisode(_world, observation);
    }

    /// <summary>The world's vertical gravity (m/s²).</summary>
    private protected virtual double GravityY => -10.0;

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (!_started) throw new InvalidOperationException($"{Id}: Step was called before Reset. Call Reset(seed, observation) first.");
        CheckAction(action);
        CheckObservation(observation);
        return StepLogged(action, observation);
    }

    private StepResult StepLogged(ReadOnlySpan<float> action, Span<float> observation)
    {
        int n = ActionFloats;
        if (_logLength + n > _log.Length) Array.Resize(ref _log, Math.Max(2 * _log.Length, 64 * n)); // only past the time limit
        action[..n].CopyTo(_log.AsSpan(_logLength, n));
        _logLength += n;
        StepResult r = StepCore(action, observation);
        _elapsed++;
        return new StepResult(r.Reward, r.Terminated, _elapsed >= MaxEpisodeSteps);
    }

    private void CheckAction(ReadOnlySpan<float> action)
    {
        if (ActionSpace is DiscreteSpace d)
        {
            if (action.Length != 1)
                throw new ArgumentException($"{Id} expects one float holding the action index; got {action.Length} floats.", nameof(action));
            float a = action[0];
            if (!float.IsFinite(a) || a != MathF.Floor(a) || a < 0 || a >= d.N)
                throw new ArgumentException($"{Id} action index {a.ToString("R", CultureInfo.InvariantCulture)} is not an integer in [0, {d.N - 1}].", nameof(action));
            return;
        }
        if (action.Length != ActionFloats)
            throw new ArgumentException($"{Id} expects an action of {ActionFloats} floats; got {action.Length}.", nameof(action));
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
                throw new ArgumentException($"{Id} action[{i}] is {action[i].ToString(CultureInfo.InvariantCulture)}; actions must be finite. Check the policy output for NaN/Inf.", nameof(action));
        }
    }

    private void CheckObservation(Span<float> observation)
    {
        if (observation.Length < ObsFloats)
            throw new ArgumentException($"{Id} writes {ObsFloats} observation floats; the span holds {observation.Length}.", nameof(observation));
    }

    /// <summary>Values: [started, buffered flag, buffered word, option count, options..., action floats...];
    /// Generator: the generator when the episode's reset began. A never-reset environment saves the current
    /// generator and no episode.</summary>
    public EnvState SaveState()
    {
        double[] options = Options;
        var values = new double[4 + options.Length + _logLength];
        values[0] = _started ? 1 : 0;
        values[1] = _started ? (_resetHasBuffered ? 1 : 0) : (_integers.HasBuffered ? 1 : 0);
        values[2] = _started ? _resetBuffered : _integers.Buffered;
        values[3] = options.Length;
        options.CopyTo(values, 4);
        for (int i = 0; i < _logLength; i++) values[4 + options.Length + i] = _log[i];
        return new EnvState(Id, values, _started ? (ulong[])_resetGenerator.Clone() : _rng.State);
    }

    public void RestoreState(EnvState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.EnvId != Id)
            throw new ArgumentException($"Cannot restore a '{state.EnvId}' state into {Id}.", nameof(state));
        double[] options = Options;
        var v = state.Values;
        int actions = v.Count - 4 - options.Length;
        if (v.Count < 4 || (int)v[3] != options.Length || actions < 0 || actions % ActionFloats != 0 || state.Generator.Count != Pcg64.StateLength)
            throw new ArgumentException($"This is not a state saved by {Id} ({v.Count} values, {state.Generator.Count} generator words). Take it from SaveState.", nameof(state));
        for (int i = 0; i < options.Length; i++)
        {
            if (v[4 + i] != options[i])
                throw new ArgumentException($"The state was saved by a {Id} with other options (option {i} is {v[4 + i].ToString(CultureInfo.InvariantCulture)} there, {options[i].ToString(CultureInfo.InvariantCulture)} here); restore it into an environment made the same way.", nameof(state));
        }
        _rng.SetState(state.Generator);
        _integers.HasBuffered = v[1] != 0;
        _integers.Buffered = (uint)v[2];
        if (v[0] == 0)
        {
            _world?.Dispose();
            _world = null;
            _started = false;
            _elapsed = 0;
            _logLength = 0;
            return;
        }
        _resetGenerator = _rng.State;
        _resetHasBuffered = _integers.HasBuffered;
        _resetBuffered = _integers.Buffered;
        _logLength = 0;
        int full = Math.Max(MaxEpisodeSteps * ActionFloats, actions);
        if (_log.Length < full) _log = new float[full];
        Span<float> obs = ObsFloats <= 64 ? stackalloc float[ObsFloats] : new float[ObsFloats];
        NewEpisode(obs);
        int n = ActionFloats;
        Span<float> action = stackalloc float[n];
        int offset = 4 + options.Length;
        for (int k = 0; k < actions; k += n)
        {
            for (int j = 0; j < n; j++) action[j] = (float)v[offset + k + j];
            StepLogged(action, obs);
        }
    }

    public void Dispose()
    {
        _world?.Dispose();
        _world = null;
        GC.SuppressFinalize(this);
    }
}
