using System.Buffers;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>Builds streams and segmented buffers out of the vectors for the frame scanner tests.</summary>
internal static class SipStreamFixtures
{
    /// <summary>Keep-alives put between messages (RFC 5626 CRLF and double-CRLF, or nothing).</summary>
    private static readonly byte[][] KeepAlives = ["\r\n"u8.ToArray(), "\r\n\r\n"u8.ToArray(), [], "\n"u8.ToArray()];

    /// <summary>
    /// Each vector as it travels on a stream: the bytes up to the end of its Content-Length body. Vectors with a
    /// body but no Content-Length (RFC 2543 style, only valid on UDP) and with a Content-Length larger than the
    /// data are left out: they cannot be framed.
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Frame)> Frames { get; } = BuildFrames();

    /// <summary>Every frame, in order, with keep-alives between and before them.</summary>
    public static byte[] Stream()
    {
        var stream = new List<byte>();
        for (var i = 0; i < Frames.Count; i++)
        {
            stream.AddRange(KeepAlives[i % KeepAlives.Length]);
            stream.AddRange(Frames[i].Frame);
        }

        stream.AddRange("\r\n\r\n"u8.ToArray());
        return [.. stream];
    }

    /// <summary>A sequence made of the given pieces, one segment each.</summary>
    public static ReadOnlySequence<byte> Segments(params ReadOnlyMemory<byte>[] pieces)
    {
        if (pieces.Length == 1)
        {
            return new ReadOnlySequence<byte>(pieces[0]);
        }

        var first = new Segment(pieces[0], 0);
        var last = first;
        for (var i = 1; i < pieces.Length; i++)
        {
            last = last.Append(pieces[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) =>
        Segments([.. Enumerable.Range(0, data.Length).Select(i => new ReadOnlyMemory<byte>(data, i, 1))]);

    /// <summary>Scans until the buffer holds no whole message; returns the messages and what was left unread.</summary>
    public static List<byte[]> Drain(ReadOnlySequence<byte> buffer, out long unread)
    {
        var frames = new List<byte[]>();
        while (true)
        {
            var frame = SipFrameScanner.Scan(buffer);
            Assert.True(frame.Status != SipFrameStatus.Invalid, frame.Error);
            if (frame.Status == SipFrameStatus.NeedMoreData)
            {
                unread = buffer.Length - frame.Skipped;
                return frames;
            }

            frames.Add(buffer.Slice(frame.Skipped, frame.Length).ToArray());
            buffer = buffer.Slice(frame.Skipped + frame.Length);
        }
    }

    private static List<(string, byte[])> BuildFrames()
    {
        var frames = new List<(string, byte[])>();
        foreach (var (name, bytes) in SipVectors.All())
        {
            var frame = SipFrameScanner.Scan(bytes.AsSpan());
            var parsed = SipMessageParser.Parse(bytes).Message;
            var hasLength = parsed is null || parsed.Headers.Contains(Sip.Messages.SipHeaderKind.ContentLength) || parsed.Body.IsEmpty;
            if (frame.Status == SipFrameStatus.Complete && hasLength)
            {
                frames.Add((name, bytes.AsSpan((int)frame.Skipped, frame.Length).ToArray()));
            }
        }

        return frames;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>A memory pool of fixed small blocks, so a Pipe hands out buffers of many segments.</summary>
internal sealed class SmallBlockPool(int blockSize) : MemoryPool<byte>
{
    public override int MaxBufferSize => blockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Block(new byte[Math.Max(blockSize, minBufferSize)]);

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => array;

        public void Dispose()
        {
        }
    }
}
