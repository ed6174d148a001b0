using System.Buffers;
using System.Text;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Our encoder against packets captured from mosquitto_pub/mosquitto_sub 2.0.11 and the MQTT 3.1.1 spec examples.</summary>
public sealed class MqttPacketWriterTests
{
    private static readonly byte[] S3cret = "s3cret"u8.ToArray();

    [Fact]
    public void Connect_with_will_and_credentials_matches_mosquitto_pub_and_spec_figure_3_6()
    {
        var will = MqttApplicationMessage.FromString("gb28181/gw-1/status", "offline", MqttQualityOfService.AtLeastOnce);
        var bytes = Write(w => MqttPacketWriter.WriteConnect(w, new MqttConnectPacket("gb28181-gw", CleanSession: true, KeepAliveSeconds: 10, "gbgw", S3cret, will)));

        Assert.Equal(MqttVectors.Read("connect-will-credentials.bin"), bytes);
        // Variable header of the spec's non-normative example: flags 0xCE, keep alive 10.
        Assert.Equal(new byte[] { 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0xCE, 0x00, 0x0A }, bytes[2..12]);
    }

    [Fact]
    public void Connect_clean_session_without_credentials()
    {
        var bytes = Write(w => MqttPacketWriter.WriteConnect(w, new MqttConnectPacket("gb28181-gw", true, 5, null, null, null)));
        Assert.Equal(MqttVectors.Read("connect-clean-keepalive5.bin"), bytes);
    }

    [Fact]
    public void Connect_persistent_session_with_credentials()
    {
        var bytes = Write(w => MqttPacketWriter.WriteConnect(w, new MqttConnectPacket("sub1", false, 60, "gbgw", S3cret, null)));
        Assert.Equal(MqttVectors.Read("connect-persistent-credentials.bin"), bytes);
    }

    [Fact]
    public void Connect_with_retained_qos2_will_sets_its_flag_bits()
    {
        var will = MqttApplicationMessage.FromString("s", "x", MqttQualityOfService.ExactlyOnce, retain: true);
        var bytes = Write(w => MqttPacketWriter.WriteConnect(w, new MqttConnectPacket("c", true, 0, null, null, will)));

        Assert.Equal(0b0011_0110, bytes[9]);
    }

