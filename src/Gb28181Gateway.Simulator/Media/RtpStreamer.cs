using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Simulator.Media;

/// <summary>
/// Plays a <see cref="PsCapture"/> as one RTP stream at its real pace, looping, with the session's SSRC and a
/// continuous sequence number and timestamp across loops. UDP datagrams, or RFC 4571 frames on a TCP stream.
/// Pause/Resume (MANSRTSP PAUSE/PLAY) stop the clock. Timing comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RtpStreamer
{
    private readonly PsCapture _capture;
    private readonly uint _ssrc;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private TaskCompletionSource? _resumed;
    private long _pausedAt;
    private long _origin;
    private long _packets;
    private long _bytes;

    public RtpStreamer(PsCapture capture, uint ssrc, TimeProvider time)
    {
        _capture = capture;
        _ssrc = ssrc;
        _time = time;
    }

    public uint Ssrc => _ssrc;

    public long PacketsSent => Interlocked.Read(ref _packets);

    public long BytesSent => Interlocked.Read(ref _bytes);

    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _resumed is not null;
            }
        }
    }

    public void Pause()
    {
        lock (_gate)
        {
            if (_resumed is null)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _pausedAt = _time.GetTimestamp();
            }
        }
    }

    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            resumed = _resumed;
            if (resumed is null)
            {
                return;
            }

            _origin += _time.GetTimestamp() - _pausedAt; // the paused time does not count
            _resumed = null;
        }

        resumed.TrySetResult();
    }

    /// <summary>Sends datagrams to <paramref name="target"/> until cancelled.</summary>
    public Task RunUdpAsync(Socket socket, EndPoint target, CancellationToken cancellationToken) =>
        RunAsync(framed: false, async (packet, ct) =>
        {
            try
            {
                await socket.SendToAsync(packet, SocketFlags.None, target, ct);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // ICMP port unreachable from an earlier datagram: the receiver is not there (yet); keep the pace
            }
        }, cancellationToken);

    /// <summary>Writes RFC 4571 frames to <paramref name="stream"/> until cancelled or the peer closes it.</summary>
    public Task RunTcpAsync(Stream stream, CancellationToken cancellationToken) =>
        RunAsync(framed: true, (frame, ct) => stream.WriteAsync(frame, ct), cancellationToken);

    private async Task RunAsync(bool framed, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        var prefix = framed ? 2 : 0;
        var buffer = new byte[prefix + _capture.Packets.Max(static p => p.Length)];
        var sequence = (ushort)Random.Shared.Next(ushort.MaxValue);
        var timestampBase = (uint)Random.Shared.Next();
        _origin = _time.GetTimestamp();
        for (long loop = 0; ; loop++)
        {
            for (var i = 0; i < _capture.Packets.Count; i++)
            {
                var due = loop * _capture.LoopTicks + _capture.TimestampOffsets[i];
                await WaitUntilAsync(due, cancellationToken);
                var packet = _capture.Packets[i];
                packet.CopyTo(buffer, prefix);
                var rtp = buffer.AsSpan(prefix, packet.Length);
                BinaryPrimitives.WriteUInt16BigEndian(rtp[2..], sequence++);
                BinaryPrimitives.WriteUInt32BigEndian(rtp[4..], unchecked(timestampBase + (uint)due));
                BinaryPrimitives.WriteUInt32BigEndian(rtp[8..], _ssrc);
                if (framed)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)packet.Length);
                }

                await send(buffer.AsMemory(0, prefix + packet.Length), cancellationToken);
                Interlocked.Increment(ref _packets);
                Interlocked.Add(ref _bytes, packet.Length);
            }
        }
    }

    private async ValueTask WaitUntilAsync(long dueTicks, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task? paused;
            long origin;
            lock (_gate)
            {
                paused = _resumed?.Task;
                origin = _origin;
            }

            if (paused is not null)
            {
                await paused.WaitAsync(cancellationToken);
                continue;
            }

            var wait = PsCapture.TicksToTime(dueTicks) - _time.GetElapsedTime(origin);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }
}
