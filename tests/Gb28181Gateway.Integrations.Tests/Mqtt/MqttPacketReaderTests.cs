using System.Buffers;
using System.Text;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Our decoder against packets captured from mosquitto 2.0.11 and the MQTT 3.1.1 spec examples.</summary>
public sealed class MqttPacketReaderTests
{
    private const int Limit = 1 << 20;

    public static TheoryData<string> Vectors => MqttVectors.FromBroker();

    [Fact]
    public void Connack_return_codes_and_session_present()
    {
        var accepted = Decode("connack-accepted.bin");
        Assert.Equal(MqttPacketType.ConnAck, accepted.Type);
        Assert.Equal(MqttConnectReturnCode.Accepted, accepted.ReturnCode);
        Assert.False(accepted.SessionPresent);

        Assert.True(Decode("connack-session-present.bin").SessionPresent);
        Assert.Equal(MqttConnectReturnCode.NotAuthorized, Decode("connack-not-authorized.bin").ReturnCode);
    }

    [Fact]
    public void Suback_reports_granted_qos_and_failure()
    {
        var captured = Decode("suback-granted-and-failure.bin");
        Assert.Equal(MqttPacketType.SubAck, captured.Type);
        Assert.Equal(1, captured.PacketId);
        Assert.Equal(new byte[] { 0x02, 0x80 }, captured.SubAckReturnCodes);

        var spec = Decode("spec-suback-3.9.3.1.bin");
        Assert.Equal(10, spec.PacketId);
        Assert.Equal(new byte[] { 0x00, 0x02, 0x80 }, spec.SubAckReturnCodes);
    }

    [Fact]
    public void Publish_qos2_from_broker()
    {
        var packet = Decode("publish-qos2-from-broker.bin");

        Assert.Equal(MqttPacketType.Publish, packet.Type);
        Assert.Equal(1, packet.PacketId);
        var message = packet.Message!;
        Assert.Equal("gb28181/gw-1/control/request", message.Topic);
        Assert.Equal(MqttQualityOfService.ExactlyOnce, message.QualityOfService);
        Assert.Equal("{\"id\":\"1\",\"method\":\"devices.list\"}", Encoding.UTF8.GetString(message.Payload.Span));
        Assert.False(message.Retain);
        Assert.False(message.Duplicate);
    }

    [Fact]
    public void Publish_retained_and_qos0()
    {
        var retained = Decode("publish-qos1-retained-from-broker.bin").Message!;
        Assert.True(retained.Retain);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, retained.QualityOfService);
        Assert.Equal("online", Encoding.UTF8.GetString(retained.Payload.Span));

