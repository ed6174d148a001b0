using System.Buffers.Binary;
using System.Reflection;

namespace Gb28181Gateway.Simulator.Media;

/// <summary>
/// The RTP packets of a PS-over-RTP capture (RFC 4571 frames: 2-byte big-endian length, then the packet), with
/// each packet's send offset from the first one taken from the 90 kHz RTP timestamps. Streams replay it in a loop.
/// The default capture (tests/vectors/media/ps-rtp.rfc4571, 4 s of H.264 in PS) is embedded in gbsim.
/// </summary>
internal sealed class PsCapture
{
    private const int RtpHeaderSize = 12;
    private const int ClockRate = 90_000;

    private PsCapture(byte[][] packets, uint[] timestampOffsets, uint loopTicks)
    {
        Packets = packets;
        TimestampOffsets = timestampOffsets;
        LoopTicks = loopTicks;
    }

    /// <summary>Whole RTP packets in capture order (header included).</summary>
    public IReadOnlyList<byte[]> Packets { get; }

    /// <summary>For each packet, its RTP timestamp minus the first packet's (90 kHz ticks).</summary>
    public IReadOnlyList<uint> TimestampOffsets { get; }

    /// <summary>Length of one loop in 90 kHz ticks: the last timestamp offset plus one frame interval.</summary>
    public uint LoopTicks { get; }

    public TimeSpan LoopDuration => TimeSpan.FromSeconds(LoopTicks / (double)ClockRate);

    public long PayloadBytes => Packets.Sum(static p => (long)p.Length - RtpHeaderSize);

    public static TimeSpan TicksToTime(long ticks) => TimeSpan.FromTicks(ticks * TimeSpan.TicksPerSecond / ClockRate);

    /// <summary>The capture embedded in gbsim.</summary>
    public static PsCapture LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ps-rtp.rfc4571")
            ?? throw new InvalidOperationException("the embedded PS capture ps-rtp.rfc4571 is missing from gbsim");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Parse(copy.ToArray(), "embedded ps-rtp.rfc4571");
    }

    public static PsCapture Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads RFC 4571 frames; throws <see cref="InvalidDataException"/> naming the offset of a bad frame.</summary>
    public static PsCapture Parse(ReadOnlySpan<byte> data, string source)
    {
        var packets = new List<byte[]>();
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 2)
            {
                throw new InvalidDataException($"{source}: truncated length prefix at offset {offset}");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (length < RtpHeaderSize || data.Length - offset - 2 < length)
            {
                throw new InvalidDataException($"{source}: frame at offset {offset} has length {length}, not an RTP packet within the file");
            }

            var packet = data.Slice(offset + 2, length).ToArray();
            if (packet[0] >> 6 != 2)
            {
                throw new InvalidDataException($"{source}: frame at offset {offset} is not RTP version 2");
            }

            packets.Add(packet);
            offset += 2 + length;
        }

        if (packets.Count == 0)
        {
            throw new InvalidDataException($"{source}: no RTP packets");
        }

        var first = BinaryPrimitives.ReadUInt32BigEndian(packets[0].AsSpan(4));
        var offsets = new uint[packets.Count];
        uint previous = 0, frame = 0;
        for (var i = 0; i < packets.Count; i++)
        {
            offsets[i] = BinaryPrimitives.ReadUInt32BigEndian(packets[i].AsSpan(4)) - first;
            if (offsets[i] > previous)
            {
                frame = offsets[i] - previous;
                previous = offsets[i];
            }
        }

        return new PsCapture([.. packets], offsets, previous + Math.Max(frame, 3600u));
    }
}
