using System.Buffers;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

public sealed class MqttFrameScannerTests
{
    private const int Limit = 1 << 20;

    public static TheoryData<string> Vectors => MqttVectors.All();

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Whole_vector_is_one_complete_packet(string name)
    {
        var bytes = MqttVectors.Read(name);

        Assert.Equal(MqttScanStatus.Complete, MqttFrameScanner.Scan(bytes, Limit, out var header));
        Assert.Equal(bytes.Length, header.PacketLength);
        Assert.Equal(bytes[0], header.FirstByte);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_prefix_needs_more_data_and_every_split_completes(string name)
    {
        var bytes = MqttVectors.Read(name);
        MqttFrameScanner.Scan(bytes, Limit, out var expected);

        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Equal(MqttScanStatus.NeedMoreData, MqttFrameScanner.Scan(bytes.AsSpan(0, cut), Limit, out _));
            Assert.Equal(MqttScanStatus.NeedMoreData, MqttFrameScanner.Scan(new ReadOnlySequence<byte>(bytes, 0, cut), Limit, out _));
            Assert.Equal(MqttScanStatus.NeedMoreData, MqttFrameScanner.Scan(MqttVectors.ByteByByte(bytes).Slice(0, cut), Limit, out _));

            var split = MqttVectors.SplitAt(bytes, cut);
            Assert.Equal(MqttScanStatus.Complete, MqttFrameScanner.Scan(split, Limit, out var header));
            Assert.Equal(expected, header);
        }

        Assert.Equal(MqttScanStatus.Complete, MqttFrameScanner.Scan(MqttVectors.ByteByByte(bytes), Limit, out var single));
        Assert.Equal(expected, single);
    }

    [Fact]
    public void Two_packets_back_to_back_scan_as_the_first()
    {
        var first = MqttVectors.Read("suback-granted-and-failure.bin");
        var both = first.Concat(MqttVectors.Read("pingresp.bin")).ToArray();

        Assert.Equal(MqttScanStatus.Complete, MqttFrameScanner.Scan(both, Limit, out var header));
        Assert.Equal(first.Length, header.PacketLength);
        Assert.Equal(MqttScanStatus.Complete, MqttFrameScanner.Scan(MqttVectors.ByteByByte(both), Limit, out header));
        Assert.Equal(first.Length, header.PacketLength);
    }

    // MQTT 3.1.1 table 2.4, "Size of Remaining Length field", both ends of every row.
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(64, new byte[] { 0x40 })]
    [InlineData(321, new byte[] { 0xC1, 0x02 })]
    public void Remaining_length_matches_the_spec_table(int value, byte[] encoding)
    {
        var written = new byte[4];
        Assert.Equal(encoding.Length, MqttFrameScanner.WriteRemainingLength(written, value));
        Assert.Equal(encoding, written[..encoding.Length]);

        byte[] header = [0x30, .. encoding];
        var expected = value == 0 ? MqttScanStatus.Complete : MqttScanStatus.NeedMoreData;
        Assert.Equal(expected, MqttFrameScanner.Scan(header, int.MaxValue, out var decoded));
        Assert.Equal(value, decoded.RemainingLength);
        Assert.Equal(1 + encoding.Length, decoded.HeaderLength);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80 })]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(new byte[] { 0xD0, 0x80, 0x80, 0x80, 0x80, 0x00 })]
    public void A_fifth_length_byte_is_a_protocol_error(byte[] bytes)
    {
        var ex = Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.Scan(bytes, int.MaxValue, out _));
        Assert.Contains("Remaining Length", ex.Message, StringComparison.Ordinal);
        Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.Scan(MqttVectors.ByteByByte(bytes), int.MaxValue, out _));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xF0)]
    public void Reserved_packet_types_are_rejected_at_the_first_byte(byte first)
    {
        var ex = Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.Scan(new[] { first }, Limit, out _));
        Assert.Contains("reserved packet type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_packet_over_the_limit_is_rejected_from_its_fixed_header()
    {
        // PUBLISH announcing 2000 bytes, only the fixed header has arrived.
        byte[] header = [0x30, 0xD0, 0x0F];

        var ex = Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.Scan(header, 1024, out _));
        Assert.Contains("2003 bytes exceeds the limit of 1024", ex.Message, StringComparison.Ordinal);
        Assert.Equal(MqttScanStatus.NeedMoreData, MqttFrameScanner.Scan(header, 2003, out _));
    }

    [Fact]
    public void Remaining_length_out_of_range_cannot_be_written()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttFrameScanner.WriteRemainingLength(new byte[4], MqttFrameScanner.MaxRemainingLength + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttFrameScanner.WriteRemainingLength(new byte[4], -1));
    }
}
