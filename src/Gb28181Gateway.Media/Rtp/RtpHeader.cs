using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Gb28181Gateway.Media.Rtp;

/// <summary>What arrived on a media port, as far as the relay cares.</summary>
internal enum RtpPacketKind
{
    /// <summary>An RTP version 2 packet whose header (CSRCs, extension, padding) fits its length.</summary>
    Rtp,

    /// <summary>An RTCP packet (RFC 5761 §4: second byte 192-223). Not forwarded.</summary>
    Rtcp,

    /// <summary>Not version 2, shorter than a header, or a header that claims more bytes than the packet has.</summary>
    Malformed,
}

/// <summary>RTP fixed header (RFC 3550 §5.1) checks and the SSRC rewrite; no allocation, no copies.</summary>
internal static class RtpHeader
{
    public const int FixedLength = 12;
    public const int SsrcOffset = 8;

    public static RtpPacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2 || (packet[0] >> 6) != 2)
        {
            return RtpPacketKind.Malformed;
        }

        // RFC 5761 §4: with the marker bit, payload types 64-95 are RTCP packet types 192-223.
        if (packet[1] is >= 192 and <= 223)
        {
            return packet.Length >= 8 ? RtpPacketKind.Rtcp : RtpPacketKind.Malformed;
        }

        if (packet.Length < FixedLength)
        {
            return RtpPacketKind.Malformed;
        }

        var headerLength = FixedLength + ((packet[0] & 0x0F) * 4);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < headerLength + 4)
            {
                return RtpPacketKind.Malformed;
            }

            headerLength += 4 + (BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(headerLength + 2)) * 4);
        }

        if (packet.Length < headerLength)
        {
            return RtpPacketKind.Malformed;
        }

        if ((packet[0] & 0x20) != 0)
        {
            var padding = packet[^1];
            if (padding == 0 || headerLength + padding > packet.Length)
            {
                return RtpPacketKind.Malformed;
            }
        }

        return RtpPacketKind.Rtp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadSequenceNumber(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadSsrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(SsrcOffset));

    /// <summary>Writes <paramref name="ssrc"/> into bytes 8-11 of <paramref name="packet"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteSsrc(Span<byte> packet, uint ssrc) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(SsrcOffset, 4), ssrc);
}
