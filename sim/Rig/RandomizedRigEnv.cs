using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>Domain randomisation: at every <see cref="Reset"/> the parameters named in the spec's
/// <c>randomization:</c> section are drawn uniformly from their ranges (whole-number keys such as
/// <c>delay_steps</c> uniformly over the integers in the range) and the episode runs on a <see cref="RigEnv"/>
/// with those values. The draws come from their own seeded generator, which is part of the saved state,
/// so a seed fixes the sequence of rigs and the noise within them. The id equals the nominal rig's, so a
/// policy trained here is accepted by a runtime driving the nominal rig.</summary>
public sealed class RandomizedRigEnv : IEnv
{
    // Distinct stream for parameter draws: the inner env is seeded with the same seed for its noise.
    private const ulong ParameterStream = 0xD1B54A32D192ED03UL;

    private readonly RigSpec _nominal;
    private readonly string[] _keys;
    private readonly RigRange[] _ranges;
    private readonly bool[] _integer;
    private readonly double[] _sampled;
    private readonly Pcg64 _paramRng = new(ParameterStream);
    private readonly RigEnv _inner;

    public RandomizedRigEnv(RigSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _nominal = spec;
        _keys = spec.Randomization.Keys.ToArray();
        _ranges = spec.Randomization.Values.ToArray();
        _integer = _keys.Select(RigSpec.IsInteger).ToArray();
        _sampled = _keys.Select(k => spec[k]).ToArray();
        _inner = new RigEnv(spec);
    }

    public RigSpec NominalSpec => _nominal;
    /// <summary>The parameters of the current episode.</summary>
    public RigSpec CurrentSpec => _inner.Spec;
    public string Id => _inner.Id;
    public Space ObservationSpace => _inner.ObservationSpace;
    public Space ActionSpace => _inner.ActionSpace;
    public int MaxEpisodeSteps => _inner.MaxEpisodeSteps;
    public double ControlPeriod => _inner.ControlPeriod;
    internal RigEnv Inner => _inner;
    private string StateId => "RandomizedRig:" + _nominal.Name;

    public void Reset(ulong? seed, Span<float> observation)
    {
        if (seed is ulong s) _paramRng.Seed(s ^ ParameterStream);
        for (int i = 0; i < _keys.Length; i++)
        {
            RigRange r = _ranges[i];
            _sampled[i] = _integer[i]
                ? _paramRng.NextInclusive((long)Math.Ceiling(r.Low), (long)Math.Floor(r.High))
                : _paramRng.Uniform(r.Low, r.High);
        }
        _inner.Configure(BuildSpec());
        _inner.Reset(seed, observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => _inner.Step(action, observation);

    private RigSpec BuildSpec()
    {
        RigSpec spec = _nominal;
        for (int i = 0; i < _keys.Length; i++) spec = spec.WithOverride(_keys[i], _sampled[i]);
        return spec;
    }

    /// <summary>Values: the sampled parameters (in <c>randomization:</c> order), then the inner rig's values.
    /// Generator: the parameter generator's <see cref="Pcg64.StateLength"/> words, then the inner rig's.</summary>
    public EnvState SaveState()
    {
        EnvState inner = _inner.SaveState();
        return new EnvState(StateId, [.. _sampled, .. inner.Values], [.. _paramRng.State, .. inner.Generator]);
    }

    public void RestoreState(EnvState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.EnvId != StateId)
            throw new ArgumentException($"Cannot restore a '{state.EnvId}' state into {StateId}.", nameof(state));
        if (state.Values.Count < _keys.Length + 4 || state.Generator.Count != 2 * Pcg64.StateLength)
            throw new ArgumentException($"A {StateId} state has at least {_keys.Length + 4} values and {2 * Pcg64.StateLength} generator words; got {state.Values.Count} and {state.Generator.Count}.", nameof(state));
        var sampled = state.Values.Take(_keys.Length).ToArray();
        var saved = (double[])_sampled.Clone();
        sampled.CopyTo(_sampled, 0);
        RigSpec spec;
        try { spec = BuildSpec(); }
        catch (ArgumentException) { saved.CopyTo(_sampled, 0); throw; }
        RigSpec previous = _inner.Spec;
        EnvState before = _inner.SaveState();
        _inner.Configure(spec);
        try
        {
            _inner.RestoreState(new EnvState(_inner.Id, state.Values.Skip(_keys.Length).ToArray(), state.Generator.Skip(Pcg64.StateLength).ToArray()));
        }
        catch (ArgumentException)
        {
            saved.CopyTo(_sampled, 0);
            _inner.Configure(previous);
            _inner.RestoreState(before);
            throw;
        }
        _paramRng.SetState(state.Generator.Take(Pcg64.StateLength).ToArray());
    }
}
