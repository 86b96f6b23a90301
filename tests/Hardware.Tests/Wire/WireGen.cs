using FsCheck;
using FsCheck.Fluent;
using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>Generators of arbitrary protocol messages and of damaged byte streams.</summary>
public static class WireGen
{
    private static Gen<int> Bits32 =>
        Gen.Choose(0, 0xFFFF).SelectMany(hi => Gen.Choose(0, 0xFFFF), (hi, lo) => hi << 16 | lo);

    /// <summary>Any float bit pattern: NaNs, infinities and subnormals included.</summary>
    public static Gen<float> AnyFloat => Bits32.Select(BitConverter.Int32BitsToSingle);

    private static Gen<float> FiniteFloat =>
        Gen.OneOf(AnyFloat.Where(float.IsFinite), Gen.Choose(-100_000, 100_000).Select(i => i / 1000f));

    private static Gen<float> PositiveLimit =>
        Gen.OneOf(Gen.Constant(float.PositiveInfinity), Gen.Choose(1, 1_000_000).Select(i => i / 1000f));

    private static Gen<ushort> U16 => Gen.Choose(0, 0xFFFF).Select(i => (ushort)i);
    private static Gen<byte> U8 => Gen.Choose(0, 0xFF).Select(i => (byte)i);

    private static Gen<string> Text(int minBytes, int maxBytes) =>
        Gen.Choose(minBytes, maxBytes).SelectMany(n => Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Select(c => (char)c), n), (_, cs) => new string(cs));

    private static Gen<float[]> Floats(int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(AnyFloat, n), (_, a) => a);

    public static Gen<HelloMessage> Hello =>
        Bits32.SelectMany(_ => U8, (seed, v) => new HelloMessage((uint)seed, v));

    public static Gen<HandshakeMessage> Handshake =>
        from id in Text(1, WireProtocol.MaxRigIdBytes)
        from obs in Gen.Choose(1, WireProtocol.MaxObservationDim)
        from act in Gen.Choose(1, WireProtocol.MaxActionDim)
        from a in Gen.ArrayOf(FiniteFloat, act)
        from b in Gen.ArrayOf(FiniteFloat, act)
        from period in Bits32.Where(p => p != 0)
        from watchdog in Gen.Choose(1, 0xFFFF)
        from angle in PositiveLimit
        from velocity in PositiveLimit
        select new HandshakeMessage(id, obs, a.Zip(b, Math.Min).ToArray(), a.Zip(b, Math.Max).ToArray(),
            (uint)period, (ushort)watchdog, angle, velocity);

    public static Gen<StateMessage> State =>
        from t in Bits32
        from ack in U16
        from flags in U8
        from reward in AnyFloat
        from obs in Floats(1, WireProtocol.MaxObservationDim)
        select new StateMessage((uint)t, ack, (StateFlags)flags, reward, obs);

    public static Gen<ActionMessage> Action =>
        from s in U16
        from cmd in Floats(1, WireProtocol.MaxActionDim)
        select new ActionMessage(s, cmd);

    public static Gen<StopMessage> Stop => U8.Select(r => new StopMessage((StopReason)r));

    public static Gen<FaultMessage> Fault =>
        from code in U8
        from detail in Text(0, WireProtocol.MaxFaultDetailBytes)
        select new FaultMessage((FaultCode)code, detail);

    public static Gen<SentMessage> AnyMessage =>
        from m in Gen.OneOf(Hello.Select(x => (object)x), Handshake.Select(x => (object)x), State.Select(x => (object)x),
            Action.Select(x => (object)x), Stop.Select(x => (object)x), Fault.Select(x => (object)x))
        from seq in U16
        select new SentMessage(m, seq);

    /// <summary>Line noise: random bytes, zeros included (about one in eight, more than uniform).</summary>
    public static Gen<byte[]> Garbage(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Frequency((1, Gen.Constant((byte)0)), (7, U8)), n), (_, a) => a);

    public static Gen<Damage> Damage =>
        Gen.Frequency(
            (4, Gen.Constant(new Damage(DamageKind.None, [], 0))),
            (3, Gen.Choose(1, 3).SelectMany(k => Gen.ArrayOf(Gen.Choose(0, 1 << 20), k), (_, bits) => new Damage(DamageKind.BitFlips, bits, 0))),
            (2, Gen.Choose(1, 1 << 20).Select(c => new Damage(DamageKind.TruncateEnd, [], c))),
            (1, Gen.Choose(1, 1 << 20).Select(c => new Damage(DamageKind.TruncateStart, [], c))));

    public static Gen<StreamSegment> Segment =>
        from garbage in Garbage(40)
        from message in AnyMessage
        from damage in Damage
        select new StreamSegment(garbage, message, damage);
}
