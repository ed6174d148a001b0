using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>TCP framing: exactly the original messages come out, whatever the segmentation; bad framing is Invalid.</summary>
public sealed class SipFrameScannerTests
{
    public static TheoryData<string> FrameNames => [.. SipStreamFixtures.Frames.Select(f => f.Name)];

    [Fact]
    public void The_stream_fixture_covers_the_captures_and_the_torture_messages()
    {
        Assert.True(SipStreamFixtures.Frames.Count(f => !f.Name.StartsWith("rfc4475/", StringComparison.Ordinal)) == SipVectors.SeedNames.Count);
        Assert.Contains(SipStreamFixtures.Frames, f => f.Name == "rfc4475/mpart01.dat");
        Assert.Contains(SipStreamFixtures.Frames, f => f.Name == "rfc4475/wsinv.dat");
    }

    [Fact]
    public void A_stream_of_every_message_with_keep_alives_between_gives_back_exactly_those_messages()
    {
        var frames = SipStreamFixtures.Drain(new ReadOnlySequence<byte>(SipStreamFixtures.Stream()), out var unread);

        Assert.Equal(SipStreamFixtures.Frames.Select(f => f.Frame), frames);
        Assert.Equal(0, unread);
    }

    [Fact]
    public void One_byte_per_segment_gives_back_exactly_the_same_messages()
    {
        var frames = SipStreamFixtures.Drain(SipStreamFixtures.OneBytePerSegment(SipStreamFixtures.Stream()), out var unread);

        Assert.Equal(SipStreamFixtures.Frames.Select(f => f.Frame), frames);
        Assert.Equal(0, unread);
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Split_at_every_offset_each_prefix_needs_more_and_the_two_segments_frame_the_message(string name)
    {
        var frame = SipStreamFixtures.Frames.Single(f => f.Name == name).Frame;
        var data = "\r\n\r\n"u8.ToArray().Concat(frame).ToArray(); // a keep-alive ahead of it

        for (var split = 1; split < data.Length; split++)
        {
            var prefix = SipFrameScanner.Scan(SipStreamFixtures.Segments(data.AsMemory(0, split / 2), data.AsMemory(split / 2, split - (split / 2))));
            Assert.True(prefix.Status == SipFrameStatus.NeedMoreData, $"{split}: {prefix.Status} {prefix.Error}");

            var whole = SipFrameScanner.Scan(SipStreamFixtures.Segments(data.AsMemory(0, split), data.AsMemory(split)));
            Assert.Equal(new SipFrame(SipFrameStatus.Complete, 4, frame.Length), whole);
        }

        Assert.Equal(new SipFrame(SipFrameStatus.Complete, 4, frame.Length), SipFrameScanner.Scan(data.AsSpan()));
    }

    [Fact]
    public async Task Through_a_pipe_written_in_small_chunks_the_same_messages_come_out_in_order()
    {
        var stream = SipStreamFixtures.Stream();
        var pipe = new Pipe(new PipeOptions(pool: new SmallBlockPool(64), minimumSegmentSize: 64, pauseWriterThreshold: 0));
        var random = new Random(4475);

        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < stream.Length;)
            {
                var chunk = Math.Min(random.Next(1, 48), stream.Length - offset);
                await pipe.Writer.WriteAsync(stream.AsMemory(offset, chunk));
                offset += chunk;
            }

            await pipe.Writer.CompleteAsync();
        });

        var frames = new List<byte[]>();
        var sawMultiSegment = false;
        while (true)
        {
            var read = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var buffer = read.Buffer;
            sawMultiSegment |= !buffer.IsSingleSegment;
            SipFrame frame;
            while ((frame = SipFrameScanner.Scan(buffer)).Status == SipFrameStatus.Complete)
            {
                frames.Add(buffer.Slice(frame.Skipped, frame.Length).ToArray());
                buffer = buffer.Slice(frame.Skipped + frame.Length);
            }

            Assert.True(frame.Status == SipFrameStatus.NeedMoreData, frame.Error);
            pipe.Reader.AdvanceTo(buffer.GetPosition(frame.Skipped), buffer.End);
            if (read.IsCompleted)
            {
                Assert.Equal(frame.Skipped, buffer.Length);
                break;
            }
        }

        await writing;
        Assert.True(sawMultiSegment);
        Assert.Equal(SipStreamFixtures.Frames.Select(f => f.Frame), frames);
    }

    [Theory]
    [InlineData("Content-Length: 0005", 5)]
    [InlineData("Content-Length :   5  ", 5)]
    [InlineData("content-length:5", 5)]
    [InlineData("l: 5", 5)]
    [InlineData("L:00000000000000000005", 5)]
    [InlineData("Content-Length:\r\n 5", 5)]
    [InlineData("X-Content-Length: 99", 0)]
    public void Content_length_in_the_forms_devices_send_frames_the_body(string header, int bodyLength)
    {
        var data = Encoding.ASCII.GetBytes($"MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n{header}\r\n\r\nhello\r\nNEXT");

        var frame = SipFrameScanner.Scan(data.AsSpan());

        Assert.Equal(SipFrameStatus.Complete, frame.Status);
        Assert.Equal(data.AsSpan().IndexOf("\r\n\r\n"u8) + 4 + bodyLength, frame.Length);
    }

    [Fact]
    public void Bare_lf_line_ends_frame_too()
    {
        var data = "SIP/2.0 200 OK\nContent-Length: 2\n\nokX"u8.ToArray();

        Assert.Equal(new SipFrame(SipFrameStatus.Complete, 0, data.Length - 1), SipFrameScanner.Scan(data.AsSpan()));
    }

    [Theory]
    [InlineData("Content-Length: -5", "malformed Content-Length '-5'")]
    [InlineData("Content-Length: 5x", "malformed Content-Length '5x'")]
    [InlineData("Content-Length:", "malformed Content-Length ''")]
    [InlineData("Content-Length: 99999999999", "Content-Length 99999999999 is too large")]
    [InlineData("Content-Length: 5\r\nl: 6", "conflicting Content-Length headers")]
    [InlineData("Content-Length: 70000", "exceeds the 65535-byte limit")]
    public void Unframeable_content_length_is_invalid_with_the_reason(string header, string error)
    {
        var data = Encoding.ASCII.GetBytes($"INVITE sip:a@b SIP/2.0\r\n{header}\r\n\r\nbody");

        var single = SipFrameScanner.Scan(data.AsSpan());
        var segmented = SipFrameScanner.Scan(SipStreamFixtures.Segments(data.AsMemory(0, 9), data.AsMemory(9)));

        Assert.Equal(SipFrameStatus.Invalid, single.Status);
        Assert.Contains(error, single.Error, StringComparison.Ordinal);
        Assert.Equal(single, segmented);
    }

    [Fact]
    public void Headers_without_an_end_within_the_limit_are_invalid_but_not_before_the_limit()
    {
        var header = Encoding.ASCII.GetBytes("INVITE sip:a@b SIP/2.0\r\nX-Pad: " + new string('x', 300) + "\r\n");

        Assert.Equal(SipFrameStatus.NeedMoreData, SipFrameScanner.Scan(header.AsSpan(), maxMessageSize: 512).Status);
        var full = SipFrameScanner.Scan(header.AsSpan(), maxMessageSize: 256);
        Assert.Equal(SipFrameStatus.Invalid, full.Status);
        Assert.Equal("no end of headers within 256 bytes", full.Error);
        Assert.Equal(full, SipFrameScanner.Scan(SipStreamFixtures.OneBytePerSegment(header), maxMessageSize: 256));
    }

    [Fact]
    public void Body_beyond_the_limit_is_invalid_as_soon_as_the_headers_say_so()
    {
        var data = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 200\r\n\r\n"u8.ToArray();

        var frame = SipFrameScanner.Scan(data.AsSpan(), maxMessageSize: 128);

        Assert.Equal(SipFrameStatus.Invalid, frame.Status);
        Assert.Equal($"message of {data.Length + 200} bytes exceeds the 128-byte limit", frame.Error);
        Assert.Equal(SipFrameStatus.NeedMoreData, SipFrameScanner.Scan(data.AsSpan(), maxMessageSize: data.Length + 200).Status);
    }

    [Fact]
    public void Keep_alives_alone_are_skipped_and_need_more_data()
    {
        Assert.Equal(new SipFrame(SipFrameStatus.NeedMoreData, 4, 0), SipFrameScanner.Scan("\r\n\r\n"u8));
        Assert.Equal(new SipFrame(SipFrameStatus.NeedMoreData, 0, 0), SipFrameScanner.Scan(ReadOnlySpan<byte>.Empty));
        Assert.Equal(new SipFrame(SipFrameStatus.NeedMoreData, 2, 0), SipFrameScanner.Scan(SipStreamFixtures.OneBytePerSegment("\r\nOPT"u8.ToArray())));
    }
}
