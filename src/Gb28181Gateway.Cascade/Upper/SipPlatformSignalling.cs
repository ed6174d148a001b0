using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// Signalling to one platform over its user agent: REGISTER keeps one Call-ID and an increasing CSeq across
/// refreshes (RFC 3261 §10.2.4), digest credentials are shared by REGISTER and MESSAGE so the nonce count
/// carries over, and the platform's address is resolved on every REGISTER (a DNS name may move).
/// A 3xx to REGISTER (GB/T 28181-2022 registration redirect) is followed to its best Contact in the same
/// attempt (same Call-ID, next CSeq), at most <see cref="PlatformRedirect.MaxHops"/> times and never back to an
/// address already tried; the gateway then registers and sends its MESSAGEs there until a REGISTER there fails,
/// and the next attempt starts again at the configured address.
/// </summary>
internal sealed class SipPlatformSignalling : IPlatformSignalling
{
    private readonly PlatformOptions _platform;
    private readonly SipUserAgent _agent;
    private readonly ILogger _logger;
    private readonly SipRequestOptions _requestOptions;
    private readonly string _callId = Gb28181Gateway.Sip.Transactions.SipIdentifiers.NewCallId();
    private readonly string _fromTag = Gb28181Gateway.Sip.Transactions.SipIdentifiers.NewTag();
    private readonly Lock _gate = new();
    private uint _nextCSeq = 1;
    private SipEndPoint? _target;
    private RegisterTarget? _redirect;

    public SipPlatformSignalling(PlatformOptions platform, SipUserAgent agent, ILogger? logger = null)
    {
        _platform = platform;
        _agent = agent;
        _logger = logger ?? NullLogger.Instance;
        var username = string.IsNullOrEmpty(platform.Username) ? platform.DeviceId : platform.Username;
        _requestOptions = new SipRequestOptions
        {
            Credentials = string.IsNullOrEmpty(platform.Password) || string.IsNullOrEmpty(username) ? null : new DigestClient(username, platform.Password),
        };
    }

    /// <summary>The platform's address (resolved by the last REGISTER, or where a redirect sent it; null before).</summary>
    public SipEndPoint? Target => _target;

    public async Task<PlatformAnswer> RegisterAsync(int expires, CancellationToken cancellationToken)
    {
        RegisterTarget current;
        if (Volatile.Read(ref _redirect) is { } redirect)
        {
            current = redirect;
        }
        else
        {
            try
            {
                current = new RegisterTarget(ServerUri(), await ResolveAsync(cancellationToken), Redirected: false);
            }
            catch (SocketException ex)
            {
                return new PlatformAnswer(503, "cannot resolve " + _platform.Host + ": " + ex.Message);
            }
        }

        List<SipEndPoint> tried = [current.EndPoint];
        while (true)
        {
            _target = current.EndPoint;
            var response = await SendRegisterAsync(current, expires, cancellationToken);
            if (!PlatformRedirect.IsRedirect(response.StatusCode))
            {
                if (!response.IsSuccess && current.Redirected)
                {
                    Volatile.Write(ref _redirect, null);
                    UpperLog.RedirectFailed(_logger, _platform.Name, current.EndPoint, response.StatusCode, _platform.Host, _platform.Port);
                }
                else if (response.IsSuccess && current.Redirected)
                {
                    Volatile.Write(ref _redirect, current);
                }

                return Answer(response);
            }

            var (next, why) = await FollowAsync(response, current, tried, cancellationToken);
            if (next is null)
            {
                Volatile.Write(ref _redirect, null);
                UpperLog.RedirectNotFollowed(_logger, _platform.Name, response.StatusCode, current.EndPoint, why);
                return new PlatformAnswer(response.StatusCode, $"{response.ReasonPhrase} (redirect not followed: {why})");
            }

            UpperLog.Redirected(_logger, _platform.Name, response.StatusCode, current.EndPoint, next.EndPoint);
            tried.Add(next.EndPoint);
            current = next;
        }
    }

    public async Task<PlatformAnswer> SendMessageAsync(byte[] body, CancellationToken cancellationToken)
    {
        var target = _target ?? await ResolveAsync(cancellationToken);
        var self = SelfAddress();
        var uri = Volatile.Read(ref _redirect) is { } redirect ? RequestUri(redirect) : ServerUri();
        var request = _agent.CreateRequest(SipMethod.Message, uri, self, new SipNameAddress(ServerUri()), target);
        request.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        request.Body = body;
        var response = await _agent.SendRequestAsync(request, target, _requestOptions, cancellationToken);
        return new PlatformAnswer(response.StatusCode, response.ReasonPhrase);
    }

