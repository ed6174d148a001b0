using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Sip.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// One local SIP endpoint: UDP and TCP on the same address and port. Several can coexist (5060 for devices,
/// 5061 for one platform, ...); each is used by one <see cref="UserAgent.SipUserAgent"/>.
/// Receives and parses messages (answering malformed requests with 400/505/513 when they can be answered),
/// stamps received/rport on requests, routes responses per RFC 3261 §18.2.2 and RFC 3581, and sends requests
/// to explicit targets, reusing any open TCP connection to the peer (including one the peer opened).
/// </summary>
public sealed partial class SipTransport : ISipTransport, IAsyncDisposable
{
    private const int MaxBindAttempts = 20;

    private readonly SipTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SipMetrics _metrics;
    private readonly SipLogLimiter _errorLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly SipTcpConnectionTable _tcp;
    private readonly ConcurrentDictionary<IPAddress, IPAddress> _routeCache = new();
    private SipUdpChannel? _udp;
    private Socket? _listener;
    private ISipMessageReceiver? _receiver;
    private IPEndPoint? _localEndPoint;
    private int _state; // 0 new, 1 started, 2 disposed

    public SipTransport(SipTransportOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Gb28181Gateway.Sip.Transport");
        _metrics = SipMetrics.For(meterFactory);
        _errorLog = new SipLogLimiter(_time, options.ErrorLogInterval);
        _tcp = new SipTcpConnectionTable(options, _time, _logger, _metrics, _errorLog, OnTcpFrame, OnTcpFramingError);
    }

    public SipTransportOptions Options => _options;

    /// <summary>The bound address and port (the actual port when <see cref="SipTransportOptions.Port"/> was 0).</summary>
    public IPEndPoint LocalEndPoint => _localEndPoint ?? throw new InvalidOperationException("the transport is not started");

    /// <summary>Open TCP connections, accepted and opened.</summary>
    public int TcpConnectionCount => _tcp.Count;

    internal TimeProvider TimeProvider => _time;

    /// <summary>
    /// Binds UDP and TCP and starts receiving. Throws <see cref="SocketException"/> (e.g. AddressAlreadyInUse)
    /// when the endpoint cannot be bound, with nothing left open.
    /// </summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the transport was already started");
        }

        Bind();
        if (_udp is not null)
        {
            _loops.Add(Task.Run(() => _udp.RunAsync(_stopping.Token)));
        }

        if (_listener is not null)
        {
            _loops.Add(Task.Run(AcceptLoopAsync));
        }

        TransportLog.Listening(_logger, LocalEndPoint, _options.EnableUdp, _options.EnableTcp);
    }

    void ISipTransport.Attach(ISipMessageReceiver receiver)
    {
        if (Interlocked.CompareExchange(ref _receiver, receiver, null) is not null)
        {
            throw new InvalidOperationException("a user agent is already attached to this transport; use one SipUserAgent per SipTransport");
        }
    }

    async ValueTask ISipTransport.SendAsync(SipOutboundMessage message, SipEndPoint target, CancellationToken cancellationToken)
    {
        await SendToAsync(message.Bytes, target, cancellationToken);
        _metrics.MessageSent(message.Method, message.StatusCode);
    }

    async ValueTask ISipTransport.SendResponseAsync(SipOutboundMessage response, SipEndPoint requestSource, CancellationToken cancellationToken)
    {
        var via = response.TopVia ?? throw new SipTransportException("a response without Via cannot be routed");
        var target = SipViaProcessing.ResolveResponseTarget(via, requestSource, out var fallback);
        if (target.Transport == SipTransportKind.Tcp)
        {
            await _tcp.SendResponseAsync(response.Bytes, requestSource.Address, fallback.Address, cancellationToken);
        }
        else
        {
            await SendToAsync(response.Bytes, target, cancellationToken);
        }

        _metrics.MessageSent(response.Method, response.StatusCode);
    }

    SipHostPort ISipTransport.GetLocalAddress(SipEndPoint target) => GetLocalAddress(target);

    /// <summary>The host and port to advertise (Via, Contact, SDP) to <paramref name="target"/>.</summary>
    public SipHostPort GetLocalAddress(SipEndPoint target)
    {
        var port = _options.ExternalPort ?? LocalEndPoint.Port;
        if (!string.IsNullOrEmpty(_options.ExternalAddress))
        {
            return new SipHostPort(_options.ExternalAddress, port);
        }

        var bound = LocalEndPoint.Address;
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            return new SipHostPort(SipHostPort.FormatHost(bound), port);
        }

        return new SipHostPort(SipHostPort.FormatHost(RouteTo(target.Address.Address)), port);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync();
        _udp?.Dispose();
        _listener?.Dispose();
        await _tcp.DisposeAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        if (_localEndPoint is not null)
        {
            TransportLog.Stopped(_logger, _localEndPoint);
        }
    }

    private async ValueTask SendToAsync(ReadOnlyMemory<byte> bytes, SipEndPoint target, CancellationToken cancellationToken)
    {
        if (target.Transport == SipTransportKind.Udp)
        {
            var udp = _udp ?? throw new SipTransportException($"UDP is not enabled on {LocalEndPoint}");
            await udp.SendAsync(bytes, target.Address, cancellationToken);
            return;
        }

        if (_listener is null)
        {
            throw new SipTransportException($"TCP is not enabled on {LocalEndPoint}");
        }

        await _tcp.SendAsync(bytes, target.Address, cancellationToken);
    }

    private void Bind()
    {
        var address = _options.ListenAddress;
        for (var attempt = 0; ; attempt++)
        {
            Socket? udp = null;
            Socket? tcp = null;
            try
            {
                var port = _options.Port;
                if (_options.EnableUdp)
                {
                    udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    udp.Bind(new IPEndPoint(address, port));
                    port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                }

                if (_options.EnableTcp)
                {
                    tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                    tcp.Bind(new IPEndPoint(address, port));
                    tcp.Listen(512);
                    port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                }

                _localEndPoint = new IPEndPoint(address, port);
                if (udp is not null)
                {
                    _udp = new SipUdpChannel(udp, _logger, OnDatagram, OnUnreachable);
                }

                _listener = tcp;
                return;
            }
            catch (SocketException ex) when (_options.Port == 0 && ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < MaxBindAttempts)
            {
                // the free UDP port was taken for TCP: try another pair
                udp?.Dispose();
                tcp?.Dispose();
            }
            catch
            {
                udp?.Dispose();
                tcp?.Dispose();
                throw;
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                break;
            }
            catch (SocketException ex)
            {
                TransportLog.AcceptFailed(_logger, LocalEndPoint, ex.SocketErrorCode, ex);
                continue;
            }

            _tcp.Accept(socket);
        }
    }

    private IPAddress RouteTo(IPAddress remote)
    {
        if (_routeCache.TryGetValue(remote, out var local))
        {
            return local;
        }

        try
        {
            // connecting a UDP socket sends nothing; the kernel just picks the route and the source address
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(remote, 9));
            local = ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException ex)
        {
            TransportLog.NoRoute(_logger, remote, ex.SocketErrorCode);
            local = remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }

        if (_routeCache.Count > 4096)
        {
            _routeCache.Clear();
        }

        _routeCache[remote] = local;
        return local;
    }
}