    [Fact]
    public void Connect_password_without_user_name_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Write(w => MqttPacketWriter.WriteConnect(w, new MqttConnectPacket("c", true, 0, null, S3cret, null))));
        Assert.Contains("MQTT-3.1.2-22", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("publish-qos1.bin", "a/b", "{\"alarm\":1}", false, 1)]
    [InlineData("publish-qos1-retain.bin", "a/r", "online", true, 1)]
    [InlineData("spec-publish-3.3.2.3.bin", "a/b", "", false, 10)]
    public void Publish_qos1(string vector, string topic, string payload, bool retain, ushort packetId)
    {
        var message = MqttApplicationMessage.FromString(topic, payload, MqttQualityOfService.AtLeastOnce, retain);
        Assert.Equal(MqttVectors.Read(vector), Write(w => MqttPacketWriter.WritePublish(w, message, packetId, duplicate: false)));
    }

    [Fact]
    public void Publish_retry_sets_dup_and_keeps_the_packet_identifier()
    {
        var message = MqttApplicationMessage.FromString("a/b", "{\"alarm\":1}", MqttQualityOfService.AtLeastOnce);
        var expected = MqttVectors.Read("publish-qos1.bin");
        expected[0] |= 0b1000;

        Assert.Equal(expected, Write(w => MqttPacketWriter.WritePublish(w, message, 1, duplicate: true)));
    }

    [Fact]
    public void Publish_qos0_never_has_dup_or_packet_identifier()
    {
        var message = MqttApplicationMessage.FromString("a/b", "exactly once");
        var expected = MqttVectors.Read("publish-qos0-from-broker.bin");

        Assert.Equal(expected, Write(w => MqttPacketWriter.WritePublish(w, message, 0, duplicate: false)));
        Assert.Equal(expected, Write(w => MqttPacketWriter.WritePublish(w, message, 7, duplicate: true)));
    }

    [Fact]
    public void Publish_qos1_without_packet_identifier_is_refused()
    {
        var message = MqttApplicationMessage.FromString("a/b", "x", MqttQualityOfService.AtLeastOnce);
        Assert.Throws<ArgumentOutOfRangeException>(() => Write(w => MqttPacketWriter.WritePublish(w, message, 0, false)));
    }

    // Payload sizes putting the Remaining Length on both sides of each table 2.4 boundary.
    [Theory]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    public void Publish_remaining_length_across_size_boundaries(int remaining, byte[] lengthBytes)
    {
        // topic "t" (3 bytes) + packet identifier (2 bytes) + payload
        var payload = new byte[remaining - 5];
        payload.AsSpan().Fill(0x5A);
        var message = new MqttApplicationMessage("t", payload, MqttQualityOfService.AtLeastOnce);

        var bytes = Write(w => MqttPacketWriter.WritePublish(w, message, 0x1234, false));

        Assert.Equal(1 + lengthBytes.Length + remaining, bytes.Length);
        Assert.Equal(lengthBytes, bytes[1..(1 + lengthBytes.Length)]);
        Assert.Equal(MqttScanStatus.Complete, MqttFrameScanner.Scan(bytes, int.MaxValue, out var header));
        Assert.Equal(remaining, header.RemainingLength);
        Assert.True(bytes.AsSpan(bytes.Length - payload.Length).SequenceEqual(payload));
    }

    [Fact]
    public void Subscribe_matches_mosquitto_sub_and_spec_example()
    {
        MqttTopicSubscription[] captured = [new("gb28181/gw-1/control/request", MqttQualityOfService.ExactlyOnce), new("denied/x", MqttQualityOfService.ExactlyOnce)];
        MqttTopicSubscription[] spec = [new("a/b", MqttQualityOfService.AtLeastOnce), new("c/d", MqttQualityOfService.ExactlyOnce)];

        Assert.Equal(MqttVectors.Read("subscribe-two-filters-qos2.bin"), Write(w => MqttPacketWriter.WriteSubscribe(w, 1, captured)));
        Assert.Equal(MqttVectors.Read("spec-subscribe-3.8.3.1.bin"), Write(w => MqttPacketWriter.WriteSubscribe(w, 10, spec)));
    }

    [Fact]
    public void Unsubscribe_matches_mosquitto_sub_and_spec_example()
    {
        Assert.Equal(MqttVectors.Read("unsubscribe.bin"), Write(w => MqttPacketWriter.WriteUnsubscribe(w, 2, ["gb28181/gw-1/control/request"])));
        Assert.Equal(MqttVectors.Read("spec-unsubscribe-3.10.3.1.bin"), Write(w => MqttPacketWriter.WriteUnsubscribe(w, 10, ["a/b", "c/d"])));
    }

    [Fact]
    public void Subscribe_and_unsubscribe_need_a_filter()
    {
        Assert.Throws<ArgumentException>(() => Write(w => MqttPacketWriter.WriteSubscribe(w, 1, [])));
        Assert.Throws<ArgumentException>(() => Write(w => MqttPacketWriter.WriteUnsubscribe(w, 1, [])));
    }

    [Theory]
    [InlineData((int)MqttPacketType.PubAck, "puback.bin")]
    [InlineData((int)MqttPacketType.PubRec, "pubrec.bin")]
    [InlineData((int)MqttPacketType.PubRel, "pubrel-from-broker.bin")]
    [InlineData((int)MqttPacketType.PubComp, "pubcomp.bin")]
    public void Acknowledgements(int type, string vector)
    {
        Assert.Equal(MqttVectors.Read(vector), Write(w => MqttPacketWriter.WriteAcknowledgement(w, (MqttPacketType)type, 1)));
    }

    [Fact]
    public void Only_client_acknowledgements_can_be_written()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Write(w => MqttPacketWriter.WriteAcknowledgement(w, MqttPacketType.SubAck, 1)));
    }

    [Fact]
    public void Pingreq_and_disconnect()
    {
        Assert.Equal(MqttVectors.Read("pingreq.bin"), Write(MqttPacketWriter.WritePingReq));
        Assert.Equal(MqttVectors.Read("disconnect.bin"), Write(MqttPacketWriter.WriteDisconnect));
    }

    [Fact]
    public void Strings_over_65535_utf8_bytes_are_refused()
    {
        // 21846 three-byte characters: 65538 UTF-8 bytes although only 21846 UTF-16 chars.
        var clientId = new string('中', 21_846);
        var ex = Assert.Throws<ArgumentException>(() => Write(w => MqttPacketWriter.WriteConnect(w, new MqttConnectPacket(clientId, true, 0, null, null, null))));
        Assert.Contains("65538 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_utf8_string_example_is_encoded_with_its_byte_length()
    {
        // MQTT 3.1.1 figure 1.2: "A" followed by U+2A6D4 is 00 05 41 F0 AA 9B 94.
        var filter = "A" + char.ConvertFromUtf32(0x2A6D4);
        var bytes = Write(w => MqttPacketWriter.WriteUnsubscribe(w, 1, [filter]));

        Assert.Equal(new byte[] { 0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94 }, bytes[4..]);
        Assert.Equal(5, Encoding.UTF8.GetByteCount(filter));
    }

    private static byte[] Write(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
