using Gb28181Gateway.Media.Rtp;

namespace Gb28181Gateway.Media.Tests;

public sealed class RtpPacketTests
{
    [Fact]
    public void Every_packet_of_the_capture_is_rtp()
    {
        Assert.All(Capture.Packets, p => Assert.Equal(RtpPacketKind.Rtp, RtpHeader.Classify(p)));
    }

    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "empty", [], "Malformed" },
        { "version 1", [0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "Malformed" },
        { "11 bytes", [0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0], "Malformed" },
        { "header only", [0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "Rtp" },
        { "2 CSRCs announced, 1 present", [0x82, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9], "Malformed" },
        { "extension header cut", [0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE], "Malformed" },
        { "extension longer than packet", [0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 1, 2, 3, 4], "Malformed" },
        { "extension fits", [0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 1, 2, 3, 4], "Rtp" },
        { "padding larger than payload", [0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 9], "Malformed" },
        { "padding count 0", [0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0], "Malformed" },
        { "padding fits", [0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA, 0, 2], "Rtp" },
        { "RTCP sender report", [0x80, 200, 0, 6, 0, 0, 0, 1, .. new byte[20]], "Rtcp" },
        { "RTCP receiver report, no blocks", [0x80, 201, 0, 1, 0, 0, 0, 1], "Rtcp" },
        { "RTCP cut short", [0x80, 201, 0, 1], "Malformed" },
        { "marker + PT 96", [0x80, 0xE0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "Rtp" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packets_are_classified(string what, byte[] packet, string expected)
    {
        Assert.True(Enum.Parse<RtpPacketKind>(expected) == RtpHeader.Classify(packet), what);
    }

    [Fact]
    public void The_ssrc_rewrite_touches_bytes_8_to_11_only()
    {
        var packet = Capture.Packets[3];
        var buffer = new byte[packet.Length + 4];
        packet.CopyTo(buffer, 4);

        RtpHeader.WriteSsrc(buffer.AsSpan(4), 0x01020304);

        Assert.Equal(packet[..8], buffer[4..12]);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, buffer[12..16]);
        Assert.Equal(packet[12..], buffer[16..]);
        Assert.Equal(0x01020304u, RtpHeader.ReadSsrc(buffer.AsSpan(4)));
    }
}
