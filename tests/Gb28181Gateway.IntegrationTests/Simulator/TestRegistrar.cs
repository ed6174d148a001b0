using System.Net;
using System.Threading.Channels;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary>
/// A minimal GB28181 SIP server built with the SIP stack, standing in for the gateway: REGISTER with digest
/// (401 then 200), keepalives answered with a settable status, and every REGISTER and MESSAGE it receives
/// recorded as it arrived (before it is answered, so the channels keep the order of arrival although each request
/// is handled on its own thread-pool thread), so tests can assert what the simulated devices put on the wire.
/// </summary>
internal sealed class TestRegistrar : IAsyncDisposable
{
    public const string ServerId = "34020000002000000001";
    public const string Domain = "3402000000";
    public const string Password = "12345678";

    private readonly SipTransport _transport;
    private readonly DigestServer _digest = new(Domain, TimeProvider.System);

    public TestRegistrar(SipTransportKind kind)
    {
        _transport = new SipTransport(new SipTransportOptions
        {
            ListenAddress = IPAddress.Loopback, Port = 0, EnableUdp = kind == SipTransportKind.Udp, EnableTcp = kind == SipTransportKind.Tcp,
        });
        _transport.Start();
        Agent = new SipUserAgent(_transport);
        Agent.Handle(SipMethod.Register, OnRegisterAsync);
        Agent.Handle(SipMethod.Message, OnMessageAsync);
        EndPoint = new SipEndPoint(kind, _transport.LocalEndPoint);
    }

    public SipUserAgent Agent { get; }

    public SipEndPoint EndPoint { get; }

    /// <summary>Status for keepalives (200 by default; 404 makes devices register again).</summary>
    public int KeepaliveStatus { get; set; } = SipStatus.Ok;

    /// <summary>Every REGISTER with the status it was answered with.</summary>
    public Channel<(SipRequest Request, SipEndPoint Source, int Status)> Registers { get; } = Channel.CreateUnbounded<(SipRequest, SipEndPoint, int)>();

    public Channel<KeepaliveNotify> Keepalives { get; } = Channel.CreateUnbounded<KeepaliveNotify>();

    /// <summary>Every non-keepalive MESSAGE body, raw, as received.</summary>
    public Channel<(SipRequest Request, byte[] Body)> Messages { get; } = Channel.CreateUnbounded<(SipRequest, byte[])>();

    public static async Task<T> NextAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Sends a MANSCDP query or control to a device at <paramref name="target"/>; returns the SIP status.</summary>
    public async Task<int> SendAsync(string deviceId, SipEndPoint target, ManscdpMessage message)
    {
        var uri = SipUri.Create(deviceId, Domain);
        var request = Agent.CreateRequest(SipMethod.Message, uri, new SipNameAddress(SipUri.Create(ServerId, Domain)), new SipNameAddress(uri), target);
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = ManscdpCodec.Encode(message, Protocol.Text.GbCharset.Gb2312);
        var response = await Agent.SendRequestAsync(request, target);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await _transport.DisposeAsync();
    }

    private async Task OnRegisterAsync(SipIncomingRequest incoming)
    {
        var request = incoming.Request;
        var verdict = _digest.Verify(request.Authorization, SipMethod.Register, Password);
        SipResponse response;
        if (verdict == DigestVerdict.Valid)
        {
            response = incoming.CreateResponse(SipStatus.Ok);
            response.Headers.Add(SipHeaderKind.Date, GbTime.FormatDateHeader(TimeProvider.System.GetLocalNow().DateTime));
            response.Expires = request.Expires;
        }
        else if (verdict == DigestVerdict.WrongPassword)
        {
            response = incoming.CreateResponse(SipStatus.Forbidden);
        }
        else
        {
            response = incoming.CreateResponse(SipStatus.Unauthorized);
            response.Headers.Add(SipHeaderKind.WwwAuthenticate, _digest.CreateChallenge(verdict == DigestVerdict.Stale).ToString());
        }

        // Recorded before answering: the answer lets the device send its next REGISTER, which another thread-pool
        // handler may record first if this one is preempted after sending (the 200 listed before the 401).
        Registers.Writer.TryWrite((request, incoming.Source, response.StatusCode));
        await incoming.RespondAsync(response);
    }

    private async Task OnMessageAsync(SipIncomingRequest incoming)
    {
        var body = incoming.Request.Body.ToArray();
        if (ManscdpCodec.Parse(body) is KeepaliveNotify keepalive)
        {
            Keepalives.Writer.TryWrite(keepalive);
            await incoming.RespondAsync(KeepaliveStatus);
            return;
        }

        Messages.Writer.TryWrite((incoming.Request, body));
        await incoming.RespondAsync(SipStatus.Ok);
    }
}
