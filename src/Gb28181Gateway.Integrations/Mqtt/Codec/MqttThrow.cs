using System.Diagnostics.CodeAnalysis;

namespace Gb28181Gateway.Integrations.Mqtt.Codec;

/// <summary>Throw helpers of the codec, kept out of line so the scanning and decoding paths stay small.</summary>
internal static class MqttThrow
{
    [DoesNotReturn]
    public static void ReservedPacketType(int type) =>
        throw new MqttProtocolException($"malformed MQTT packet: reserved packet type {type} in the fixed header.");

    [DoesNotReturn]
    public static void MalformedRemainingLength() =>
        throw new MqttProtocolException("malformed MQTT packet: the Remaining Length field continues past its fourth byte.");

    [DoesNotReturn]
    public static void PacketTooLarge(MqttPacketType type, int length, int limit) =>
        throw new MqttProtocolException($"MQTT {type} packet of {length} bytes exceeds the limit of {limit} bytes (MqttClientOptions.MaxPacketSize).");

    [DoesNotReturn]
    public static void InvalidFlags(MqttPacketType type, int flags, int expected) =>
        throw new MqttProtocolException($"malformed MQTT {type} packet: fixed header flags 0x{flags:X} where 0x{expected:X} is required.");

    [DoesNotReturn]
    public static void InvalidLength(MqttPacketType type, int length, string expected) =>
        throw new MqttProtocolException($"malformed MQTT {type} packet: Remaining Length {length}, expected {expected}.");

    [DoesNotReturn]
    public static void Malformed(MqttPacketType type, string reason) =>
        throw new MqttProtocolException($"malformed MQTT {type} packet: {reason}.");

    [DoesNotReturn]
    public static void Unexpected(MqttPacketType type) =>
        throw new MqttProtocolException($"unexpected MQTT {type} packet from the broker: only a client sends it.");
}
