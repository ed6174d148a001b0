using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Simulator.Devices;

/// <summary>
/// One simulated device: registers with digest (same Call-ID and From tag for every refresh, CSeq rising),
/// refreshes at 80% of the granted expiry, sends Keepalive every interval, and registers again when a keepalive
/// is refused or too many go unanswered. Its SIP user agent is shared with the other devices on the same port.
/// </summary>
internal sealed class SimulatedDevice
{
    private readonly DeviceFarm _farm;
    private readonly DigestClient? _credentials;
    private readonly SipNameAddress _self;
    private readonly Lock _gate = new();
    private string? _registerCallId;
    private string? _fromTag;
    private uint _registerCSeq;
    private long _sn;
    private int _registered;

    public SimulatedDevice(DeviceFarm farm, SipUserAgent agent, string id, IReadOnlyList<string> channelIds)
    {
        _farm = farm;
        Agent = agent;
        Id = id;
        ChannelIds = channelIds;
        var options = farm.Options;
        _credentials = options.Password.Length == 0 ? null : new DigestClient(id, options.Password);
        _self = new SipNameAddress(SipUri.Create(id, options.DomainOrDefault));
    }

    public string Id { get; }

    public IReadOnlyList<string> ChannelIds { get; }

    public SipUserAgent Agent { get; }

    public bool IsRegistered => Volatile.Read(ref _registered) != 0;

    public long NextSn() => Interlocked.Increment(ref _sn);

    /// <summary>Registers, then keeps the registration and the keepalives going until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(SemaphoreSlim firstRegistration, CancellationToken cancellationToken)
    {
        var options = _farm.Options;
        var time = _farm.Time;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            int granted;
            if (first)
            {
                await firstRegistration.WaitAsync(cancellationToken);
                try
                {
                    granted = await RegisterAsync(options.Expires, cancellationToken);
                }
                finally
                {
                    firstRegistration.Release();
                }

                first = false;
            }
            else
            {
                granted = await RegisterAsync(options.Expires, cancellationToken);
            }

            if (granted <= 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(10 + Random.Shared.Next(10)), time, cancellationToken);
                continue;
            }

            var refreshAt = time.GetTimestamp() + (long)(granted * 0.8 * time.TimestampFrequency);
            var misses = 0;
            while (true)
            {
                var untilRefresh = time.GetElapsedTime(time.GetTimestamp(), refreshAt);
                if (untilRefresh <= options.KeepaliveInterval)
                {
                    await Task.Delay(untilRefresh > TimeSpan.Zero ? untilRefresh : TimeSpan.Zero, time, cancellationToken);
                    break; // refresh the registration
                }

                await Task.Delay(options.KeepaliveInterval, time, cancellationToken);
                var status = await SendKeepaliveAsync(cancellationToken);
                if (status is >= 200 and < 300)
                {
                    misses = 0;
                }
                else if (status == SipStatus.RequestTimeout || status == SipStatus.ServiceUnavailable)
                {
                    if (++misses >= options.KeepaliveMaxMisses)
                    {
                        Log.KeepaliveLost(_farm.Logger, Id, misses);
                        SetUnregistered();
                        break;
                    }
                }
                else
                {
                    Log.KeepaliveRejected(_farm.Logger, Id, status);
                    SetUnregistered();
                    break;
                }
            }
        }
    }

    /// <summary>Sends REGISTER with <paramref name="expires"/>; returns the granted expiry (seconds) or 0 when refused.</summary>
    public async Task<int> RegisterAsync(int expires, CancellationToken cancellationToken)
    {
        var options = _farm.Options;
        var request = Agent.CreateRequest(SipMethod.Register, SipUri.Create(options.ServerId, options.DomainOrDefault), _self, _self, options.Server);
        lock (_gate)
        {
            if (_registerCallId is null)
            {
                _registerCallId = request.CallId;
                _registerCSeq = 1;
                _fromTag = request.From.Tag;
            }
            else
            {
                request.CallId = _registerCallId;
                request.CSeq = new SipCSeq(++_registerCSeq, SipMethod.Register);
                request.From = _self.WithTag(_fromTag!);
            }
        }

        request.Expires = expires;
        var response = await Agent.SendRequestAsync(request, options.Server, new SipRequestOptions { Credentials = _credentials }, cancellationToken);
        lock (_gate)
        {
            _registerCSeq = Math.Max(_registerCSeq, response.CSeq.Number);
        }

        if (expires == 0)
        {
            if (response.IsSuccess)
            {
                SetUnregistered();
            }

            return 0;
        }

        if (!response.IsSuccess)
        {
            _farm.Statistics.RegistrationFailed();
            Log.RegistrationFailed(_farm.Logger, Id, response.StatusCode, response.ReasonPhrase);
            SetUnregistered();
            return 0;
        }

        var granted = response.Contact?.Expires ?? response.Expires ?? expires;
        granted = granted <= 0 ? expires : granted;
        var wasRegistered = Interlocked.Exchange(ref _registered, 1) != 0;
        _farm.Statistics.RegistrationSucceeded(wasRegistered);
        _farm.OnRegistered();
        Log.Registered(_farm.Logger, Id, granted);
        return granted;
    }

    /// <summary>Sends one Keepalive MESSAGE; returns the final status (408 when unanswered).</summary>
    public async Task<int> SendKeepaliveAsync(CancellationToken cancellationToken)
    {
        var keepalive = new KeepaliveNotify { Sn = NextSn(), DeviceId = Id, Status = "OK" };
        _farm.Statistics.KeepaliveSent();
        var response = await SendMessageAsync(ManscdpCodec.Encode(keepalive, _farm.Options.Charset), cancellationToken);
        _farm.Statistics.KeepaliveAnswered(response.IsSuccess);
        return response.StatusCode;
    }

    /// <summary>Sends a MANSCDP body to the server in a MESSAGE from this device.</summary>
    public Task<SipResponse> SendMessageAsync(byte[] body, CancellationToken cancellationToken)
    {
        var options = _farm.Options;
        var request = Agent.CreateRequest(SipMethod.Message, SipUri.Create(options.ServerId, options.DomainOrDefault), _self,
            new SipNameAddress(SipUri.Create(options.ServerId, options.DomainOrDefault)), options.Server);
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = body;
        return Agent.SendRequestAsync(request, options.Server, cancellationToken: cancellationToken);
    }

    private void SetUnregistered()
    {
        if (Interlocked.Exchange(ref _registered, 0) != 0)
        {
            _farm.Statistics.Unregistered();
        }
    }
}
