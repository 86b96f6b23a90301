using System.Globalization;

namespace TrpoEdge.Sim.Envs;

/// <summary>Validates actions before any state changes, so a rejected step leaves the env untouched.</summary>
internal static class ActionCheck
{
    internal static float Box1(string envId, ReadOnlySpan<float> action)
    {
        if (action.Length != 1)
            throw new ArgumentException($"{envId} expects an action of 1 float; got {action.Length}. Pass a span of length 1.", nameof(action));
        float a = action[0];
        if (!float.IsFinite(a))
            throw new ArgumentException($"{envId} action[0] is {a.ToString(CultureInfo.InvariantCulture)}; actions must be finite. Check the policy output for NaN/Inf.", nameof(action));
        return a;
    }

    internal static int Discrete(string envId, ReadOnlySpan<float> action, int n)
    {
        if (action.Length != 1)
            throw new ArgumentException($"{envId} expects one float holding the action index; got {action.Length} floats.", nameof(action));
        float a = action[0];
        if (!float.IsFinite(a) || a != MathF.Floor(a) || a < 0 || a >= n)
            throw new ArgumentException($"{envId} action index {a.ToString("R", CultureInfo.InvariantCulture)} is not an integer in [0, {n - 1}].", nameof(action));
        return (int)a;
    }

    internal static void Observation(string envId, Span<float> observation, int size)
    {
        if (observation.Length < size)
            throw new ArgumentException($"{envId} writes {size} observation floats; the span holds {observation.Length}.", nameof(observation));
    }

    internal static void Started(string envId, bool started)
    {
        if (!started)
            throw new InvalidOperationException($"{envId}: Step was called before Reset. Call Reset(seed, observation) first.");
    }

    internal static void StateShape(string envId, EnvState state, int values)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.EnvId != envId)
            throw new ArgumentException($"Cannot restore a '{state.EnvId}' state into {envId}.", nameof(state));
        if (state.Values.Count != values || state.Generator.Count != Random.Pcg64.StateLength)
            throw new ArgumentException($"A {envId} state has {values} values and {Random.Pcg64.StateLength} generator words; got {state.Values.Count} and {state.Generator.Count}.", nameof(state));
    }
}
