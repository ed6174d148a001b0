using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Parsing;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// One SIP TCP connection, accepted or opened. Bytes go from the socket into a <see cref="Pipe"/> whose
/// buffer is bounded by the message size limit; the reader frames messages with <see cref="SipFrameScanner"/>
/// (several per read, one across many reads) and hands each one, copied into its own array so the pipe can
/// reuse its memory, to the transport. Sends are serialised. No traffic for the idle timeout closes it.
/// </summary>
internal sealed class SipTcpConnection : IAsyncDisposable
{
    private const int MinimumReadSize = 4096;

    private readonly Socket _socket;
    private readonly Pipe _pipe;
    private readonly int _maxMessageSize;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly ILogger _logger;
    private readonly Action<ReadOnlyMemory<byte>, SipTcpConnection> _onFrame;
    private readonly Action<SipTcpConnection, string> _onFramingError;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _idleTimer;
    private long _lastActivity;
    private int _closeStarted;

    public SipTcpConnection(Socket socket, bool outbound, SipTransportOptions options, TimeProvider time, ILogger logger,
        Action<ReadOnlyMemory<byte>, SipTcpConnection> onFrame, Action<SipTcpConnection, string> onFramingError)
    {
        _socket = socket;
        _socket.NoDelay = true;
        Outbound = outbound;
        RemoteEndPoint = Normalize((IPEndPoint)socket.RemoteEndPoint!);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _maxMessageSize = options.MaxMessageSize;
        _time = time;
        _idleTimeout = options.TcpIdleTimeout;
        _logger = logger;
        _onFrame = onFrame;
        _onFramingError = onFramingError;

        // a frame is at most _maxMessageSize bytes, so the buffer never needs to hold more than that plus one read
        var pause = _maxMessageSize + MinimumReadSize * 2L;
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, minimumSegmentSize: MinimumReadSize,
            useSynchronizationContext: false));
        _lastActivity = time.GetTimestamp();
        _idleTimer = time.CreateTimer(static s => ((SipTcpConnection)s!).OnIdleTimer(), this, _idleTimeout, Timeout.InfiniteTimeSpan);
    }

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>True when this side connected; false when the peer did.</summary>
    public bool Outbound { get; }

    public SipEndPoint Peer => new(SipTransportKind.Tcp, RemoteEndPoint);

    /// <summary>Completes when the connection is closed, for whatever reason.</summary>
    public Task Closed => _closed.Task;

    public bool IsClosed => Volatile.Read(ref _closeStarted) != 0;

    /// <summary>Runs the receive and framing loops until the peer closes, an error occurs or <see cref="Close"/> is called.</summary>
    public async Task RunAsync()
    {
        try
        {
            var fill = FillPipeAsync();
            var read = ReadPipeAsync();
            await Task.WhenAll(fill, read);
        }
        finally
        {
            Close("closed");
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            throw new SipTransportException($"TCP connection to {RemoteEndPoint} is closed");
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            while (!message.IsEmpty)
            {
                var sent = await _socket.SendAsync(message, SocketFlags.None, cancellationToken);
                message = message[sent..];
            }

            Touch();
        }
        catch (SocketException ex)
        {
            Close("send failed: " + ex.SocketErrorCode);
            throw new SipTransportException($"TCP send to {RemoteEndPoint} failed: {ex.SocketErrorCode}", ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new SipTransportException($"TCP connection to {RemoteEndPoint} is closed", ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the socket (idempotent); the loops end and <see cref="Closed"/> completes.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
        {
            return;
        }

        TransportLog.TcpClosed(_logger, RemoteEndPoint, reason);
        _idleTimer.Dispose();
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Close("transport stopped");
        await _closed.Task;
        _closing.Dispose();
        _sendLock.Dispose();
    }

    public override string ToString() => (Outbound ? "tcp to " : "tcp from ") + RemoteEndPoint;

    private static IPEndPoint Normalize(IPEndPoint ep) =>
        ep.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ep.Address.MapToIPv4(), ep.Port) : ep;

    private async Task FillPipeAsync()
    {
        var writer = _pipe.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(MinimumReadSize);
                var read = await _socket.ReceiveAsync(memory, SocketFlags.None, _closing.Token);
                if (read == 0)
                {
                    break;
                }

                Touch();
                writer.Advance(read);
                var flush = await writer.FlushAsync(_closing.Token);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException ex)
        {
            error = ex;
        }
        finally
        {
            await writer.CompleteAsync(error);
        }
    }

    private async Task ReadPipeAsync()
    {
        var reader = _pipe.Reader;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(_closing.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SocketException)
                {
                    break;
                }

                var buffer = result.Buffer;
                if (!TryConsumeFrames(ref buffer))
                {
                    break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
            Close("peer closed");
        }
    }

    /// <summary>Hands every whole message in <paramref name="buffer"/> on; false when the stream cannot be framed.</summary>
    private bool TryConsumeFrames(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var frame = SipFrameScanner.Scan(buffer, _maxMessageSize);
            switch (frame.Status)
            {
                case SipFrameStatus.NeedMoreData:
                    buffer = buffer.Slice(frame.Skipped);
                    return true;
                case SipFrameStatus.Invalid:
                    _onFramingError(this, frame.Error ?? "invalid frame");
                    Close("framing error: " + frame.Error);
                    return false;
            }

            var message = buffer.Slice(frame.Skipped, frame.Length);

            // an owned copy: the pipe reuses its segments, and transactions keep messages past this read
            var bytes = message.ToArray();
            buffer = buffer.Slice(message.End);
            _onFrame(bytes, this);
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());

    private void OnIdleTimer()
    {
        var idle = _time.GetElapsedTime(Interlocked.Read(ref _lastActivity));
        if (idle >= _idleTimeout)
        {
            TransportLog.TcpIdle(_logger, RemoteEndPoint, idle);
            Close("idle");
            return;
        }

        try
        {
            _idleTimer.Change(_idleTimeout - idle, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
