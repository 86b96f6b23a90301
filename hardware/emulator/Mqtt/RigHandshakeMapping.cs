using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Wire;

namespace TrpoEdge.Emulator.Mqtt;

/// <summary>HANDSHAKE frame → its protobuf form (same fields, same units).</summary>
internal static class RigHandshakeMapping
{
    public static RigHandshake Apply(this RigHandshake m, HandshakeMessage h)
    {
        m.ProtocolVersion = h.ProtocolVersion;
        m.RigId = h.RigId;
        m.ObsDim = (uint)h.ObservationDim;
        m.ActDim = (uint)h.ActionDim;
        m.ControlPeriodUs = h.ControlPeriodUs;
        m.WatchdogMs = h.WatchdogMs;
        m.AngleLimit = h.AngleLimit;
        m.VelocityLimit = h.VelocityLimit;
        m.ActionLow.Clear();
        m.ActionLow.AddRange(h.ActionLow);
        m.ActionHigh.Clear();
        m.ActionHigh.AddRange(h.ActionHigh);
        return m;
    }
}
