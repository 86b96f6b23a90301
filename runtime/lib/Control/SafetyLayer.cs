using System.Globalization;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Control;

/// <summary>Sits between policy and plant. Clamps every action to the plant's bounds; turns a NaN or
/// infinite action into the zero action (clamped into the bounds) and reports a fault; checks the rig's
/// optional angle and velocity limits on each observation. Angle limits bound the *unwrapped* angle
/// (cable wind-up), so the layer unwraps θ = atan2(sin θ, cos θ) from consecutive observations [cos θ, sin θ, θ̇];
/// that is exact while |Δθ| per step stays below π, which any plant within its velocity limit satisfies.</summary>
public sealed class SafetyLayer
{
    private readonly SpaceSpec _actionSpace;
    private readonly RigLimits? _limits;
    private double _unwrapped;
    private double _lastWrapped;

    public SafetyLayer(SpaceSpec actionSpace, RigLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        _actionSpace = actionSpace;
        _limits = limits;
    }

    public long Faults { get; private set; }
    public long Clamps { get; private set; }
    /// <summary>The unwrapped angle of the last observation checked, rad (NaN without limits).</summary>
    public double Angle => _limits is null ? double.NaN : _unwrapped;

    /// <summary>False (and a fault) when an observation holds a NaN or infinity: the policy must not see it. A
    /// discrete head would turn it into a valid-looking action (ArgMax of NaN logits is 0), so the check cannot be
    /// left to the action filter.</summary>
    public bool ObservationIsFinite(ReadOnlySpan<float> observation)
    {
        foreach (float v in observation)
        {
            if (!float.IsFinite(v))
            {
                Faults++;
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes the action the plant may receive into <paramref name="safe"/>.</summary>
    public SafetyVerdict Filter(ReadOnlySpan<float> action, Span<float> safe)
    {
        if (action.Length != safe.Length)
            throw new ArgumentException($"Action has {action.Length} values but the safe buffer {safe.Length}.", nameof(safe));
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
            {
                WriteZero(safe);
                Faults++;
                return SafetyVerdict.NonFinite;
            }
        }
        if (_actionSpace.Kind == SpaceKind.Discrete)
        {
            // A discrete index outside [0, n) is as unusable as a NaN: the policy is broken.
            float a = action[0];
            if (a != MathF.Floor(a) || a < 0 || a >= _actionSpace.Size)
            {
                WriteZero(safe);
                Faults++;
                return SafetyVerdict.NonFinite;
            }
            safe[0] = a;
            return SafetyVerdict.Passed;
        }
        bool clamped = false;
        for (int i = 0; i < action.Length; i++)
        {
            float v = Math.Clamp(action[i], _actionSpace.Low[i], _actionSpace.High[i]);
            clamped |= v != action[i];
            safe[i] = v;
        }
        if (clamped) Clamps++;
        return clamped ? SafetyVerdict.Clamped : SafetyVerdict.Passed;
    }

    /// <summary>The zero action, clamped into the bounds (a box whose range excludes 0 rests at its nearest bound);
    /// action 0 for a discrete space.</summary>
    public void WriteZero(Span<float> safe)
    {
        if (_actionSpace.Kind == SpaceKind.Discrete)
        {
            safe.Clear();
            return;
        }
        for (int i = 0; i < safe.Length; i++) safe[i] = Math.Clamp(0f, _actionSpace.Low[i], _actionSpace.High[i]);
    }

    /// <summary>Starts angle unwrapping from an episode's first observation.</summary>
    public void BeginEpisode(ReadOnlySpan<float> observation)
    {
        if (_limits is null || observation.Length < 3) return;
        _lastWrapped = Math.Atan2(observation[1], observation[0]);
        _unwrapped = _lastWrapped;
    }

    /// <summary>Null when the observation is within the limits; otherwise why the episode must end.
    /// Allocates only when a limit is exceeded.</summary>
    public string? CheckLimits(ReadOnlySpan<float> observation)
    {
        if (_limits is null || observation.Length < 3) return null;
        double wrapped = Math.Atan2(observation[1], observation[0]);
        double delta = wrapped - _lastWrapped;
        if (delta > Math.PI) delta -= 2 * Math.PI;
        else if (delta < -Math.PI) delta += 2 * Math.PI;
        _unwrapped += delta;
        _lastWrapped = wrapped;
        if (_limits.MaxAngle is double maxAngle && Math.Abs(_unwrapped) > maxAngle)
            return $"angle limit: |θ| = {F(Math.Abs(_unwrapped))} rad exceeds limits.max_angle {F(maxAngle)} rad";
        if (_limits.MaxVelocity is double maxVelocity && Math.Abs(observation[2]) > maxVelocity)
            return $"velocity limit: |θ̇| = {F(Math.Abs(observation[2]))} rad/s exceeds limits.max_velocity {F(maxVelocity)} rad/s";
        return null;
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
