using System.Buffers.Binary;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Media.Tests;

/// <summary>The two committed forms of the ffmpeg capture agree, and the pcap is what sipp's play_pcap_video reads.</summary>
public sealed class CaptureVectorTests
{
    [Fact]
    public void The_pcap_carries_the_same_rtp_packets_as_udp_with_valid_checksums_and_rising_timestamps()
    {
        var pcap = File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.pcap"));
        Assert.Equal(0xA1B2C3D4u, BinaryPrimitives.ReadUInt32LittleEndian(pcap));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(20)));   // LINKTYPE_ETHERNET

        var packets = Capture.Packets;
        var offset = 24;
        var previous = 0L;
        var frames = 0;
        for (; offset < pcap.Length; frames++)
        {
            var seconds = BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset));
            var micros = BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset + 4));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset + 8));
            var frame = pcap.AsSpan(offset + 16, length);
            offset += 16 + length;

            var time = (seconds * 1_000_000L) + micros;
            Assert.True(time >= previous, $"packet {frames} goes back in time");
            previous = time;
            Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(frame[12..]));
            var ip = frame[14..];
            Assert.Equal(0x45, ip[0]);
            Assert.Equal(17, ip[9]);
            Assert.Equal(0, OnesComplement(ip[..20]));
            var udp = ip[20..];
            Assert.Equal(15060, BinaryPrimitives.ReadUInt16BigEndian(udp));
            Assert.Equal(30000, BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));
            Assert.Equal(udp.Length, BinaryPrimitives.ReadUInt16BigEndian(udp[4..]));
            byte[] pseudo = [.. ip.Slice(12, 8), 0, 17, (byte)(udp.Length >> 8), (byte)udp.Length, .. udp];
            Assert.Equal(0, OnesComplement(pseudo));
            Assert.Equal(packets[frames], udp[8..].ToArray());
        }

        Assert.Equal(pcap.Length, offset);
        Assert.Equal(packets.Length, frames);
    }

    [Fact]
    public void The_capture_is_gb28181_shaped_ps_over_rtp()
    {
        var packets = Capture.Packets;
        Assert.All(packets, p =>
        {
            Assert.Equal(0x80, p[0]);                                 // V=2, no padding/extension/CSRC
            Assert.Equal(96, p[1] & 0x7F);
            Assert.Equal(Capture.Ssrc, BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(8)));
            Assert.InRange(p.Length - 12, 1, 1400);
        });
        for (var i = 1; i < packets.Length; i++)
        {
            Assert.Equal((ushort)(BinaryPrimitives.ReadUInt16BigEndian(packets[i - 1].AsSpan(2)) + 1), BinaryPrimitives.ReadUInt16BigEndian(packets[i].AsSpan(2)));
        }

        Assert.Equal([0x00, 0x00, 0x01, 0xBA], packets[0][12..16]);   // the payload starts with a PS pack header
        Assert.True((packets[^1][1] & 0x80) != 0, "the last packet ends a frame");
    }

    private static int OnesComplement(ReadOnlySpan<byte> data)
    {
        var sum = 0L;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (data.Length % 2 == 1)
        {
            sum += data[^1] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (int)(~sum & 0xFFFF);
    }
}
