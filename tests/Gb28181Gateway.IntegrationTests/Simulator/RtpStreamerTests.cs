using System.Buffers.Binary;
using System.Collections.Concurrent;
using Gb28181Gateway.Simulator.Media;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary>The streamer's pace on a manual clock: the capture's timestamps set when each packet goes, and a pause stops the clock.</summary>
public sealed class RtpStreamerTests
{
    [Fact]
    public async Task Packets_go_at_their_timestamps_and_a_pause_shifts_the_rest_instead_of_bursting()
    {
        var time = new ManualTimeProvider();
        var capture = PsCapture.LoadEmbedded();
        var firstFrame = capture.TimestampOffsets.Count(static t => t == 0);
        var secondFrameAt = PsCapture.TicksToTime(capture.TimestampOffsets.First(static t => t > 0));
        var streamer = new RtpStreamer(capture, 0x0102_0304, time);
        var sink = new RecordingStream(time);
        using var stop = new CancellationTokenSource();

        var running = streamer.RunTcpAsync(sink, stop.Token);
        await DeviceModeTests.WaitUntilAsync(() => sink.Frames.Count == firstFrame && time.ActiveTimerCount == 1);

        streamer.Pause();
        time.Advance(TimeSpan.FromSeconds(10));
        streamer.Resume();
        await DeviceModeTests.WaitUntilAsync(() => time.ActiveTimerCount == 1); // parked until the next packet's (shifted) time
        Assert.Equal(firstFrame, sink.Frames.Count); // nothing went while paused, and no burst of overdue packets after

        time.Advance(secondFrameAt);
        await DeviceModeTests.WaitUntilAsync(() => sink.Frames.Count > firstFrame);
        var (at, frame) = sink.Frames.ToArray()[firstFrame];
        Assert.Equal(TimeSpan.FromSeconds(10) + secondFrameAt, at);
        Assert.Equal(0x0102_0304u, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(2 + 8)));
        Assert.Equal(frame.Length - 2, BinaryPrimitives.ReadUInt16BigEndian(frame)); // RFC 4571 length prefix

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    /// <summary>Records each write with the manual clock's time since the start.</summary>
    private sealed class RecordingStream(ManualTimeProvider time) : Stream
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public ConcurrentQueue<(TimeSpan At, byte[] Frame)> Frames { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Frames.Enqueue((time.GetUtcNow() - _start, buffer.ToArray()));
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => Frames.Enqueue((time.GetUtcNow() - _start, buffer[offset..(offset + count)]));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
