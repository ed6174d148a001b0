using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Simulator.Media;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary>
/// A minimal virtual NVR (what the gateway is toward a platform), built with the SIP stack: registers, sends
/// keepalives, answers a Catalog query with the scripted MESSAGEs, and answers an INVITE by sending a scripted
/// burst of RTP to the offered port.
/// </summary>
internal sealed class TestVirtualNvr : IAsyncDisposable
{
    public const string Id = "34020000002000000002";
    public const string Domain = "3402000000";

    private readonly SipTransport _transport;
    private readonly SipEndPoint _platform;
    private readonly SipNameAddress _self = new(SipUri.Create(Id, Domain));

    public TestVirtualNvr(SipEndPoint platform, string platformId)
    {
        _platform = platform;
        PlatformId = platformId;
        _transport = new SipTransport(new SipTransportOptions
        {
            ListenAddress = IPAddress.Loopback, Port = 0, EnableUdp = !platform.IsReliable, EnableTcp = platform.IsReliable,
        });
        _transport.Start();
        Agent = new SipUserAgent(_transport);
        Agent.Handle(SipMethod.Message, OnMessageAsync);
        Agent.Handle(SipMethod.Invite, OnInviteAsync);
    }

    public string PlatformId { get; }

    public SipUserAgent Agent { get; }

    /// <summary>The catalog answer: one list of items per MESSAGE, all with this SumNum.</summary>
    public IReadOnlyList<IReadOnlyList<CatalogItem>> CatalogMessages { get; set; } = [];

    public int CatalogSumNum { get; set; }

    /// <summary>RTP sent after the ACK: this many with the offered SSRC, then this many with another one.</summary>
    public (int Offered, int Foreign) RtpBurst { get; set; } = (20, 3);

    public Channel<SipRequest> Queries { get; } = Channel.CreateUnbounded<SipRequest>();

    /// <summary>The SN of each catalog query once all its answer MESSAGEs were sent and acknowledged.</summary>
    public Channel<long> CatalogAnswered { get; } = Channel.CreateUnbounded<long>();

    public Channel<(SipRequest Invite, SipDialog Dialog)> Invites { get; } = Channel.CreateUnbounded<(SipRequest, SipDialog)>();

    private SipUri PlatformUri => SipUri.Create(PlatformId, PlatformId[..10]);

    public Task<SipResponse> RegisterAsync(DigestClient? credentials)
    {
        var request = Agent.CreateRequest(SipMethod.Register, PlatformUri, _self, _self, _platform);
        request.Expires = 3600;
        return Agent.SendRequestAsync(request, _platform, new SipRequestOptions { Credentials = credentials });
    }

    public async Task<int> SendKeepaliveAsync(long sn)
    {
        var response = await SendAsync(ManscdpCodec.Encode(new KeepaliveNotify { Sn = sn, DeviceId = Id }, GbCharset.Gb2312));
        return response.StatusCode;
    }

    public Task<SipResponse> SendAsync(byte[] body)
    {
        var request = Agent.CreateRequest(SipMethod.Message, PlatformUri, _self, new SipNameAddress(PlatformUri), _platform);
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = body;
        return Agent.SendRequestAsync(request, _platform);
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await _transport.DisposeAsync();
    }

    private async Task OnMessageAsync(SipIncomingRequest incoming)
    {
        Queries.Writer.TryWrite(incoming.Request);   // before answering: in order of arrival (handlers run in parallel)
        await incoming.RespondAsync(SipStatus.Ok);
        if (ManscdpCodec.Parse(incoming.Request.Body.Span) is not CatalogQuery query)
        {
            return;
        }

        foreach (var items in CatalogMessages)
        {
            var body = ManscdpCodec.Encode(new CatalogResponse { Sn = query.Sn, DeviceId = Id, SumNum = CatalogSumNum, Items = items }, GbCharset.Gb2312);
            await SendAsync(body);
        }

        CatalogAnswered.Writer.TryWrite(query.Sn);
    }

    private async Task OnInviteAsync(SipIncomingRequest incoming)
    {
        var offer = MediaOffer.Parse(incoming.Request.Body.Span);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var response = incoming.CreateResponse(SipStatus.Ok);
        response.ContentType = "application/sdp";
        response.Body = offer.BuildAnswer(incoming.Request.RequestUri.User!, "127.0.0.1", ((IPEndPoint)socket.LocalEndPoint!).Port, Ssrc.Parse(offer.Ssrc!));
        await incoming.RespondAsync(response);
        var dialog = incoming.Dialog!;
        Invites.Writer.TryWrite((incoming.Request, dialog));
        if (!await dialog.Acknowledged)
        {
            return;
        }

        var ssrc = Ssrc.Parse(offer.Ssrc).Value;
        var packet = new byte[200];
        packet[0] = 0x80;
        packet[1] = 96;
        for (var i = 0; i < RtpBurst.Offered + RtpBurst.Foreign; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)i);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), i < RtpBurst.Offered ? ssrc : ssrc + 1);
            await socket.SendToAsync(packet, SocketFlags.None, offer.EndPoint);
        }
    }
}
