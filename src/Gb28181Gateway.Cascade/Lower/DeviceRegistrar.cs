using System.Globalization;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using GbDeviceId = Gb28181Gateway.Protocol.DeviceId;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// The registrar devices REGISTER to. Checks the IDs (400 for a malformed device ID, 404 for a REGISTER meant
/// for another server), authenticates with digest (realm = <c>Sip:Domain</c>; per-device password, else the
/// global one; none when empty), refuses a wrong password with 403 and slows down addresses that keep failing,
/// applies [MinExpires, MaxExpires] (423 below the minimum), and answers 200 with the GB <c>Date</c>, the granted
/// <c>Expires</c> and the Contact. <c>Expires: 0</c> unregisters (authenticated like any other REGISTER).
/// With <c>Sip:DigestQop</c> auth the challenge offers qop="auth" and nothing weaker is accepted: credentials
/// without qop get a fresh 401 and count as a failed authentication (RFC 7616 §3.4: a client answering a challenge
/// that offers qop must use it), nc must increase per nonce and a replay gets 401 stale=true.
/// </summary>
internal sealed class DeviceRegistrar
{
    private const int DefaultExpires = 3600;
    private readonly GatewayOptions _gateway;
    private readonly SipOptions _options;
    private readonly DeviceDirectory _directory;
    private readonly DevicePresence _presence;
    private readonly DigestServer _digest;
    private readonly bool _qopRequired;
    private readonly RegistrationThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly LowerMetrics _metrics;
    private readonly ILogger _logger;

    public DeviceRegistrar(IOptions<GatewayOptions> options, DeviceDirectory directory, DevicePresence presence, TimeProvider time, LowerMetrics metrics,
        ILogger<DeviceRegistrar> logger)
    {
        _gateway = options.Value;
        _options = _gateway.Sip;
        _directory = directory;
        _presence = presence;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _qopRequired = string.Equals(_options.DigestQop, "auth", StringComparison.OrdinalIgnoreCase);
        _digest = new DigestServer(_options.Domain, time, useQop: _qopRequired);
        _throttle = new RegistrationThrottle(time, _options.AuthFailuresBeforeDelay);
    }

    internal RegistrationThrottle Throttle => _throttle;

    public async Task HandleAsync(GatewayRequest gatewayRequest)
    {
        var incoming = gatewayRequest.Sip;
        var request = incoming.Request;
        var source = incoming.Source;
        var retryAfter = _throttle.RetryAfter(source.Address.Address);
        if (retryAfter > TimeSpan.Zero)
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            LowerLog.Throttled(_logger, source, _throttle.Failures(source.Address.Address), seconds);
            var busy = incoming.CreateResponse(SipStatus.ServiceUnavailable, "Too many failed authentications from this address");
            busy.Headers.Add(SipHeaderKind.RetryAfter, seconds.ToString(CultureInfo.InvariantCulture));
            _metrics.Registration("rejected");
            await incoming.RespondAsync(busy);
            return;
        }

        var deviceId = gatewayRequest.SenderId;
        if (!GbDeviceId.TryParse(deviceId, out _, out var idError))
        {
            await RefuseAsync(incoming, SipStatus.BadRequest, $"Invalid device ID '{Printable(deviceId)}' ({idError}): a GB28181 ID is 20 digits");
            return;
        }

        var target = request.RequestUri.User;
        if (!string.IsNullOrEmpty(target) && target != _options.DeviceId && target != _options.Domain)
        {
            await RefuseAsync(incoming, SipStatus.NotFound, $"Wrong SIP server ID {Printable(target)}: this server is {_options.DeviceId}");
            return;
        }

        int? requested;
        try
        {
            requested = request.Contact?.Expires ?? request.Expires;
        }
        catch (SipMessageException)
        {
            await RefuseAsync(incoming, SipStatus.BadRequest, "Expires is not a number");
            return;
        }

        if (!await AuthenticateAsync(incoming, deviceId))
        {
            return;
        }

        var expires = requested ?? DefaultExpires;
        if (expires == 0)
        {
            if (_directory.TryGet(deviceId, out var known))
            {
                await _presence.UnregisteredAsync(known);
            }

            _metrics.Registration("unregistered");
            LowerLog.Unregistered(_logger, deviceId);
            await incoming.RespondAsync(CreateOk(incoming, 0));
            return;
        }

        if (expires < _options.MinExpiresSeconds)
        {
            var brief = incoming.CreateResponse(SipStatus.IntervalTooBrief);
            brief.Headers.Add(SipHeaderKind.MinExpires, _options.MinExpiresSeconds.ToString(CultureInfo.InvariantCulture));
            _metrics.Registration("rejected");
            LowerLog.RegisterRefused(_logger, source, SipStatus.IntervalTooBrief, $"Expires {expires} is below {_options.MinExpiresSeconds}");
            await incoming.RespondAsync(brief);
            return;
        }

