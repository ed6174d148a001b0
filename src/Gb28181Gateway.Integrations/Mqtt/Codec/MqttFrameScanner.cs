using System.Buffers;

namespace Gb28181Gateway.Integrations.Mqtt.Codec;

internal enum MqttScanStatus
{
    /// <summary>The buffer ends before the packet does; read more and scan again from the same start.</summary>
    NeedMoreData,

    /// <summary>A whole packet starts the buffer; its length is <see cref="MqttFixedHeader.PacketLength"/>.</summary>
    Complete,
}

/// <summary>The fixed header of one packet: first byte (type and flags) and the decoded Remaining Length.</summary>
internal readonly record struct MqttFixedHeader(byte FirstByte, int HeaderLength, int RemainingLength)
{
    public MqttPacketType Type => (MqttPacketType)(FirstByte >> 4);

    public int Flags => FirstByte & 0x0F;

    public int PacketLength => HeaderLength + RemainingLength;
}

/// <summary>
/// Finds packet boundaries in a byte stream (MQTT 3.1.1 section 2.2): answers "need more data" or "complete" without
/// copying, rejecting reserved packet types, Remaining Lengths longer than four bytes and packets over the size limit
/// as soon as the fixed header shows them.
/// </summary>
internal static class MqttFrameScanner
{
    /// <summary>The largest Remaining Length four bytes can encode: 0xFF 0xFF 0xFF 0x7F.</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <summary>Longest fixed header: one byte of type and flags, four of Remaining Length.</summary>
    public const int MaxFixedHeaderLength = 5;

    /// <param name="header">Filled in as soon as the fixed header is complete, even while the body is still missing.</param>
    /// <exception cref="MqttProtocolException">The fixed header is malformed or announces a packet over <paramref name="maxPacketLength"/>.</exception>
    public static MqttScanStatus Scan(ReadOnlySpan<byte> buffer, int maxPacketLength, out MqttFixedHeader header)
    {
        if (!TryReadFixedHeader(buffer, maxPacketLength, out header))
        {
            return MqttScanStatus.NeedMoreData;
        }

        return buffer.Length >= header.PacketLength ? MqttScanStatus.Complete : MqttScanStatus.NeedMoreData;
    }

    /// <inheritdoc cref="Scan(ReadOnlySpan{byte}, int, out MqttFixedHeader)"/>
    public static MqttScanStatus Scan(in ReadOnlySequence<byte> buffer, int maxPacketLength, out MqttFixedHeader header)
    {
        if (buffer.IsSingleSegment)
        {
            return Scan(buffer.FirstSpan, maxPacketLength, out header);
        }

        Span<byte> prefix = stackalloc byte[MaxFixedHeaderLength];
        var available = (int)Math.Min(buffer.Length, MaxFixedHeaderLength);
        buffer.Slice(0, available).CopyTo(prefix);
        if (!TryReadFixedHeader(prefix[..available], maxPacketLength, out header))
        {
            return MqttScanStatus.NeedMoreData;
        }

        return buffer.Length >= header.PacketLength ? MqttScanStatus.Complete : MqttScanStatus.NeedMoreData;
    }

    /// <summary>Number of bytes the Remaining Length field takes for <paramref name="remainingLength"/>.</summary>
    public static int GetRemainingLengthSize(int remainingLength) => remainingLength switch
    {
        < 0 or > MaxRemainingLength => throw new ArgumentOutOfRangeException(nameof(remainingLength), remainingLength, $"an MQTT packet carries at most {MaxRemainingLength} bytes after its fixed header"),
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Encodes a Remaining Length (section 2.2.3) and returns the number of bytes written.</summary>
    public static int WriteRemainingLength(Span<byte> destination, int remainingLength)
    {
        var size = GetRemainingLengthSize(remainingLength);
        var value = (uint)remainingLength;
        for (var i = 0; i < size; i++)
        {
            var digit = (byte)(value & 0x7F);
            value >>= 7;
            destination[i] = value > 0 ? (byte)(digit | 0x80) : digit;
        }

        return size;
    }

    private static bool TryReadFixedHeader(ReadOnlySpan<byte> buffer, int maxPacketLength, out MqttFixedHeader header)
    {
        header = default;
        if (buffer.IsEmpty)
        {
            return false;
        }

        var first = buffer[0];
        if (first >> 4 is 0 or 15)
        {
            MqttThrow.ReservedPacketType(first >> 4);
        }

        var remaining = 0;
        for (var i = 0; i < 4; i++)
        {
            if (1 + i >= buffer.Length)
            {
                return false;
            }

            var digit = buffer[1 + i];
            remaining |= (digit & 0x7F) << (7 * i);
            if ((digit & 0x80) == 0)
            {
                header = new MqttFixedHeader(first, 2 + i, remaining);
                if (header.PacketLength > maxPacketLength)
                {
                    MqttThrow.PacketTooLarge(header.Type, header.PacketLength, maxPacketLength);
                }

                return true;
            }
        }

        MqttThrow.MalformedRemainingLength();
        return false;
    }
}
