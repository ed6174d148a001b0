using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gb28181Gateway.Integrations.Mqtt.Codec;

/// <summary>One decoded packet from the broker. Only the fields of its <see cref="Type"/> are set.</summary>
internal readonly struct MqttPacket
{
    public MqttPacketType Type { get; init; }

    /// <summary>PUBLISH (QoS &gt; 0), PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK.</summary>
    public ushort PacketId { get; init; }

    /// <summary>CONNACK.</summary>
    public bool SessionPresent { get; init; }

    /// <summary>CONNACK.</summary>
    public MqttConnectReturnCode ReturnCode { get; init; }

    /// <summary>PUBLISH.</summary>
    public MqttApplicationMessage? Message { get; init; }

    /// <summary>SUBACK: one code per requested filter, 0..2 granted QoS or 0x80 failure.</summary>
    public byte[]? SubAckReturnCodes { get; init; }
}

/// <summary>
/// Decodes the packets a broker sends to a client (CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK,
/// UNSUBACK, PINGRESP), enforcing the fixed-header flags and lengths of MQTT 3.1.1 chapter 3.
/// Packets only a client sends are protocol errors.
/// </summary>
internal static class MqttPacketReader
{
    public const byte SubAckFailure = 0x80;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Decodes the packet at the start of <paramref name="buffer"/> and slices it off; false (buffer untouched) when the
    /// packet is not complete yet. A packet spread over several segments is copied once into a pooled buffer.
    /// </summary>
    /// <exception cref="MqttProtocolException">The packet is malformed, too large, or only a client may send it.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPacketLength, out MqttPacket packet)
    {
        if (MqttFrameScanner.Scan(buffer, maxPacketLength, out var header) == MqttScanStatus.NeedMoreData)
        {
            packet = default;
            return false;
        }

        var body = buffer.Slice(header.HeaderLength, header.RemainingLength);
        if (body.IsSingleSegment)
        {
            packet = Read(header, body.FirstSpan);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent(header.RemainingLength);
            try
            {
                body.CopyTo(rented);
                packet = Read(header, rented.AsSpan(0, header.RemainingLength));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        buffer = buffer.Slice(header.PacketLength);
        return true;
    }

    /// <param name="body">The packet's bytes after the fixed header: exactly <see cref="MqttFixedHeader.RemainingLength"/> bytes.</param>
    /// <exception cref="MqttProtocolException">The packet is malformed or only a client may send it.</exception>
    public static MqttPacket Read(in MqttFixedHeader header, ReadOnlySpan<byte> body)
    {
        var type = header.Type;
        if (type is MqttPacketType.Connect or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe or MqttPacketType.PingReq or MqttPacketType.Disconnect)
        {
            MqttThrow.Unexpected(type);
        }

        if (type != MqttPacketType.Publish)
        {
            ExpectFlags(header, type is MqttPacketType.PubRel ? 0b0010 : 0);
        }

        switch (type)
        {
            case MqttPacketType.ConnAck:
                ExpectLength(type, body, 2);
                if ((body[0] & 0xFE) != 0)
                {
                    MqttThrow.Malformed(type, $"reserved acknowledge flags 0x{body[0]:X2}");
                }

                return new MqttPacket { Type = type, SessionPresent = (body[0] & 1) != 0, ReturnCode = (MqttConnectReturnCode)body[1] };

            case MqttPacketType.Publish:
                return ReadPublish(header, body);

            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp or MqttPacketType.UnsubAck:
                ExpectLength(type, body, 2);
                return new MqttPacket { Type = type, PacketId = ReadPacketId(type, body) };

            case MqttPacketType.SubAck:
                return ReadSubAck(body);

            case MqttPacketType.PingResp:
                ExpectLength(type, body, 0);
                return new MqttPacket { Type = type };

            default:
                MqttThrow.ReservedPacketType((int)type);
                return default;
        }
    }

    private static MqttPacket ReadPublish(in MqttFixedHeader header, ReadOnlySpan<byte> body)
    {
        const MqttPacketType type = MqttPacketType.Publish;
        var qos = (header.Flags >> 1) & 0b11;
        if (qos == 3)
        {
            MqttThrow.Malformed(type, "QoS bits set to 3");
        }

        if (body.Length < 2)
        {
            MqttThrow.InvalidLength(type, body.Length, "at least 2 (topic length)");
        }

        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var idLength = qos > 0 ? 2 : 0;
        if (body.Length < 2 + topicLength + idLength)
        {
            MqttThrow.InvalidLength(type, body.Length, $"at least {2 + topicLength + idLength} (topic of {topicLength} bytes{(qos > 0 ? " and packet identifier" : "")})");
        }

        var topic = ReadString(type, body.Slice(2, topicLength), "topic name");
        if (MqttTopic.GetTopicNameError(topic) is { } error)
        {
            MqttThrow.Malformed(type, $"topic name '{topic}': {error}");
        }

        ushort packetId = 0;
        if (qos > 0)
        {
            packetId = ReadPacketId(type, body.Slice(2 + topicLength, 2));
        }

        var payload = body[(2 + topicLength + idLength)..].ToArray();
        var message = new MqttApplicationMessage(topic, payload, (MqttQualityOfService)qos, retain: (header.Flags & 1) != 0, duplicate: (header.Flags & 0b1000) != 0);
        return new MqttPacket { Type = type, PacketId = packetId, Message = message };
    }

    private static MqttPacket ReadSubAck(ReadOnlySpan<byte> body)
    {
        const MqttPacketType type = MqttPacketType.SubAck;
        if (body.Length < 3)
        {
            MqttThrow.InvalidLength(type, body.Length, "at least 3 (packet identifier and one return code)");
        }

        var codes = body[2..];
        foreach (var code in codes)
        {
            if (code > 2 && code != SubAckFailure)
            {
                MqttThrow.Malformed(type, $"return code 0x{code:X2} (allowed: 0x00, 0x01, 0x02, 0x80)");
            }
        }

        return new MqttPacket { Type = type, PacketId = ReadPacketId(type, body), SubAckReturnCodes = codes.ToArray() };
    }

    private static ushort ReadPacketId(MqttPacketType type, ReadOnlySpan<byte> bytes)
    {
        var id = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        if (id == 0)
        {
            MqttThrow.Malformed(type, "packet identifier 0");
        }

        return id;
    }

    private static string ReadString(MqttPacketType type, ReadOnlySpan<byte> utf8, string what)
    {
        if (utf8.Contains((byte)0))
        {
            MqttThrow.Malformed(type, $"{what} contains U+0000");
        }

        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            MqttThrow.Malformed(type, $"{what} is not well-formed UTF-8");
            return null;
        }
    }

    private static void ExpectFlags(in MqttFixedHeader header, int expected)
    {
        if (header.Flags != expected)
        {
            MqttThrow.InvalidFlags(header.Type, header.Flags, expected);
        }
    }

    private static void ExpectLength(MqttPacketType type, ReadOnlySpan<byte> body, int expected)
    {
        if (body.Length != expected)
        {
            MqttThrow.InvalidLength(type, body.Length, expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