        expires = Math.Min(expires, _options.MaxExpiresSeconds);
        var entry = _directory.GetOrAdd(deviceId, id => new DeviceEntry(new DeviceRecord { DeviceId = id, SignallingEndPoint = source.ToString() }));
        var now = _time.GetUtcNow();
        var wasRegistered = entry.IsRegistered(now);
        var registration = new DeviceRecord
        {
            DeviceId = deviceId,
            SignallingEndPoint = source.ToString(),
            ContactUri = request.Contact is { IsWildcard: false } contact ? contact.Uri.ToString() : string.Empty,
            Instance = _gateway.InstanceId,
            ExpiresAt = now.AddSeconds(expires),
            UserAgent = request.UserAgent,
        };
        await _presence.RegisteredAsync(entry, registration, request.CallId);
        _metrics.Registration("ok");
        if (wasRegistered)
        {
            LowerLog.Refreshed(_logger, deviceId, expires);
        }
        else
        {
            LowerLog.Registered(_logger, deviceId, source, expires, request.UserAgent);
        }

        await incoming.RespondAsync(CreateOk(incoming, expires));
    }

    /// <summary>Digest check; false when a response (401/403) was sent.</summary>
    private async Task<bool> AuthenticateAsync(SipIncomingRequest incoming, string deviceId)
    {
        var password = _options.DevicePasswords.TryGetValue(deviceId, out var own) ? own : _options.Password;
        if (string.IsNullOrEmpty(password))
        {
            return true;
        }

        var credentials = incoming.Request.Authorization;
        if (_qopRequired && IsPlainDigestForUs(credentials))
        {
            var failures = _throttle.Failed(incoming.Source.Address.Address);
            LowerLog.QopMissing(_logger, deviceId, incoming.Source, failures);
            await ChallengeAsync(incoming, stale: false);
            return false;
        }

        var verdict = _digest.Verify(credentials, SipMethod.Register, password);
        if (verdict == DigestVerdict.Valid && credentials!["username"] != deviceId)
        {
            verdict = DigestVerdict.WrongPassword; // credentials of another identity
        }

        switch (verdict)
        {
            case DigestVerdict.Valid:
                _throttle.Succeeded(incoming.Source.Address.Address);
                return true;
            case DigestVerdict.WrongPassword:
                var failures = _throttle.Failed(incoming.Source.Address.Address);
                LowerLog.WrongPassword(_logger, deviceId, incoming.Source, failures);
                _metrics.Registration("forbidden");
                await incoming.RespondAsync(SipStatus.Forbidden, "Wrong password");
                return false;
            default:
                await ChallengeAsync(incoming, stale: verdict == DigestVerdict.Stale);
                return false;
        }
    }

    /// <summary>Digest credentials for our realm that answer without qop.</summary>
    private bool IsPlainDigestForUs(SipAuthHeader? credentials) =>
        credentials is not null && credentials.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase)
        && string.Equals(credentials["realm"], _options.Domain, StringComparison.Ordinal) && credentials["qop"] is null;

    private async Task ChallengeAsync(SipIncomingRequest incoming, bool stale)
    {
        var challenge = incoming.CreateResponse(SipStatus.Unauthorized);
        challenge.Headers.Add(SipHeaderKind.WwwAuthenticate, _digest.CreateChallenge(stale));
        _metrics.Registration("challenged");
        await incoming.RespondAsync(challenge);
    }

    private SipResponse CreateOk(SipIncomingRequest incoming, int expires)
    {
        var ok = incoming.CreateResponse(SipStatus.Ok);
        var local = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _time.LocalTimeZone).DateTime;
        ok.Headers.Add(SipHeaderKind.Date, GbTime.FormatDateHeader(local));
        if (incoming.Request.Contact is { IsWildcard: false } contact && expires > 0)
        {
            ok.Headers.Add(SipHeaderKind.Contact, contact with { Parameters = contact.Parameters.With("expires", expires.ToString(CultureInfo.InvariantCulture)) });
        }

        ok.Expires = expires;
        return ok;
    }

    private async Task RefuseAsync(SipIncomingRequest incoming, int status, string reason)
    {
        _metrics.Registration("rejected");
        LowerLog.RegisterRefused(_logger, incoming.Source, status, reason);
        await incoming.RespondAsync(status, reason);
    }

    private static string Printable(string text)
    {
        var cut = text.Length > 40 ? text[..40] : text;
        return string.Create(cut.Length, cut, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