    private async Task<SipResponse> SendRegisterAsync(RegisterTarget target, int expires, CancellationToken cancellationToken)
    {
        var self = SelfAddress();
        var request = _agent.CreateRequest(SipMethod.Register, RequestUri(target), self.WithTag(_fromTag), self, target.EndPoint);
        request.Headers.Set(SipHeaderKind.CallId, _callId);
        lock (_gate)
        {
            request.CSeq = new SipCSeq(_nextCSeq++, SipMethod.Register);
        }

        request.Expires = expires;
        var response = await _agent.SendRequestAsync(request, target.EndPoint, _requestOptions, cancellationToken);
        lock (_gate)
        {
            _nextCSeq = Math.Max(_nextCSeq, response.CSeq.Number + 1); // the stack used CSeq+1 to answer a challenge
        }

        return response;
    }

    private static PlatformAnswer Answer(SipResponse response)
    {
        int? granted = null;
        if (response.IsSuccess)
        {
            try
            {
                granted = response.Contact?.Expires ?? response.Expires;
            }
            catch (SipMessageException)
            {
                granted = null; // a malformed Expires: keep what we asked for
            }
        }

        return new PlatformAnswer(response.StatusCode, response.ReasonPhrase, granted, response.Date);
    }

    /// <summary>The target a 3xx names, or null with the reason it is not followed (no usable Contact, a loop, too many hops).</summary>
    private static async Task<(RegisterTarget? Next, string Why)> FollowAsync(SipResponse response, RegisterTarget current, List<SipEndPoint> tried,
        CancellationToken cancellationToken)
    {
        if (tried.Count > PlatformRedirect.MaxHops)
        {
            return (null, $"more than {PlatformRedirect.MaxHops} redirects in one attempt");
        }

        IReadOnlyList<SipNameAddress> contacts;
        try
        {
            contacts = response.Contacts;
        }
        catch (SipMessageException ex)
        {
            return (null, "unreadable Contact: " + ex.Message);
        }

        if (PlatformRedirect.Choose(contacts) is not { } contact)
        {
            return (null, "no sip Contact to follow");
        }

        SipEndPoint endPoint;
        try
        {
            endPoint = await ResolveAsync(contact.Uri, current.EndPoint.Transport, cancellationToken);
        }
        catch (SocketException ex)
        {
            return (null, $"cannot resolve {contact.Uri.Host}: {ex.Message}");
        }

        return tried.Contains(endPoint)
            ? (null, $"loop: {endPoint} was already tried in this attempt")
            : (new RegisterTarget(contact.Uri with { Headers = null }, endPoint, Redirected: true), string.Empty);
    }

    /// <summary>A redirect's Contact when it names a server (user part); the configured server ID otherwise.</summary>
    private SipUri RequestUri(RegisterTarget target) => target.Redirected && !string.IsNullOrEmpty(target.Uri.User) ? target.Uri : ServerUri();

    /// <summary>sip:ServerId@ServerDomain, the Request-URI platforms expect (host = domain ID, as Hikvision writes it).</summary>
    internal SipUri ServerUri() => SipUri.Create(_platform.ServerId, DomainOf(_platform.ServerDomain, _platform.ServerId));

    /// <summary>The gateway toward this platform: sip:DeviceId@its domain.</summary>
    internal SipNameAddress SelfAddress() => new(SipUri.Create(_platform.DeviceId, DomainOf(string.Empty, _platform.DeviceId)));

    internal static string DomainOf(string configured, string id) =>
        configured.Length > 0 ? configured : id.Length >= 10 ? id[..10] : id;

    private async Task<SipEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        var kind = string.Equals(_platform.Transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipTransportKind.Tcp : SipTransportKind.Udp;
        var target = new SipEndPoint(kind, new IPEndPoint(await AddressOfAsync(_platform.Host, cancellationToken), _platform.Port));
        _target = target;
        return target;
    }

    /// <summary>A Contact's address: its host and port (5060 when absent), over its transport parameter or the current one.</summary>
    private static async Task<SipEndPoint> ResolveAsync(SipUri uri, SipTransportKind current, CancellationToken cancellationToken)
    {
        var kind = uri.Transport switch
        {
            "tcp" => SipTransportKind.Tcp,
            "udp" => SipTransportKind.Udp,
            _ => current,
        };
        return new SipEndPoint(kind, new IPEndPoint(await AddressOfAsync(uri.Host.Trim('[', ']'), cancellationToken), uri.Port ?? 5060));
    }

    private static async Task<IPAddress> AddressOfAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, cancellationToken);
        return addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Where a REGISTER goes: its Request-URI, its address, and whether a redirect chose it.</summary>
    private sealed record RegisterTarget(SipUri Uri, SipEndPoint EndPoint, bool Redirected);
}
