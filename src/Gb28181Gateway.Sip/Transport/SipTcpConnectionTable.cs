using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// The TCP connections of one transport, by remote endpoint. A send to a peer reuses any open connection to
/// it, whichever side opened it; a request that arrives on a connection also registers its Via sent-by
/// (when that is the connection's source IP with another port, as devices write their listening port) as an
/// alias, so a later request to <c>tcp:device-ip:5060</c> goes down the connection the device opened.
/// Concurrent sends to a peer with no connection share one connect attempt.
/// </summary>
internal sealed class SipTcpConnectionTable : IAsyncDisposable
{
    private readonly SipTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SipMetrics _metrics;
    private readonly SipLogLimiter _refusedLog;
    private readonly Action<ReadOnlyMemory<byte>, SipTcpConnection> _onFrame;
    private readonly Action<SipTcpConnection, string> _onFramingError;
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpConnection> _byRemote = new();
    private readonly ConcurrentDictionary<IPEndPoint, SipTcpConnection> _aliases = new();
    private readonly ConcurrentDictionary<IPEndPoint, Lazy<Task<SipTcpConnection>>> _connecting = new();
    private readonly ConcurrentDictionary<SipTcpConnection, Task> _running = new();
    private int _count;
    private volatile bool _disposed;

    public SipTcpConnectionTable(SipTransportOptions options, TimeProvider time, ILogger logger, SipMetrics metrics, SipLogLimiter refusedLog,
        Action<ReadOnlyMemory<byte>, SipTcpConnection> onFrame, Action<SipTcpConnection, string> onFramingError)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _refusedLog = refusedLog;
        _onFrame = onFrame;
        _onFramingError = onFramingError;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes an accepted socket, or closes it at once when the connection limit is reached.</summary>
    public void Accept(Socket socket)
    {
        if (_disposed || !TryReserveSlot())
        {
            if (_refusedLog.TryAcquire(out var suppressed))
            {
                TransportLog.TcpRefused(_logger, socket.RemoteEndPoint as IPEndPoint, _options.MaxTcpConnections, suppressed);
            }

            socket.Dispose();
            return;
        }

        var connection = new SipTcpConnection(socket, outbound: false, _options, _time, _logger, _onFrame, _onFramingError);
        TransportLog.TcpAccepted(_logger, connection.RemoteEndPoint, connection.LocalEndPoint);
        Register(connection);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var connection = await GetOrConnectAsync(remote, cancellationToken);
        await connection.SendAsync(bytes, cancellationToken);
    }

    /// <summary>A response goes down the request's connection while it is open (§18.2.2), else over a new one to <paramref name="fallback"/>.</summary>
    public async ValueTask SendResponseAsync(ReadOnlyMemory<byte> bytes, IPEndPoint requestSource, IPEndPoint fallback, CancellationToken cancellationToken)
    {
        if (_byRemote.TryGetValue(requestSource, out var connection) && !connection.IsClosed)
        {
            try
            {
                await connection.SendAsync(bytes, cancellationToken);
                return;
            }
            catch (SipTransportException) when (connection.IsClosed)
            {
                // closed under us: fall through to a new connection
            }
        }

        await SendAsync(bytes, fallback, cancellationToken);
    }

    public void AddAlias(SipRequest request, SipTcpConnection connection)
    {
        var via = request.TopVia;
        if (via?.Port is not { } port || port == connection.RemoteEndPoint.Port
            || !SipViaProcessing.TryParseHost(via.Host, out var host) || !host.Equals(connection.RemoteEndPoint.Address))
        {
            return;
        }

        var alias = new IPEndPoint(host, port);
        if (!_aliases.TryGetValue(alias, out var existing) || existing != connection)
        {
            _aliases[alias] = connection;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var connection in _running.Keys)
        {
            connection.Close("transport stopped");
        }

        await Task.WhenAll(_running.Values);
    }

    private async ValueTask<SipTcpConnection> GetOrConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        if ((_byRemote.TryGetValue(remote, out var connection) || _aliases.TryGetValue(remote, out connection)) && !connection.IsClosed)
        {
            return connection;
        }

        if (_disposed)
        {
            throw new SipTransportException("the TCP transport is stopped");
        }

        var attempt = _connecting.GetOrAdd(remote, r => new Lazy<Task<SipTcpConnection>>(() => ConnectAsync(r)));
        try
        {
            return await attempt.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (attempt.Value.IsCompleted)
            {
                _connecting.TryRemove(KeyValuePair.Create(remote, attempt));
            }
        }
    }

    private async Task<SipTcpConnection> ConnectAsync(IPEndPoint remote)
    {
        if (!TryReserveSlot())
        {
            throw new SipTransportException($"cannot connect to {remote}: {_options.MaxTcpConnections} TCP connections are open");
        }

        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            var bound = _options.ListenAddress;
            if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any) && bound.AddressFamily == remote.AddressFamily)
            {
                socket.Bind(new IPEndPoint(bound, 0));
            }

            using var timeout = new CancellationTokenSource(_options.TcpConnectTimeout, _time);
            await socket.ConnectAsync(remote, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            ReleaseSlot();
            var why = ex is SocketException se ? se.SocketErrorCode.ToString() : $"no answer within {_options.TcpConnectTimeout.TotalSeconds:0.#} s";
            TransportLog.TcpConnectFailed(_logger, remote, why);
            throw new SipTransportException($"TCP connect to {remote} failed: {why}", ex);
        }

        var connection = new SipTcpConnection(socket, outbound: true, _options, _time, _logger, _onFrame, _onFramingError);
        TransportLog.TcpConnected(_logger, connection.RemoteEndPoint, connection.LocalEndPoint);
        Register(connection);
        return connection;
    }

    private void Register(SipTcpConnection connection)
    {
        _byRemote[connection.RemoteEndPoint] = connection;
        _metrics.TcpConnectionOpened();

        // registered before it runs, so the run's cleanup always finds its entry
        var run = new Task<Task>(() => RunAsync(connection));
        _running[connection] = run.Unwrap();
        run.Start(TaskScheduler.Default);
    }

    private async Task RunAsync(SipTcpConnection connection)
    {
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _byRemote.TryRemove(KeyValuePair.Create(connection.RemoteEndPoint, connection));
            foreach (var (alias, target) in _aliases)
            {
                if (target == connection)
                {
                    _aliases.TryRemove(KeyValuePair.Create(alias, target));
                }
            }

            _metrics.TcpConnectionClosed();
            ReleaseSlot();
            await connection.DisposeAsync();
            _running.TryRemove(connection, out _);
        }
    }

    private bool TryReserveSlot()
    {
        if (Interlocked.Increment(ref _count) <= _options.MaxTcpConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    private void ReleaseSlot() => Interlocked.Decrement(ref _count);
}
