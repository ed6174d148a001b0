using System.Collections.Concurrent;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Simulator.Platform;

/// <summary>A client (the gateway's virtual NVR, or a device) registered to the simulated platform.</summary>
internal sealed record RegisteredClient(string Id, SipEndPoint Source, int Expires, DateTimeOffset RegisteredAt);

/// <summary>
/// A superior platform: a registrar with digest (401, then 200 with the GB Date header; 403 for a wrong
/// password), keepalives answered (404 from unknown clients, so they register again), Catalog/DeviceInfo
/// queries sent to the clients and their answers aggregated, and INVITEs of channels (see <see cref="PlatformPlayer"/>).
/// </summary>
internal sealed class SimulatedPlatform : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RegisteredClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string DeviceId, long Sn), TaskCompletionSource<DeviceInfoResponse>> _deviceInfo = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly DigestServer _digest;
    private SipTransport? _transport;
    private SipUserAgent? _agent;
    private long _sn;
    private long _keepalives;
    private long _registrations;
    private long _challenges;
    private long _forbidden;

    public SimulatedPlatform(PlatformOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = _loggerFactory.CreateLogger("Gb28181Gateway.Simulator.Platform");
        _digest = new DigestServer(options.DomainOrDefault, Time);
        Catalogs = new CatalogCollector(Time);
    }

    public PlatformOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public CatalogCollector Catalogs { get; }

    public SipUserAgent Agent => _agent ?? throw new InvalidOperationException("the platform is not started");

    public IReadOnlyDictionary<string, RegisteredClient> Clients => _clients;

    public long KeepalivesReceived => Interlocked.Read(ref _keepalives);

    public long Registrations => Interlocked.Read(ref _registrations);

    public long Challenges => Interlocked.Read(ref _challenges);

    public long Forbidden => Interlocked.Read(ref _forbidden);

    /// <summary>Raised (on the handler's thread) for each new registration, not for refreshes.</summary>
    public event Action<RegisteredClient>? ClientRegistered;

    public void Start()
    {
        _transport = new SipTransport(new SipTransportOptions { ListenAddress = Options.Listen.Address, Port = Options.Listen.Port },
            TimeProvider.System, _loggerFactory);
        _transport.Start();
        _agent = new SipUserAgent(_transport, new SipUserAgentOptions { UserAgent = "gbsim-platform" }, TimeProvider.System, _loggerFactory);
        _agent.Handle(SipMethod.Register, OnRegisterAsync);
        _agent.Handle(SipMethod.Message, OnMessageAsync);
        Log.PlatformListening(Logger, Options.ServerId, _transport.LocalEndPoint);
    }

    /// <summary>Waits for the first registration of any client.</summary>
    public async Task<RegisteredClient> WaitForClientAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var registered = new TaskCompletionSource<RegisteredClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRegistered(RegisteredClient c) => registered.TrySetResult(c);
        ClientRegistered += OnRegistered;
        try
        {
            if (_clients.Values.FirstOrDefault() is { } known)
            {
                return known;
            }

            return await registered.Task.WaitAsync(timeout, Time, cancellationToken);
        }
        finally
        {
            ClientRegistered -= OnRegistered;
        }
    }

    /// <summary>Sends Query/Catalog to <paramref name="client"/> and aggregates the answers (see <see cref="CatalogCollector"/>).</summary>
    public async Task<CatalogResult> QueryCatalogAsync(RegisteredClient client, CancellationToken cancellationToken)
    {
        var sn = Interlocked.Increment(ref _sn);
        Catalogs.Begin(client.Id, sn);
        var response = await SendQueryAsync(client, new CatalogQuery { Sn = sn, DeviceId = client.Id }, cancellationToken);
        if (!response.IsSuccess)
        {
            Log.QueryRejected(Logger, ManscdpCmdType.Catalog, client.Id, response.StatusCode);
            return await Catalogs.WaitAsync(client.Id, sn, TimeSpan.Zero, cancellationToken);
        }

        return await Catalogs.WaitAsync(client.Id, sn, Options.QueryTimeout, cancellationToken);
    }

    /// <summary>Sends Query/DeviceInfo; null when refused or unanswered in time.</summary>
    public async Task<DeviceInfoResponse?> QueryDeviceInfoAsync(RegisteredClient client, CancellationToken cancellationToken)
    {
        var sn = Interlocked.Increment(ref _sn);
        var answer = new TaskCompletionSource<DeviceInfoResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _deviceInfo[(client.Id, sn)] = answer;
        try
        {
            var response = await SendQueryAsync(client, new DeviceInfoQuery { Sn = sn, DeviceId = client.Id }, cancellationToken);
            if (!response.IsSuccess)
            {
                Log.QueryRejected(Logger, ManscdpCmdType.DeviceInfo, client.Id, response.StatusCode);
                return null;
            }

            return await answer.Task.WaitAsync(Options.QueryTimeout, Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _deviceInfo.TryRemove((client.Id, sn), out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }
    }

    internal SipNameAddress Self => new(SipUri.Create(Options.ServerId, Options.DomainOrDefault));

    private Task<SipResponse> SendQueryAsync(RegisteredClient client, ManscdpMessage query, CancellationToken cancellationToken)
    {
        var clientUri = SipUri.Create(client.Id, client.Id[..10]);
        var request = Agent.CreateRequest(SipMethod.Message, clientUri, Self, new SipNameAddress(clientUri), client.Source);
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = ManscdpCodec.Encode(query, Options.Charset);
        return Agent.SendRequestAsync(request, client.Source, cancellationToken: cancellationToken);
    }

    private async Task OnRegisterAsync(SipIncomingRequest incoming)
    {
        var request = incoming.Request;
        var clientId = request.From.Uri.User ?? string.Empty;
        if (DeviceId.Validate(clientId) != DeviceIdError.None)
        {
            await incoming.RespondAsync(SipStatus.BadRequest, "Bad Request (From user is not a GB28181 ID)");
            return;
        }

        if (Options.Password.Length > 0)
        {
            var verdict = _digest.Verify(request.Authorization, SipMethod.Register, Options.Password);
            switch (verdict)
            {
                case DigestVerdict.WrongPassword:
                    Interlocked.Increment(ref _forbidden);
                    Log.ClientWrongPassword(Logger, clientId, incoming.Source);
                    await incoming.RespondAsync(SipStatus.Forbidden);
                    return;
                case DigestVerdict.Missing or DigestVerdict.InvalidNonce or DigestVerdict.Stale:
                    Interlocked.Increment(ref _challenges);
                    var challenge = incoming.CreateResponse(SipStatus.Unauthorized);
                    challenge.Headers.Add(SipHeaderKind.WwwAuthenticate, _digest.CreateChallenge(verdict == DigestVerdict.Stale).ToString());
                    await incoming.RespondAsync(challenge);
                    return;
            }
        }

        var expires = Math.Min(request.Contact?.Expires ?? request.Expires ?? Options.MaxExpires, Options.MaxExpires);
        var response = incoming.CreateResponse(SipStatus.Ok);
        response.Headers.Add(SipHeaderKind.Date, GbTime.FormatDateHeader(Time.GetLocalNow().DateTime));
        if (request.Contact is { } contact)
        {
            response.Headers.Add(SipHeaderKind.Contact, contact with { Parameters = contact.Parameters.With("expires", expires.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        }

        response.Expires = expires;
        if (expires == 0)
        {
            _clients.TryRemove(clientId, out _);
            await incoming.RespondAsync(response);
            Log.ClientUnregistered(Logger, clientId);
            return;
        }

        var client = new RegisteredClient(clientId, incoming.Source, expires, Time.GetUtcNow());
        var isNew = !_clients.ContainsKey(clientId);
        _clients[clientId] = client;
        Interlocked.Increment(ref _registrations);
        await incoming.RespondAsync(response);
        if (isNew)
        {
            Log.ClientRegistered(Logger, clientId, incoming.Source, expires);
            ClientRegistered?.Invoke(client);
        }
    }

    private async Task OnMessageAsync(SipIncomingRequest incoming)
    {
        var request = incoming.Request;
        ManscdpMessage message;
        try
        {
            message = ManscdpCodec.Parse(request.Body.Span);
        }
        catch (ManscdpFormatException ex)
        {
            Log.BadBody(Logger, incoming.Source, ex.Message);
            await incoming.RespondAsync(SipStatus.BadRequest, "Bad Request (unreadable MANSCDP body)");
            return;
        }

        var clientId = request.From.Uri.User ?? string.Empty;
        if (message is KeepaliveNotify)
        {
            if (!_clients.ContainsKey(clientId))
            {
                await incoming.RespondAsync(SipStatus.NotFound, "Not Found (not registered)");
                return;
            }

            Interlocked.Increment(ref _keepalives);
            await incoming.RespondAsync(SipStatus.Ok);
            return;
        }

        switch (message)
        {
            case CatalogResponse catalog:
                Catalogs.Add(catalog);
                break;
            case DeviceInfoResponse info when _deviceInfo.TryGetValue((info.DeviceId, info.Sn), out var waiting):
                waiting.TrySetResult(info);
                break;
        }

        await incoming.RespondAsync(SipStatus.Ok); // after recording it: the 200 means "received"
    }
}
