using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Hardware.Tests.Emulator;

/// <summary>A hand-written stand-in for an exported policy: energy-pumping swing-up, PD balance at the top. Deterministic, so a run can be replayed against the local model.</summary>
internal sealed class EnergyPumpPolicy : IPolicySession
{
    public PolicyModelInfo Model { get; } = new()
    {
        ModelSha256 = new string('0', 64),
        ProducerName = "hardware-tests",
        EnvId = "Rig:direct-drive",
        ControlPeriod = 0.05,
        PolicyVersion = 7,
    };

    public bool Exploring => false;

    public double Act(ReadOnlySpan<float> observation, Span<float> action)
    {
        float cos = observation[0], sin = observation[1], w = observation[2];
        // Direct-drive rig: J = 1/3 kg·m², m·g·c = 5 N·m, 2 N·m per unit command. Energy E = ½Jθ̇² + m·g·c·cos θ,
        // upright E = 5. Below it, push with θ̇ (dE/dt = τ·θ̇); near the top, a PD law with Kp·2 N·m > m·g·c.
        if (cos > 0.85f) action[0] = Math.Clamp(-5f * MathF.Atan2(sin, cos) - w, -1f, 1f);
        else if (0.5 * (1.0 / 3) * w * w + 5.0 * cos < 5.0) action[0] = w >= 0 ? 1.2f : -1.2f; // the rig clips 1.2 to 1
        else action[0] = Math.Clamp(-0.5f * w, -1f, 1f);
        return double.NaN;
    }

    public void Dispose()
    {
    }
}
