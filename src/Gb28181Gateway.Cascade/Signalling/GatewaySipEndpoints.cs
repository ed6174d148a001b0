using System.Collections.Concurrent;
using System.Net;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Signalling;

/// <summary>
/// The gateway's SIP endpoints: the lower-domain one (<c>Sip:Port</c>, where devices register) and one per
/// platform with its own <c>LocalPort</c> (platforms with <c>LocalPort: 0</c> share the lower one). Each
/// area of the application (Lower, Upper, Bridge) registers handlers per method and peer role; a request is
/// attributed to a platform when it arrives on that platform's own endpoint, or on the shared endpoint with
/// the platform's <c>ServerId</c> as the From user; everything else comes from a device.
/// </summary>
public sealed partial class GatewaySipEndpoints : IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(SipPeerRole, string), GatewayRequestHandler> _handlers = new();
    private readonly Dictionary<string, SipUserAgent> _platformAgents = new(StringComparer.Ordinal);
    private readonly List<SipUserAgent> _agents = [];
    private readonly List<SipTransport> _transports = [];

    public GatewaySipEndpoints(GatewayOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<GatewaySipEndpoints>();
    }

    /// <summary>The lower-domain user agent (available after <see cref="Start"/>).</summary>
    public SipUserAgent Lower { get; private set; } = null!;

    /// <summary>Binds and starts every endpoint. Throws <see cref="SipTransportException"/> or a socket error naming the port when one cannot be bound.</summary>
    public void Start()
    {
        Lower = StartAgent(_options.Sip.Port, "lower domain");
        foreach (var platform in _options.Platforms.Where(p => p.Enabled))
        {
            _platformAgents[platform.Name] = platform.LocalPort == 0 ? Lower : StartAgent(platform.LocalPort, "platform " + platform.Name);
        }
    }

    /// <summary>The user agent that talks to <paramref name="platform"/> (its own endpoint or the shared lower one).</summary>
    public SipUserAgent ForPlatform(string platform) => _platformAgents.TryGetValue(platform, out var agent)
        ? agent
        : throw new ArgumentException($"no enabled platform named '{platform}'", nameof(platform));

    /// <summary>Handles <paramref name="method"/> from peers of <paramref name="role"/>. One handler per (role, method).</summary>
    public void Handle(SipPeerRole role, string method, GatewayRequestHandler handler)
    {
        if (!_handlers.TryAdd((role, method.ToUpperInvariant()), handler))
        {
            throw new InvalidOperationException($"a {role} handler for {method} is already set");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }
    }

    private static readonly string[] Methods =
        [SipMethod.Register, SipMethod.Message, SipMethod.Invite, SipMethod.Ack, SipMethod.Cancel, SipMethod.Bye, SipMethod.Info,
         SipMethod.Subscribe, SipMethod.Notify];

    private SipUserAgent StartAgent(int port, string purpose)
    {
        var transports = _options.Sip.Transports.Select(t => t.ToUpperInvariant()).ToHashSet();
        var transport = new SipTransport(
            new SipTransportOptions
            {
                ListenAddress = IPAddress.Parse(_options.Sip.ListenAddress),
                Port = port,
                EnableUdp = transports.Contains("UDP"),
                EnableTcp = transports.Contains("TCP"),
                ExternalAddress = string.IsNullOrEmpty(_options.Sip.ExternalAddress) ? null : _options.Sip.ExternalAddress,
            },
            _time,
            _loggerFactory);
        transport.Start();
        _transports.Add(transport);
        var agent = new SipUserAgent(transport, new SipUserAgentOptions { UserAgent = "Gb28181Gateway" }, _time, _loggerFactory);
        foreach (var method in Methods)
        {
            agent.Handle(method, request => DispatchAsync(agent, request));
        }

        _agents.Add(agent);
        Log.Listening(_logger, purpose, transport.LocalEndPoint, transports);
        return agent;
    }

    private Task DispatchAsync(SipUserAgent agent, SipIncomingRequest request)
    {
        var (role, platform) = Attribute(agent, request);
        if (_handlers.TryGetValue((role, request.Method), out var handler))
        {
            return handler(new GatewayRequest(request, role, platform));
        }

        if (!request.CanRespond)
        {
            return Task.CompletedTask; // ACK and CANCEL notifications: the stack has done what the RFC requires
        }

        if (request.Method == SipMethod.Bye && request.Dialog is not null)
        {
            return request.RespondAsync(SipStatus.Ok); // the stack ended the dialog; nobody else holds it
        }

        Log.NoHandler(_logger, request.Method, role, request.Source);
        return request.RespondAsync(SipStatus.MethodNotAllowed);
    }

    private (SipPeerRole Role, string? Platform) Attribute(SipUserAgent agent, SipIncomingRequest request)
    {
        var sender = request.Request.From.Uri.User;
        string? sharedMatch = null;
        foreach (var platform in _options.Platforms)
        {
            if (!_platformAgents.TryGetValue(platform.Name, out var platformAgent) || !ReferenceEquals(platformAgent, agent))
            {
                continue;
            }

            if (!ReferenceEquals(agent, Lower))
            {
                return (SipPeerRole.Platform, platform.Name);
            }

            if (string.Equals(sender, platform.ServerId, StringComparison.Ordinal))
            {
                sharedMatch = platform.Name;
                break;
            }
        }

        return sharedMatch is null ? (SipPeerRole.Device, null) : (SipPeerRole.Platform, sharedMatch);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "SIP for the {Purpose} listening on {EndPoint} ({Transports})")]
        public static partial void Listening(ILogger logger, string purpose, IPEndPoint endPoint, IEnumerable<string> transports);

        [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "{Method} from {Role} at {Source} is not handled here; answered 405")]
        public static partial void NoHandler(ILogger logger, string method, SipPeerRole role, SipEndPoint source);
    }
}
