using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>MQTTnet's connection factory for TCP (and TLS over TCP) only. MQTTnet's default factory also builds its
/// WebSocket channel, which drags the WebSocket client and the parts of System.Net.Http it uses into every NativeAOT
/// binary (862 KB of the linux-x64 edge runtime, measured) although <see cref="MqttNetClient"/> only ever connects over TCP. The pieces are the default
/// factory's, wired the same way: the packet formatter with the options' buffer sizes, fragmentation and the packet
/// inspector passed through.</summary>
internal sealed class TcpOnlyAdapterFactory : IMqttClientAdapterFactory
{
    public IMqttChannelAdapter CreateClientAdapter(MQTTnet.MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelOptions is not MqttClientTcpOptions)
            throw new NotSupportedException($"The runtime's MQTT link connects over TCP only, not {options.ChannelOptions?.GetType().Name ?? "no channel"}; give an mqtt:// or mqtts:// broker URL.");
        var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
        return new MqttChannelAdapter(new MqttTcpChannel(options), formatter, logger)
        {
            AllowPacketFragmentation = options.AllowPacketFragmentation,
            PacketInspector = packetInspector,
        };
    }
}
