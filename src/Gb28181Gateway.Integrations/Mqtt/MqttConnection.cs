using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>
/// One network connection to the broker, from CONNECT/CONNACK to close: framed reads through a PipeReader, writes
/// serialized through one PipeWriter, and a single close reason (the first failure wins). Knows nothing of sessions.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly TimeProvider _time;
    private readonly int _maxPacketSize;
    private Exception? _closeReason;
    private long _lastSent;
    private long _lastReceived;
    private int _closing;
    private bool _writesEnded;
    private bool _deliveringInbound;

    private MqttConnection(Socket socket, Stream stream, TimeProvider time, int maxPacketSize)
    {
        _socket = socket;
        _stream = stream;
        _time = time;
        _maxPacketSize = maxPacketSize;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _lastSent = _lastReceived = time.GetTimestamp();
    }

    /// <summary>Cancelled once the connection is closed, for any reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Why the connection closed; null while open and after a graceful DISCONNECT.</summary>
    public Exception? CloseReason => Volatile.Read(ref _closeReason);

    public bool SessionPresent { get; private set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last packet written (stamped as it goes to the transport).</summary>
    public long LastSent => Volatile.Read(ref _lastSent);

    /// <summary>Timestamp of the last bytes received.</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>True while the reader waits for the application to take a message (so silence is not the network's fault).</summary>
    public bool IsDeliveringInbound
    {
        get => Volatile.Read(ref _deliveringInbound);
        set => Volatile.Write(ref _deliveringInbound, value);
    }

    /// <summary>TCP connect, optional TLS, CONNECT and CONNACK, all within <see cref="MqttClientOptions.ConnectTimeout"/>.</summary>
    /// <exception cref="MqttConnectException">CONNACK with a non-zero return code.</exception>
    /// <exception cref="TimeoutException">The broker did not complete the handshake in time.</exception>
    public static async Task<MqttConnection> OpenAsync(MqttClientOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        MqttConnection? connection = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, linked.Token);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (options.UseTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.TlsTargetHost ?? options.Host,
                        RemoteCertificateValidationCallback = options.TlsCertificateValidation,
                        ClientCertificates = options.TlsClientCertificates,
                    },
                    linked.Token);
            }

            connection = new MqttConnection(socket, stream, time, options.MaxPacketSize);
            if (!await connection.WriteAsync(options.ToConnectPacket(), static (w, p) => MqttPacketWriter.WriteConnect(w, p)))
            {
                throw connection.CloseReason ?? new IOException("the connection closed while CONNECT was written");
            }

            var connAck = await connection.ReadAsync(linked.Token);
            if (connAck.Type != MqttPacketType.ConnAck)
            {
                throw new MqttProtocolException($"MQTT broker {options.Broker} answered CONNECT with {connAck.Type} instead of CONNACK.");
            }

            if (connAck.ReturnCode != MqttConnectReturnCode.Accepted)
            {
                throw new MqttConnectException(connAck.ReturnCode, options.Broker);
            }

            connection.SessionPresent = connAck.SessionPresent;
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            socket.Dispose();
            if (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"MQTT broker {options.Broker} did not complete TCP connect{(options.UseTls ? ", TLS handshake" : "")} and CONNACK within {options.ConnectTimeout}.", ex);
            }

            throw;
        }
    }

    /// <summary>Reads the next packet.</summary>
    /// <exception cref="IOException">The broker closed the connection.</exception>
    /// <exception cref="MqttProtocolException">The broker sent a malformed packet.</exception>
    public async ValueTask<MqttPacket> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
            }

            if (MqttPacketReader.TryRead(ref buffer, _maxPacketSize, out var packet))
            {
                _reader.AdvanceTo(buffer.Start);
                return packet;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                throw buffer.IsEmpty
                    ? new IOException("the MQTT broker closed the connection")
                    : new MqttProtocolException($"the MQTT broker closed the connection in the middle of a packet ({buffer.Length} bytes received).");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> under the write lock and flushes. False when the connection is closed or
    /// closing (nothing was written); a failing flush closes the connection.
    /// </summary>
    public async ValueTask<bool> WriteAsync<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        try
        {
            await _writeLock.WaitAsync(_closed.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }

        try
        {
            if (_writesEnded || _closed.IsCancellationRequested)
            {
                return false;
            }

            write(_writer, state);

            // Stamped before the flush: the answer to these bytes (a PUBACK, say) may be read before the flush's
            // continuation runs, and keep alive must never see an answer newer than the packet it answers.
            Volatile.Write(ref _lastSent, _time.GetTimestamp());
            var flush = await _writer.FlushAsync(_closed.Token);
            return !flush.IsCanceled && !flush.IsCompleted;
        }
        catch (Exception ex)
        {
            Abort(ex is OperationCanceledException ? new IOException("MQTT write cancelled by connection close", ex) : ex);
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes a packet built by <paramref name="write"/> without state.</summary>
    public ValueTask<bool> WriteAsync(Action<IBufferWriter<byte>> write) => WriteAsync(write, static (w, f) => f(w));

    /// <summary>Sends DISCONNECT after anything being written, then closes; no packet can follow it.</summary>
    public async Task CloseGracefullyAsync()
    {
        await WriteAsync(MqttPacketWriter.WriteDisconnect);
        try
        {
            await _writeLock.WaitAsync(_closed.Token);
            _writesEnded = true;
            _writeLock.Release();
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Already closed: nothing more to say to the broker.
        }

        Close(reason: null);
    }

    /// <summary>Closes at once, recording <paramref name="reason"/> unless another reason came first.</summary>
    public void Abort(Exception reason) => Close(reason);

    public async ValueTask DisposeAsync()
    {
        Close(new ObjectDisposedException(nameof(MqttConnection)));
        await _reader.CompleteAsync();
        await _writer.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();

        // _closed and _writeLock are not disposed: late callers may still hold the token or wait on the lock,
        // and neither owns an unmanaged resource once cancelled.
    }

    private void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _closeReason, reason);
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        // Closing the socket fails any pending read or write at once.
        _socket.Dispose();
    }
}
