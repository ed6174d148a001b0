using System.Buffers;
using System.Buffers.Binary;

namespace Gb28181Gateway.Media.Framing;

/// <summary>How a TCP connection frames its RTP packets; decided by the first bytes of the connection.</summary>
internal enum TcpFraming : byte
{
    /// <summary>Not decided yet (nothing complete has been scanned).</summary>
    Unknown,

    /// <summary>RFC 4571: 2-byte big-endian length, then the packet.</summary>
    Rfc4571,

    /// <summary>RTSP interleaved (RFC 2326 §10.12): <c>'$'</c>, channel, 2-byte big-endian length, then the packet.</summary>
    Interleaved,
}

internal enum FrameScanStatus
{
    /// <summary>The input holds a frame header and part of the packet at most; read more.</summary>
    NeedMore,

    /// <summary>A whole frame: <c>headerLength</c> bytes of framing, then <c>packetLength</c> bytes of packet.</summary>
    Complete,

    /// <summary>The bytes are not RTP framing (or the stream lost sync): close the connection.</summary>
    Invalid,
}

/// <summary>
/// Finds the next RTP packet in a TCP byte stream. Accepts RFC 4571 and RTSP-interleaved framing, decided per
/// connection from the first frame: <c>'$'</c> followed by a header whose packet starts with RTP version 2 is
/// interleaved, a length followed by RTP version 2 is RFC 4571. Every frame's packet must start with version 2
/// (RTP or RTCP): a frame that does not means the peer is not sending RTP or the stream lost sync, and the scan
/// reports <see cref="FrameScanStatus.Invalid"/> as soon as that first byte is in, without waiting for the length
/// it claims. Zero-length RFC 4571 frames are complete frames with an empty packet (the caller skips them).
/// </summary>
internal static class RtpTcpFrameScanner
{
    /// <summary>The largest frame either framing can express: 4 bytes of header and 65535 of packet.</summary>
    public const int MaxFrameLength = 4 + ushort.MaxValue;

    private const byte Dollar = (byte)'$';

    /// <summary>Single-segment scan.</summary>
    public static FrameScanStatus Scan(ReadOnlySpan<byte> input, ref TcpFraming framing, out int headerLength, out int packetLength) =>
        ScanHead(input.Length > 5 ? input[..5] : input, input.Length, ref framing, out headerLength, out packetLength);

    /// <summary>Multi-segment scan; the first segment is the fast path.</summary>
    public static FrameScanStatus Scan(in ReadOnlySequence<byte> input, ref TcpFraming framing, out int headerLength, out int packetLength)
    {
        if (input.IsSingleSegment || input.FirstSpan.Length >= 5)
        {
            var first = input.FirstSpan;
            return ScanHead(first.Length > 5 ? first[..5] : first, input.Length, ref framing, out headerLength, out packetLength);
        }

        Span<byte> head = stackalloc byte[5];
        var available = (int)Math.Min(input.Length, 5);
        input.Slice(0, available).CopyTo(head);
        return ScanHead(head[..available], input.Length, ref framing, out headerLength, out packetLength);
    }

    /// <summary><paramref name="head"/> is the first min(5, <paramref name="available"/>) bytes of the input.</summary>
    private static FrameScanStatus ScanHead(ReadOnlySpan<byte> head, long available, ref TcpFraming framing, out int headerLength, out int packetLength)
    {
        headerLength = 0;
        packetLength = 0;
        if (head.IsEmpty)
        {
            return FrameScanStatus.NeedMore;
        }

        var mode = framing;
        if (mode == TcpFraming.Unknown)
        {
            var detected = Detect(head);
            if (detected is null)
            {
                return FrameScanStatus.NeedMore;
            }

            if (detected == TcpFraming.Unknown)
            {
                return FrameScanStatus.Invalid;
            }

            mode = detected.Value;
        }

        int header;
        if (mode == TcpFraming.Interleaved)
        {
            if (head[0] != Dollar)
            {
                return FrameScanStatus.Invalid;
            }

            if (head.Length < 4)
            {
                return FrameScanStatus.NeedMore;
            }

            header = 4;
        }
        else
        {
            if (head.Length < 2)
            {
                return FrameScanStatus.NeedMore;
            }

            header = 2;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(head.Slice(header - 2));
        if (length > 0 && head.Length > header && (head[header] >> 6) != 2)
        {
            return FrameScanStatus.Invalid;
        }

        if (available < header + length)
        {
            return FrameScanStatus.NeedMore;
        }

        framing = mode;
        headerLength = header;
        packetLength = length;
        return FrameScanStatus.Complete;
    }

    /// <summary>
    /// The framing of a connection's first bytes (<paramref name="head"/>: up to 5): null when more bytes are
    /// needed to decide, <see cref="TcpFraming.Unknown"/> when they are neither framing.
    /// </summary>
    private static TcpFraming? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0 && head[1] == 0)
        {
            return TcpFraming.Rfc4571;   // an empty RFC 4571 frame
        }

        if (head.Length >= 1 && head[0] == Dollar)
        {
            // '$' is also the high byte of RFC 4571 lengths 9216-9471: the packet's first byte decides.
            if (head.Length < 5)
            {
                return null;
            }

            if (IsRtpVersion2(head[4]))
            {
                return TcpFraming.Interleaved;
            }

            return IsRtpVersion2(head[2]) ? TcpFraming.Rfc4571 : TcpFraming.Unknown;
        }

        if (head.Length < 3)
        {
            return null;
        }

        return IsRtpVersion2(head[2]) ? TcpFraming.Rfc4571 : TcpFraming.Unknown;
    }

    private static bool IsRtpVersion2(byte b) => (b >> 6) == 2;
}
