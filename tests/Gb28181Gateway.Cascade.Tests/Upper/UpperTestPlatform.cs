using System.Collections.Concurrent;
using System.Net;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>
/// A superior platform written with the SIP stack, for what sipp's one-scenario-per-Call-ID model cannot
/// express: answers spread over several MESSAGEs with new Call-IDs, correlated by SN, and SUBSCRIBE dialogs.
/// It accepts every REGISTER (200 with Date) and answers every MESSAGE and NOTIFY 200, keeping their bodies, unless a test
/// sets <see cref="RegisterStatus"/>, <see cref="MessageStatus"/> or <see cref="RedirectTo"/>.
/// </summary>
internal sealed class UpperTestPlatform : IAsyncDisposable
{
    private readonly SipTransport _transport;

    public UpperTestPlatform()
    {
        Port = LoopbackPorts.Next();
        _transport = new SipTransport(new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = Port });
        _transport.Start();
        Agent = new SipUserAgent(_transport);
        Agent.Handle(SipMethod.Register, async r =>
        {
            Interlocked.Increment(ref _registers);
            RegisterRequests.Enqueue((r.Request.CallId, r.Request.CSeq.Number, r.Request.Expires, r.Request.Authorization is not null));
            if (RedirectTo is { } contact)
            {
                var redirect = r.CreateResponse(SipStatus.MovedTemporarily);
                redirect.Headers.Set(SipHeaderKind.Contact, contact);
                await r.RespondAsync(redirect);
                return;
            }

            var status = RegisterStatus;
            if (status != SipStatus.Ok)
            {
                await r.RespondAsync(status);
                return;
            }

            if (BeforeRegisterAnswer is { } before)
            {
                await before();
            }

            var response = r.CreateResponse(SipStatus.Ok);
            response.Headers.Set(SipHeaderKind.Date, "2026-11-21T20:30:00.123");
            response.Expires = r.Request.Expires ?? 3600;
            await r.RespondAsync(response);
        });
        Agent.Handle(SipMethod.Message, async r =>
        {
            Messages.Enqueue((r.Request.Body.ToArray(), ManscdpCodec.Parse(r.Request.Body.Span)));
            await r.RespondAsync(MessageStatus);
        });
        Agent.Handle(SipMethod.Notify, async r =>
        {
            Notifies.Enqueue((r.Request.Headers.GetFirst(SipHeaderKind.SubscriptionState) ?? string.Empty,
                r.Request.Body.IsEmpty ? null : ManscdpCodec.Parse(r.Request.Body.Span)));
            await r.RespondAsync(SipStatus.Ok);
        });
    }

    private int _registers;

    /// <summary>The status every REGISTER gets (200 with Date and Expires, or this final status alone).</summary>
    public int RegisterStatus { get; set; } = SipStatus.Ok;

    /// <summary>The status every MESSAGE gets (the body is kept either way).</summary>
    public int MessageStatus { get; set; } = SipStatus.Ok;

    /// <summary>When set, every REGISTER is answered 302 with this Contact header value.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>Run before a REGISTER is answered 200 (e.g. a platform that queries while its 200 is on the way).</summary>
    public Func<Task>? BeforeRegisterAnswer { get; set; }

    public int Port { get; }

    public SipUserAgent Agent { get; }

    public int Registers => Volatile.Read(ref _registers);

    /// <summary>Every REGISTER received: Call-ID, CSeq, Expires, and whether it carried credentials.</summary>
    public ConcurrentQueue<(string CallId, uint CSeq, int? Expires, bool Authorized)> RegisterRequests { get; } = new();

    /// <summary>Every MESSAGE from the gateway: raw body and parsed.</summary>
    public ConcurrentQueue<(byte[] Raw, ManscdpMessage Message)> Messages { get; } = new();

    public ConcurrentQueue<(string SubscriptionState, ManscdpMessage? Message)> Notifies { get; } = new();

    public IEnumerable<T> Received<T>() where T : ManscdpMessage => Messages.Select(m => m.Message).OfType<T>();

    /// <summary>Sends a MANSCDP MESSAGE to the gateway's endpoint for this platform and returns the status.</summary>
    public async Task<int> SendAsync(int gatewayPort, ManscdpMessage message)
    {
        var target = SipEndPoint.Udp(IPAddress.Loopback, gatewayPort);
        var request = Agent.CreateRequest(SipMethod.Message, SipUri.Create(UpperTestGateway.GatewayDeviceId, "3402000000"), From, To, target);
        request.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        request.Body = ManscdpCodec.Encode(message, Protocol.Text.GbCharset.Gb2312);
        var response = await Agent.SendRequestAsync(request, target);
        return response.StatusCode;
    }

    public async Task<SipDialogResult> SubscribeAsync(int gatewayPort, string @event, ManscdpMessage body, int expires)
    {
        var target = SipEndPoint.Udp(IPAddress.Loopback, gatewayPort);
        var request = Agent.CreateRequest(SipMethod.Subscribe, SipUri.Create(UpperTestGateway.GatewayDeviceId, "3402000000"), From, To, target);
        request.Headers.Set(SipHeaderKind.Event, @event);
        request.Expires = expires;
        request.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        request.Body = ManscdpCodec.Encode(body, Protocol.Text.GbCharset.Gb2312);
        return await Agent.SubscribeAsync(request, target);
    }

    private static SipNameAddress From => new(SipUri.Create(UpperTestGateway.PlatformId, "4101050000"));

    private static SipNameAddress To => new(SipUri.Create(UpperTestGateway.GatewayDeviceId, "3402000000"));

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await _transport.DisposeAsync();
    }
}
