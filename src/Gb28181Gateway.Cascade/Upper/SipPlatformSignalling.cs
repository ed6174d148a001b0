using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// Signalling to one platform over its user agent: REGISTER keeps one Call-ID and an increasing CSeq across
/// refreshes (RFC 3261 §10.2.4), digest credentials are shared by REGISTER and MESSAGE so the nonce count
/// carries over, and the platform's address is resolved on every REGISTER (a DNS name may move).
/// </summary>
internal sealed class SipPlatformSignalling : IPlatformSignalling
{
    private readonly PlatformOptions _platform;
    private readonly SipUserAgent _agent;
    private readonly SipRequestOptions _requestOptions;
    private readonly string _callId = Gb28181Gateway.Sip.Transactions.SipIdentifiers.NewCallId();
    private readonly string _fromTag = Gb28181Gateway.Sip.Transactions.SipIdentifiers.NewTag();
    private readonly Lock _gate = new();
    private uint _nextCSeq = 1;
    private SipEndPoint? _target;

    public SipPlatformSignalling(PlatformOptions platform, SipUserAgent agent)
    {
        _platform = platform;
        _agent = agent;
        var username = string.IsNullOrEmpty(platform.Username) ? platform.DeviceId : platform.Username;
        _requestOptions = new SipRequestOptions
        {
            Credentials = string.IsNullOrEmpty(platform.Password) || string.IsNullOrEmpty(username) ? null : new DigestClient(username, platform.Password),
        };
    }

    /// <summary>The platform's address (resolved by the last REGISTER; null before).</summary>
    public SipEndPoint? Target => _target;

    public async Task<PlatformAnswer> RegisterAsync(int expires, CancellationToken cancellationToken)
    {
        SipEndPoint target;
        try
        {
            target = await ResolveAsync(cancellationToken);
        }
        catch (SocketException ex)
        {
            return new PlatformAnswer(503, "cannot resolve " + _platform.Host + ": " + ex.Message);
        }

        var self = SelfAddress();
        var request = _agent.CreateRequest(SipMethod.Register, ServerUri(), self.WithTag(_fromTag), self, target);
        request.Headers.Set(SipHeaderKind.CallId, _callId);
        lock (_gate)
        {
            request.CSeq = new SipCSeq(_nextCSeq++, SipMethod.Register);
        }

        request.Expires = expires;
        var response = await _agent.SendRequestAsync(request, target, _requestOptions, cancellationToken);
        lock (_gate)
        {
            _nextCSeq = Math.Max(_nextCSeq, response.CSeq.Number + 1); // the stack used CSeq+1 to answer a challenge
        }

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

    public async Task<PlatformAnswer> SendMessageAsync(byte[] body, CancellationToken cancellationToken)
    {
        var target = _target ?? await ResolveAsync(cancellationToken);
        var self = SelfAddress();
        var request = _agent.CreateRequest(SipMethod.Message, ServerUri(), self, new SipNameAddress(ServerUri()), target);
        request.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        request.Body = body;
        var response = await _agent.SendRequestAsync(request, target, _requestOptions, cancellationToken);
        return new PlatformAnswer(response.StatusCode, response.ReasonPhrase);
    }

    /// <summary>sip:ServerId@ServerDomain, the Request-URI platforms expect (host = domain ID, as Hikvision writes it).</summary>
    internal SipUri ServerUri() => SipUri.Create(_platform.ServerId, DomainOf(_platform.ServerDomain, _platform.ServerId));

    /// <summary>The gateway toward this platform: sip:DeviceId@its domain.</summary>
    internal SipNameAddress SelfAddress() => new(SipUri.Create(_platform.DeviceId, DomainOf(string.Empty, _platform.DeviceId)));

    internal static string DomainOf(string configured, string id) =>
        configured.Length > 0 ? configured : id.Length >= 10 ? id[..10] : id;

    private async Task<SipEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        var kind = string.Equals(_platform.Transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipTransportKind.Tcp : SipTransportKind.Udp;
        if (!IPAddress.TryParse(_platform.Host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(_platform.Host, AddressFamily.InterNetwork, cancellationToken);
            address = addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound);
        }

        var target = new SipEndPoint(kind, new IPEndPoint(address, _platform.Port));
        _target = target;
        return target;
    }
}
