using System.Net.Sockets;

namespace Gb28181Gateway.Media.Relay;

internal enum TcpSendResult
{
    /// <summary>Handed to the kernel, or queued behind bytes that are.</summary>
    Accepted,

    /// <summary>The backlog is full: the frame was not sent and nothing of it was queued.</summary>
    Overflow,

    /// <summary>The connection failed; the leg must close.</summary>
    Failed,
}

/// <summary>
/// Sends RFC 4571 frames on one TCP connection without blocking the session's receive loop. The fast path is a
/// non-blocking send straight from the receive buffer. What the kernel does not take goes into a byte ring
/// (single producer: the receive loop; single consumer: the flush loop), drained asynchronously; while the
/// ring holds bytes, later frames queue behind them so the stream stays in order. Whole frames are dropped when
/// the ring is full, so the platform always sees well-formed framing. No lock: the ring indices and the
/// flushing flag are published with Volatile/Interlocked.
/// </summary>
internal sealed class TcpFrameSender
{
    private readonly Socket _socket;
    private readonly int _capacity;
    private readonly Action<SocketException?> _failed;
    private byte[]? _ring;
    private long _head;    // bytes ever queued (written by the producer)
    private long _tail;    // bytes ever flushed (written by the flush loop)
    private int _flushing;
    private int _failedFlag;

    public TcpFrameSender(Socket socket, int backlogBytes, Action<SocketException?> failed)
    {
        _socket = socket;
        _socket.Blocking = false;
        _capacity = backlogBytes;
        _failed = failed;
    }

    /// <summary>Bytes queued and not yet handed to the kernel.</summary>
    public long Backlog => Volatile.Read(ref _head) - Volatile.Read(ref _tail);

    /// <summary>Sends one whole frame; only ever called by one thread at a time.</summary>
    public TcpSendResult Send(ReadOnlySpan<byte> frame)
    {
        if (Volatile.Read(ref _failedFlag) != 0)
        {
            return TcpSendResult.Failed;
        }

        if (Volatile.Read(ref _flushing) == 0 && Backlog == 0)
        {
            int sent;
            SocketError error;
            try
            {
                sent = _socket.Send(frame, SocketFlags.None, out error);
            }
            catch (ObjectDisposedException)
            {
                return TcpSendResult.Failed;
            }

            if (error == SocketError.Success && sent == frame.Length)
            {
                return TcpSendResult.Accepted;
            }

            if (error is not (SocketError.Success or SocketError.WouldBlock))
            {
                Fail(new SocketException((int)error));
                return TcpSendResult.Failed;
            }

            // Part of the frame is on the wire: the rest must follow, and the empty ring has room for it.
            Enqueue(frame[Math.Max(sent, 0)..]);
            StartFlush();
            return TcpSendResult.Accepted;
        }

        if (_capacity - Backlog < frame.Length)
        {
            return TcpSendResult.Overflow;
        }

        Enqueue(frame);
        StartFlush();
        return TcpSendResult.Accepted;
    }

    private void Enqueue(ReadOnlySpan<byte> bytes)
    {
        var ring = _ring ??= new byte[_capacity];
        var head = _head;
        var start = (int)(head % _capacity);
        var first = Math.Min(bytes.Length, _capacity - start);
        bytes[..first].CopyTo(ring.AsSpan(start));
        bytes[first..].CopyTo(ring);
        Volatile.Write(ref _head, head + bytes.Length);
    }

    private void StartFlush()
    {
        if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
        {
            _ = FlushAsync();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                long available;
                while ((available = Volatile.Read(ref _head) - _tail) > 0)
                {
                    var start = (int)(_tail % _capacity);
                    var length = (int)Math.Min(available, _capacity - start);
                    var sent = await _socket.SendAsync(_ring!.AsMemory(start, length), SocketFlags.None).ConfigureAwait(false);
                    Volatile.Write(ref _tail, _tail + sent);
                }

                Volatile.Write(ref _flushing, 0);
                // A frame queued between the last check and clearing the flag would be stranded: look once more.
                if (Volatile.Read(ref _head) == _tail || Interlocked.CompareExchange(ref _flushing, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (SocketException ex)
        {
            Fail(ex);
        }
        catch (ObjectDisposedException)
        {
            Fail(null);
        }
    }

    private void Fail(SocketException? ex)
    {
        if (Interlocked.Exchange(ref _failedFlag, 1) == 0)
        {
            _failed(ex);
        }
    }
}
