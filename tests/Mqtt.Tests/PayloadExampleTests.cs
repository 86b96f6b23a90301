using Google.Protobuf;
using TrpoEdge.Core.Mqtt;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>The MQTT payload examples in hardware/PROTOCOL.md are the bytes the C# messages serialize to, and parse
/// back to the same messages: read from the document itself, so the text cannot drift from the code.</summary>
public sealed class PayloadExampleTests
{
    private const uint Session = 123_456_789;

    private static byte[] Example(string name)
    {
        string prefix = $"mqtt-example-{name} = ";
        string line = File.ReadLines(Path.Combine(TestFiles.RepoRoot, "hardware", "PROTOCOL.md")).Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return Convert.FromHexString(line[prefix.Length..].Replace(" ", "", StringComparison.Ordinal));
    }

    public static TheoryData<string> Names => new() { "hello", "action", "state" };

    private static IMessage Expected(string name)
    {
        switch (name)
        {
            case "hello":
                return new RigDownlink { Seq = 0, Session = Session, Hello = new RigHello { ProtocolVersion = 1, Seed = 42, Session = Session } };
            case "action":
                var action = new RigDownlink { Seq = 1, Session = Session, Action = new RigAction { StateSeq = 1 } };
                action.Action.Command.Add(-1.5f);
                return action;
            default:
                var state = new RigUplink { Seq = 2, Session = Session, State = new RigState { DeviceTimeUs = 1_234_567, AckSeq = 1, Flags = 0, Reward = -9.5f } };
                state.State.Observation.Add([-1f, 0f, 0.25f]);
                return state;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_documented_payload_is_what_the_message_serializes_to_and_parses_back(string name)
    {
        IMessage expected = Expected(name);
        byte[] documented = Example(name);
        Assert.Equal(Convert.ToHexString(documented), Convert.ToHexString(expected.ToByteArray()));
        IMessage parsed = expected.Descriptor.Parser.ParseFrom(documented);
        Assert.Equal(expected, parsed);
    }
}