        var qos0 = Decode("publish-qos0-from-broker.bin");
        Assert.Equal(0, qos0.PacketId);
        Assert.Equal("exactly once", Encoding.UTF8.GetString(qos0.Message!.Payload.Span));
    }

    [Fact]
    public void Publish_dup_flag_is_reported()
    {
        var bytes = MqttVectors.Read("publish-qos2-from-broker.bin");
        bytes[0] |= 0b1000;
        Assert.True(Decode(bytes).Message!.Duplicate);
    }

    [Theory]
    [InlineData("pubrel-from-broker.bin", (int)MqttPacketType.PubRel, 1)]
    [InlineData("puback.bin", (int)MqttPacketType.PubAck, 1)]
    [InlineData("pubrec.bin", (int)MqttPacketType.PubRec, 1)]
    [InlineData("pubcomp.bin", (int)MqttPacketType.PubComp, 1)]
    [InlineData("unsuback.bin", (int)MqttPacketType.UnsubAck, 2)]
    [InlineData("pingresp.bin", (int)MqttPacketType.PingResp, 0)]
    public void Acknowledgements(string vector, int type, int packetId)
    {
        var packet = Decode(vector);
        Assert.Equal((MqttPacketType)type, packet.Type);
        Assert.Equal(packetId, packet.PacketId);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_split_and_byte_by_byte_decode_the_same(string name)
    {
        var bytes = MqttVectors.Read(name);
        var expected = Decode(bytes);

        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var prefix = new ReadOnlySequence<byte>(bytes, 0, cut);
            if (cut < bytes.Length)
            {
                Assert.False(MqttPacketReader.TryRead(ref prefix, Limit, out _));
                Assert.Equal(cut, prefix.Length);
            }

            var split = MqttVectors.SplitAt(bytes, cut);
            Assert.True(MqttPacketReader.TryRead(ref split, Limit, out var packet));
            Assert.True(split.IsEmpty);
            AssertSame(expected, packet);
        }

        var single = MqttVectors.ByteByByte(bytes);
        Assert.True(MqttPacketReader.TryRead(ref single, Limit, out var bytewise));
        AssertSame(expected, bytewise);
    }

    [Fact]
    public void Consecutive_packets_are_read_one_after_the_other()
    {
        var stream = MqttVectors.ByteByByte([.. MqttVectors.Read("connack-accepted.bin"), .. MqttVectors.Read("publish-qos2-from-broker.bin"), .. MqttVectors.Read("pubrel-from-broker.bin")]);

        Assert.True(MqttPacketReader.TryRead(ref stream, Limit, out var a));
        Assert.True(MqttPacketReader.TryRead(ref stream, Limit, out var b));
        Assert.True(MqttPacketReader.TryRead(ref stream, Limit, out var c));
        Assert.False(MqttPacketReader.TryRead(ref stream, Limit, out _));
        Assert.Equal([MqttPacketType.ConnAck, MqttPacketType.Publish, MqttPacketType.PubRel], new[] { a.Type, b.Type, c.Type });
    }

    [Theory]
    [InlineData("21 02 00 00", "flags 0x1")]                          // CONNACK with reserved flag bit
    [InlineData("20 03 00 00 00", "Remaining Length 3")]              // CONNACK too long
    [InlineData("20 02 02 00", "acknowledge flags 0x02")]             // CONNACK reserved acknowledge flags
    [InlineData("60 02 00 01", "flags 0x0 where 0x2")]                // PUBREL must carry flags 0010
    [InlineData("40 02 00 00", "packet identifier 0")]                // PUBACK for identifier 0
    [InlineData("40 03 00 01 00", "Remaining Length 3")]              // PUBACK too long
    [InlineData("36 05 00 01 61 00 01", "QoS bits set to 3")]         // PUBLISH QoS 3
    [InlineData("32 05 00 03 61 2F 62", "at least 7")]                // PUBLISH QoS 1 without packet identifier
    [InlineData("30 04 00 03 61 2F", "at least 5")]                   // PUBLISH topic longer than the packet
    [InlineData("30 03 00 01 23", "wildcard '#'")]                    // PUBLISH to a wildcard
    [InlineData("30 02 00 00", "it is empty")]                        // PUBLISH with empty topic
    [InlineData("30 04 00 02 C3 28", "not well-formed UTF-8")]        // PUBLISH topic invalid UTF-8
    [InlineData("30 05 00 03 ED A0 80", "not well-formed UTF-8")]     // PUBLISH topic encoding U+D800
    [InlineData("30 04 00 02 61 00", "U+0000")]                       // PUBLISH topic with NUL
    [InlineData("90 02 00 01", "at least 3")]                         // SUBACK without return codes
    [InlineData("90 03 00 01 03", "return code 0x03")]                // SUBACK reserved code
    [InlineData("D0 01 00", "Remaining Length 1")]                    // PINGRESP with a body
    [InlineData("10 00", "only a client sends it")]                   // CONNECT from a broker
    [InlineData("82 00", "only a client sends it")]                   // SUBSCRIBE from a broker
    [InlineData("C0 00", "only a client sends it")]                   // PINGREQ from a broker
    [InlineData("E0 00", "only a client sends it")]                   // DISCONNECT from a broker
    public void Malformed_packets_are_protocol_errors(string hex, string reason)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var ex = Assert.Throws<MqttProtocolException>(() => Decode(bytes));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_packet_over_the_limit_is_refused()
    {
        var bytes = MqttVectors.Read("publish-qos2-from-broker.bin");
        var sequence = new ReadOnlySequence<byte>(bytes);
        var ex = Assert.Throws<MqttProtocolException>(() => MqttPacketReader.TryRead(ref sequence, bytes.Length - 1, out _));
        Assert.Contains("MaxPacketSize", ex.Message, StringComparison.Ordinal);
    }

    private static MqttPacket Decode(string vector) => Decode(MqttVectors.Read(vector));

    private static MqttPacket Decode(byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(MqttPacketReader.TryRead(ref sequence, Limit, out var packet));
        Assert.True(sequence.IsEmpty);
        return packet;
    }

    private static void AssertSame(MqttPacket expected, MqttPacket actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.PacketId, actual.PacketId);
        Assert.Equal(expected.SessionPresent, actual.SessionPresent);
        Assert.Equal(expected.ReturnCode, actual.ReturnCode);
        Assert.Equal(expected.SubAckReturnCodes, actual.SubAckReturnCodes);
        Assert.Equal(expected.Message?.Topic, actual.Message?.Topic);
        Assert.Equal(expected.Message?.Payload.ToArray(), actual.Message?.Payload.ToArray());
        Assert.Equal(expected.Message?.QualityOfService, actual.Message?.QualityOfService);
        Assert.Equal(expected.Message?.Retain, actual.Message?.Retain);
    }
}
