using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gb28181Gateway.Integrations.Mqtt.Codec;

/// <summary>The fields of a CONNECT packet (MQTT 3.1.1 section 3.1).</summary>
internal sealed record MqttConnectPacket(
    string ClientId,
    bool CleanSession,
    ushort KeepAliveSeconds,
    string? Username,
    ReadOnlyMemory<byte>? Password,
    MqttApplicationMessage? Will);

/// <summary>
/// Encodes the packets a client sends (CONNECT, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, UNSUBSCRIBE,
/// PINGREQ, DISCONNECT) straight into an <see cref="IBufferWriter{T}"/> such as a PipeWriter.
/// Strings are validated by the public API before they get here; an unencodable one is an <see cref="ArgumentException"/>.
/// </summary>
internal static class MqttPacketWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] ProtocolName = "\0\u0004MQTT"u8.ToArray();

    private const byte ProtocolLevel = 4;

    public static void WriteConnect(IBufferWriter<byte> writer, MqttConnectPacket packet)
    {
        var clientId = Utf8Length(packet.ClientId, "client identifier");
        var remaining = ProtocolName.Length + 4 + 2 + clientId;
        byte flags = 0;
        if (packet.CleanSession)
        {
            flags |= 0b0000_0010;
        }

        var will = packet.Will;
        var willTopic = 0;
        if (will is not null)
        {
            willTopic = Utf8Length(will.Topic, "will topic");
            CheckBinaryLength(will.Payload.Length, "will payload");
            remaining += 2 + willTopic + 2 + will.Payload.Length;
            flags |= (byte)(0b0000_0100 | ((int)will.QualityOfService << 3) | (will.Retain ? 0b0010_0000 : 0));
        }

        var username = 0;
        if (packet.Username is not null)
        {
            username = Utf8Length(packet.Username, "user name");
            remaining += 2 + username;
            flags |= 0b1000_0000;
        }

        if (packet.Password is { } password)
        {
            if (packet.Username is null)
            {
                throw new ArgumentException("MQTT 3.1.1 sends a password only with a user name (MQTT-3.1.2-22).", nameof(packet));
            }

            CheckBinaryLength(password.Length, "password");
            remaining += 2 + password.Length;
            flags |= 0b0100_0000;
        }

        WriteFixedHeader(writer, (byte)((int)MqttPacketType.Connect << 4), remaining);
        var head = writer.GetSpan(ProtocolName.Length + 4);
        ProtocolName.CopyTo(head);
        head[6] = ProtocolLevel;
        head[7] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(head[8..], packet.KeepAliveSeconds);
        writer.Advance(ProtocolName.Length + 4);

        WriteString(writer, packet.ClientId, clientId);
        if (will is not null)
        {
            WriteString(writer, will.Topic, willTopic);
            WriteBinary(writer, will.Payload.Span);
        }

        if (packet.Username is not null)
        {
            WriteString(writer, packet.Username, username);
        }

        if (packet.Password is { } pass)
        {
            WriteBinary(writer, pass.Span);
        }
    }

    /// <param name="packetId">Required for QoS 1 and 2, ignored for QoS 0.</param>
    public static void WritePublish(IBufferWriter<byte> writer, MqttApplicationMessage message, ushort packetId, bool duplicate)
    {
        var qos = (int)message.QualityOfService;
        if (qos > 0 && packetId == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(packetId), "a QoS 1 or 2 PUBLISH needs a non-zero packet identifier");
        }

        var topic = Utf8Length(message.Topic, "topic");
        var remaining = 2 + topic + (qos > 0 ? 2 : 0) + message.Payload.Length;
        var first = (int)MqttPacketType.Publish << 4 | (duplicate && qos > 0 ? 0b1000 : 0) | qos << 1 | (message.Retain ? 1 : 0);
        WriteFixedHeader(writer, (byte)first, remaining);
        WriteString(writer, message.Topic, topic);
        if (qos > 0)
        {
            WriteUInt16(writer, packetId);
        }

        writer.Write(message.Payload.Span);
    }

    /// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP: a fixed header and the packet identifier.</summary>
    public static void WriteAcknowledgement(IBufferWriter<byte> writer, MqttPacketType type, ushort packetId)
    {
        var flags = type switch
        {
            MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubComp => 0,
            MqttPacketType.PubRel => 0b0010,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an acknowledgement a client sends"),
        };
        var span = writer.GetSpan(4);
        span[0] = (byte)((int)type << 4 | flags);
        span[1] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], packetId);
        writer.Advance(4);
    }

    public static void WriteSubscribe(IBufferWriter<byte> writer, ushort packetId, IReadOnlyList<MqttTopicSubscription> subscriptions)
    {
        if (subscriptions.Count == 0)
        {
            throw new ArgumentException("a SUBSCRIBE carries at least one topic filter (MQTT-3.8.3-3)", nameof(subscriptions));
        }

        var remaining = 2;
        foreach (var s in subscriptions)
        {
            remaining += 2 + Utf8Length(s.TopicFilter, "topic filter") + 1;
        }

        WriteFixedHeader(writer, (int)MqttPacketType.Subscribe << 4 | 0b0010, remaining);
        WriteUInt16(writer, packetId);
        foreach (var s in subscriptions)
        {
            WriteString(writer, s.TopicFilter, StrictUtf8.GetByteCount(s.TopicFilter));
            writer.GetSpan(1)[0] = (byte)s.MaximumQualityOfService;
            writer.Advance(1);
        }
    }

    public static void WriteUnsubscribe(IBufferWriter<byte> writer, ushort packetId, IReadOnlyList<string> topicFilters)
    {
        if (topicFilters.Count == 0)
        {
            throw new ArgumentException("an UNSUBSCRIBE carries at least one topic filter (MQTT-3.10.3-2)", nameof(topicFilters));
        }

        var remaining = 2;
        foreach (var f in topicFilters)
        {
            remaining += 2 + Utf8Length(f, "topic filter");
        }

        WriteFixedHeader(writer, (int)MqttPacketType.Unsubscribe << 4 | 0b0010, remaining);
        WriteUInt16(writer, packetId);
        foreach (var f in topicFilters)
        {
            WriteString(writer, f, StrictUtf8.GetByteCount(f));
        }
    }

    public static void WritePingReq(IBufferWriter<byte> writer) => WriteEmpty(writer, MqttPacketType.PingReq);

    public static void WriteDisconnect(IBufferWriter<byte> writer) => WriteEmpty(writer, MqttPacketType.Disconnect);

    private static void WriteEmpty(IBufferWriter<byte> writer, MqttPacketType type)
    {
        var span = writer.GetSpan(2);
        span[0] = (byte)((int)type << 4);
        span[1] = 0;
        writer.Advance(2);
    }

    private static void WriteFixedHeader(IBufferWriter<byte> writer, byte first, int remainingLength)
    {
        var span = writer.GetSpan(MqttFrameScanner.MaxFixedHeaderLength);
        span[0] = first;
        var written = 1 + MqttFrameScanner.WriteRemainingLength(span[1..], remainingLength);
        writer.Advance(written);
    }

    private static void WriteUInt16(IBufferWriter<byte> writer, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(writer.GetSpan(2), value);
        writer.Advance(2);
    }

    private static void WriteString(IBufferWriter<byte> writer, string value, int utf8Length)
    {
        var span = writer.GetSpan(2 + utf8Length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)utf8Length);
        StrictUtf8.GetBytes(value, span.Slice(2, utf8Length));
        writer.Advance(2 + utf8Length);
    }

    private static void WriteBinary(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        WriteUInt16(writer, (ushort)value.Length);
        writer.Write(value);
    }

    private static int Utf8Length(string value, string what)
    {
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"the MQTT {what} is not well-formed UTF-16: {ex.Message}", nameof(value), ex);
        }

        CheckBinaryLength(length, what);
        return length;
    }

    private static void CheckBinaryLength(int length, string what)
    {
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"the MQTT {what} is {length} bytes long; the limit is {ushort.MaxValue}.");
        }
    }
}
