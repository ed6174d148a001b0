using System.Net;
using System.Text;
using System.Threading.Channels;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// A camera written with the SIP stack, in the test: registers to the harness, sends MANSCDP MESSAGEs, records
/// every request the gateway sends it (answered 200, or <see cref="MessageStatus"/>) and answers queries with
/// <see cref="Answer"/> (bodies whose SN is replaced by the query's).
/// </summary>
internal sealed class LowerTestDevice : IAsyncDisposable
{
    private readonly SipTransport _transport;
    private readonly Channel<SipRequest> _received = Channel.CreateUnbounded<SipRequest>();
    private readonly SipEndPoint _gateway;
    private readonly CancellationTokenSource _disposed = new();
    private int _answersAcknowledged;

    public LowerTestDevice(LowerHarness harness, string deviceId, bool tcp = false, string? password = LowerHarness.Password)
    {
        DeviceId = deviceId;
        Password = password;
        _transport = new SipTransport(new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, harness.Time);
        _transport.Start();
        Agent = new SipUserAgent(_transport, new SipUserAgentOptions { UserAgent = "LowerTestDevice" }, harness.Time);
        _gateway = new SipEndPoint(tcp ? SipTransportKind.Tcp : SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, harness.Port));
        Agent.Handle(SipMethod.Message, OnRequestAsync);
        Agent.Handle(SipMethod.Subscribe, OnRequestAsync);
    }

    public string DeviceId { get; }

    /// <summary>Answer MESSAGEs the gateway has acknowledged with 200 (it has taken them in by then).</summary>
    public int AnswersAcknowledged => Volatile.Read(ref _answersAcknowledged);

    public string? Password { get; set; }

    public SipUserAgent Agent { get; }

    /// <summary>Status for MESSAGEs from the gateway (200 unless changed).</summary>
    public int MessageStatus { get; set; } = SipStatus.Ok;

    /// <summary>Status for SUBSCRIBEs from the gateway.</summary>
    public int SubscribeStatus { get; set; } = SipStatus.Ok;

    /// <summary>Never answer a SUBSCRIBE with Expires: 0 (a device that died or ignores unsubscribes); the request is still recorded.</summary>
    public bool IgnoreUnsubscribe { get; set; }

    /// <summary>The answer bodies (SN replaced) for a query; null or empty = no answer.</summary>
    public Func<ManscdpMessage, IReadOnlyList<byte[]>?>? Answer { get; set; }

    /// <summary>Send <see cref="Answer"/> bodies with the SN they have instead of the query's.</summary>
    public bool KeepAnswerSn { get; set; }

    public SipNameAddress Address => new(SipUri.Create(DeviceId, LowerHarness.Domain));

    public async Task<SipResponse> RegisterAsync(int expires = 3600, string? callId = null)
    {
        var request = Agent.CreateRequest(SipMethod.Register, SipUri.Create(LowerHarness.ServerId, LowerHarness.Domain), Address, Address, _gateway);
        request.Expires = expires;
        if (callId is not null)
        {
            request.Headers.Set(SipHeaderKind.CallId, callId);
        }

        var options = Password is null ? null : new SipRequestOptions { Credentials = new DigestClient(DeviceId, Password) };
        return await Agent.SendRequestAsync(request, _gateway, options);
    }

    /// <summary>A REGISTER carrying exactly <paramref name="authorization"/> (or none), sent without answering any challenge.</summary>
    public Task<SipResponse> RegisterWithAsync(SipAuthHeader? authorization, int expires = 3600)
    {
        var request = Agent.CreateRequest(SipMethod.Register, SipUri.Create(LowerHarness.ServerId, LowerHarness.Domain), Address, Address, _gateway);
        request.Expires = expires;
        if (authorization is not null)
        {
            request.Headers.Add(SipHeaderKind.Authorization, authorization);
        }

        return Agent.SendRequestAsync(request, _gateway);
    }

    public Task<SipResponse> SendAsync(byte[] body, string method = SipMethod.Message)
    {
        var request = Agent.CreateRequest(method, SipUri.Create(LowerHarness.ServerId, LowerHarness.Domain), Address,
            new SipNameAddress(SipUri.Create(LowerHarness.ServerId, LowerHarness.Domain)), _gateway);
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = body;
        return Agent.SendRequestAsync(request, _gateway);
    }

    public Task<SipResponse> SendAsync(string xml) => SendAsync(Encoding.UTF8.GetBytes(xml));

    public Task<SipResponse> KeepaliveAsync(long sn = 1) => SendAsync(
        $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n<SN>{sn}</SN>\r\n<DeviceID>{DeviceId}</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n");

    /// <summary>The next request the gateway sent with this method (MESSAGE or SUBSCRIBE).</summary>
    public async Task<SipRequest> NextRequestAsync(string method = SipMethod.Message, string? cmdType = null)
    {
        using var timeout = new CancellationTokenSource(LowerHarness.Wait);
        while (true)
        {
            var request = await _received.Reader.ReadAsync(timeout.Token);
            if (request.Method == method && (cmdType is null || ManscdpCodec.Peek(request.Body.Span).CmdType == cmdType))
            {
                return request;
            }
        }
    }

    /// <summary>Registers and waits until the gateway's first DeviceInfo + Catalog synchronization ended; forgets what it sent so far.</summary>
    public async Task RegisterAndSyncAsync(LowerHarness harness)
    {
        var response = await RegisterAsync();
        if (response.StatusCode != SipStatus.Ok)
        {
            throw new InvalidOperationException($"REGISTER answered {response.StatusCode} {response.ReasonPhrase}");
        }

        harness.Directory.TryGet(DeviceId, out var entry);
        await LowerHarness.UntilAsync(() => entry!.Record.CatalogUpdatedAt is not null && !entry.Synchronizing, "the first catalog synchronization ended");
        DrainReceived();
    }

    /// <summary>Every request received and not yet taken.</summary>
    public List<SipRequest> DrainReceived()
    {
        var all = new List<SipRequest>();
        while (_received.Reader.TryRead(out var request))
        {
            all.Add(request);
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await Agent.DisposeAsync();
        await _transport.DisposeAsync();
        _disposed.Dispose();
    }

    /// <summary>Replaces the content of the first &lt;SN&gt; element (ASCII bytes in every GB charset).</summary>
    public static byte[] WithSn(byte[] body, long sn)
    {
        var span = body.AsSpan();
        var start = span.IndexOf("<SN>"u8) + 4;
        var end = span[start..].IndexOf("</SN>"u8) + start;
        return [.. span[..start], .. Encoding.ASCII.GetBytes(sn.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. span[end..]];
    }

    private async Task OnRequestAsync(SipIncomingRequest incoming)
    {
        _received.Writer.TryWrite(incoming.Request);
        if (incoming.Method == SipMethod.Subscribe && incoming.Request.Expires == 0 && IgnoreUnsubscribe)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, _disposed.Token);
            }
            catch (OperationCanceledException)
            {
                // the device is disposed; it never answered
            }

            return;
        }

        var status = incoming.Method == SipMethod.Subscribe ? SubscribeStatus : MessageStatus;
        if (incoming.Method == SipMethod.Subscribe && status == SipStatus.Ok)
        {
            var ok = incoming.CreateResponse(status);
            ok.Expires = incoming.Request.Expires;
            await incoming.RespondAsync(ok);
            return;
        }

        await incoming.RespondAsync(status);
        if (status != SipStatus.Ok || incoming.Method != SipMethod.Message || Answer is null)
        {
            return;
        }

        var query = ManscdpCodec.Parse(incoming.Request.Body.Span);
        foreach (var body in Answer(query) ?? [])
        {
            _ = AnswerAsync(KeepAnswerSn ? body : WithSn(body, query.Sn));
        }
    }

    private async Task AnswerAsync(byte[] body)
    {
        var response = await SendAsync(body);
        if (response.IsSuccess)
        {
            Interlocked.Increment(ref _answersAcknowledged);
        }
    }
}
