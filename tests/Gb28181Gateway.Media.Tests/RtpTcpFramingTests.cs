using System.Buffers;
using Gb28181Gateway.Media.Framing;

namespace Gb28181Gateway.Media.Tests;

public sealed class RtpTcpFramingTests
{
    private static readonly byte[][] s_packets = Capture.Packets;

    /// <summary>RFC 4571 (false) and RTSP interleaved (true).</summary>
    public static TheoryData<bool> Framings => new() { false, true };

    private static TcpFraming Framing(bool interleaved) => interleaved ? TcpFraming.Interleaved : TcpFraming.Rfc4571;

    private static byte[] Frame(byte[] packet, bool interleaved) =>
        interleaved ? Capture.FrameInterleaved(packet, 0) : Capture.Frame4571(packet);

    [Theory]
    [MemberData(nameof(Framings))]
    public void Every_capture_frame_split_at_every_offset_scans_as_one_frame(bool interleaved)
    {
        // Three frames (short, long, and the one after), split into two segments at every offset of the first two.
        var frames = new[] { s_packets[0], s_packets[1], s_packets[2] }.Select(p => Frame(p, interleaved)).ToArray();
        var stream = frames.SelectMany(f => f).ToArray();
        var boundary = frames[0].Length + frames[1].Length;
        for (var split = 0; split <= boundary; split++)
        {
            var sequence = Segments.Create(stream[..split], stream[split..]);
            var mode = TcpFraming.Unknown;
            var offset = 0;
            for (var n = 0; n < 3; n++)
            {
                var status = RtpTcpFrameScanner.Scan(sequence.Slice(offset), ref mode, out var header, out var length);
                Assert.Equal(FrameScanStatus.Complete, status);
                Assert.Equal(Framing(interleaved), mode);
                Assert.Equal(s_packets[n], sequence.Slice(offset + header, length).ToArray());
                offset += header + length;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void Every_prefix_of_a_frame_needs_more(bool interleaved)
    {
        var frame = Frame(s_packets[5], interleaved);
        for (var length = 0; length < frame.Length; length++)
        {
            var mode = TcpFraming.Unknown;
            Assert.Equal(FrameScanStatus.NeedMore, RtpTcpFrameScanner.Scan(frame.AsSpan(0, length), ref mode, out _, out _));
            Assert.Equal(TcpFraming.Unknown, mode);
            var known = Framing(interleaved);
            Assert.Equal(FrameScanStatus.NeedMore, RtpTcpFrameScanner.Scan(Segments.OneBytePerSegment(frame[..length]), ref known, out _, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void The_whole_capture_fed_one_byte_at_a_time_comes_out_packet_for_packet(bool interleaved)
    {
        var stream = s_packets.SelectMany(p => Frame(p, interleaved)).ToArray();
        var output = Reassemble(stream, _ => 1);
        Assert.Equal(s_packets, output);
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void The_whole_capture_fed_in_uneven_chunks_comes_out_packet_for_packet(bool interleaved)
    {
        var stream = s_packets.SelectMany(p => Frame(p, interleaved)).ToArray();
        var random = new Random(4571);
        foreach (var max in new[] { 3, 700, 1403, 9000, 70000 })
        {
            Assert.Equal(s_packets, Reassemble(stream, _ => random.Next(1, max + 1)));
        }
    }

    [Fact]
    public void The_reader_holds_maximal_frames_back_to_back_in_its_bounded_buffer()
    {
        var big = new byte[ushort.MaxValue];
        big[0] = 0x80;
        big[1] = 96;
        var stream = Enumerable.Range(0, 5).SelectMany(i => Capture.Frame4571(i % 2 == 0 ? big : s_packets[i])).ToArray();
        var output = Reassemble(stream, _ => 5000);
        Assert.Equal(5, output.Count);
        Assert.Equal(big, output[0]);
        Assert.Equal(s_packets[1], output[1]);
        Assert.Equal(big, output[4]);
    }

    [Fact]
    public void Empty_rfc4571_frames_are_skipped_frames_not_errors()
    {
        var stream = new byte[] { 0, 0 }.Concat(Capture.Frame4571(s_packets[0])).Concat(new byte[] { 0, 0 }).Concat(Capture.Frame4571(s_packets[1])).ToArray();
        Assert.Equal([s_packets[0], s_packets[1]], Reassemble(stream, _ => 1));
    }

    [Fact]
    public void A_dollar_that_is_the_high_byte_of_an_rfc4571_length_is_detected_as_rfc4571()
    {
        var packet = new byte[0x2410];   // RFC 4571 length 0x2410 starts with '$'
        packet[0] = 0x80;
        packet[1] = 96;
        packet[2] = 0x11;                // sequence high byte: not version 2, so not an interleaved header
        var stream = Capture.Frame4571(packet).Concat(Capture.Frame4571(s_packets[0])).ToArray();
        Assert.Equal([packet, s_packets[0]], Reassemble(stream, _ => 7));
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "HTTP request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() },
        { "SIP on the media port", "INVITE sip:1@2 SIP/2.0\r\n"u8.ToArray() },
        { "RTP version 0", [0x00, 0x10, 0x00, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        { "raw RTP without framing", s_packets[0] },
        { "interleaved header, packet not RTP", [(byte)'$', 0, 0, 4, 0x47, 0x40, 0x11, 0x10] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_at_the_start_of_a_connection_is_invalid(string what, byte[] bytes)
    {
        Assert.NotNull(what);
        var mode = TcpFraming.Unknown;
        Assert.Equal(FrameScanStatus.Invalid, RtpTcpFrameScanner.Scan(bytes, ref mode, out _, out _));
        var reader = new RtpTcpFrameReader(new byte[RtpTcpFrameReader.BufferLength]);
        Feed(reader, bytes);
        Assert.Equal(FrameScanStatus.Invalid, reader.TryRead(out _, out _));
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public void Garbage_after_good_frames_is_invalid_as_soon_as_its_first_bytes_are_in(bool interleaved)
    {
        // A framing header that claims 60000 bytes whose first packet byte is not RTP: no waiting for 60000 bytes.
        var good = Frame(s_packets[0], interleaved);
        byte[] bad = interleaved ? [(byte)'$', 0, 0xEA, 0x60, 0x47] : [0xEA, 0x60, 0x47];
        var reader = new RtpTcpFrameReader(new byte[RtpTcpFrameReader.BufferLength]);
        Feed(reader, [.. good, .. bad]);
        Assert.Equal(FrameScanStatus.Complete, reader.TryRead(out var offset, out var length));
        Assert.Equal(s_packets[0], reader.Buffer.AsSpan(offset, length).ToArray());
        Assert.Equal(FrameScanStatus.Invalid, reader.TryRead(out _, out _));
    }

    [Fact]
    public void Rfc4571_stream_turning_into_interleaved_framing_midway_is_invalid()
    {
        var reader = new RtpTcpFrameReader(new byte[RtpTcpFrameReader.BufferLength]);
        Feed(reader, [.. Capture.Frame4571(s_packets[0]), .. Capture.FrameInterleaved(s_packets[1], 0)]);
        Assert.Equal(FrameScanStatus.Complete, reader.TryRead(out _, out _));
        Assert.Equal(FrameScanStatus.Invalid, reader.TryRead(out _, out _));
    }

    private static void Feed(RtpTcpFrameReader reader, byte[] bytes)
    {
        bytes.CopyTo(reader.GetReadMemory().Span);
        reader.Advance(bytes.Length);
    }

    /// <summary>Runs the stream through a reader the way the TCP leg does, in chunks of the given sizes.</summary>
    private static List<byte[]> Reassemble(byte[] stream, Func<int, int> chunkSize)
    {
        var reader = new RtpTcpFrameReader(new byte[RtpTcpFrameReader.BufferLength]);
        var output = new List<byte[]>();
        for (var position = 0; position < stream.Length;)
        {
            var memory = reader.GetReadMemory();
            var count = Math.Min(Math.Min(chunkSize(position), memory.Length), stream.Length - position);
            stream.AsSpan(position, count).CopyTo(memory.Span);
            reader.Advance(count);
            position += count;
            FrameScanStatus status;
            while ((status = reader.TryRead(out var offset, out var length)) == FrameScanStatus.Complete)
            {
                Assert.True(offset >= 2, "a packet always has 2 bytes of framing before it");
                if (length > 0)
                {
                    output.Add(reader.Buffer.AsSpan(offset, length).ToArray());
                }
            }

            Assert.Equal(FrameScanStatus.NeedMore, status);
        }

        Assert.Equal(0, reader.Buffered);
        return output;
    }
}

/// <summary>Builds multi-segment sequences.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
        if (nonEmpty.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(nonEmpty[0], 0);
        var last = first;
        foreach (var part in nonEmpty.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) => Create([.. bytes.Select(b => new[] { b })]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
