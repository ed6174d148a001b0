using System.Net;
using System.Text;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>
/// The gateway side in-process on loopback: the real SIP endpoints, the real relay and the bridge, with two
/// platforms ("province", "city") on their own ports, each played in the test by a SIP stack user agent.
/// </summary>
internal sealed class BridgeHarness : IAsyncDisposable
{
    public const string CameraId = "34020000001320000001";
    public const string ChannelId = "34020000001320000001";
    public const string GatewayId = "34020000002000000001";

    private BridgeHarness(GatewayOptions options)
    {
        Options = options;
        Endpoints = new GatewaySipEndpoints(options, TimeProvider.System, NullLoggerFactory.Instance);
        Relay = new RtpRelay(BridgeServiceCollectionExtensions.ToRelayOptions(options.Media), TimeProvider.System, NullLoggerFactory.Instance);
        Bridge = new MediaBridge(Endpoints, Microsoft.Extensions.Options.Options.Create(options), Devices, Channels, Store, Events, Relay, TimeProvider.System,
            NullLogger<MediaBridge>.Instance);
    }

    public GatewayOptions Options { get; }

    public GatewaySipEndpoints Endpoints { get; }

    public RtpRelay Relay { get; }

    public MediaBridge Bridge { get; }

    public BridgeTestDevices Devices { get; } = new();

    public BridgeTestChannelMap Channels { get; } = new();

    public InMemoryStateStore Store { get; } = new();

    public GatewayEventBus Events { get; } = new();

    public BridgePlatform Province { get; private set; } = null!;

    public BridgePlatform City { get; private set; } = null!;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("gb28181-bridge");

    public static async Task<BridgeHarness> StartAsync(Action<GatewayOptions>? configure = null, int mediaPorts = 16,
        IEnumerable<SessionRecord>? storedSessions = null)
    {
        var options = new GatewayOptions();
        options.Sip.ListenAddress = "127.0.0.1";
        options.Sip.Port = LoopbackPorts.Next();
        options.Sip.DeviceId = GatewayId;
        options.Media.ListenAddress = "127.0.0.1";
        options.Media.PortMin = LoopbackPorts.NextRange(mediaPorts);
        options.Media.PortMax = options.Media.PortMin + mediaPorts - 1;
        options.Platforms.Add(new PlatformOptions { Name = "province", ServerId = "41010500002000000001", DeviceId = "41010500001110000001", LocalPort = LoopbackPorts.Next() });
        options.Platforms.Add(new PlatformOptions { Name = "city", ServerId = "41010600002000000001", DeviceId = "41010600001110000001", LocalPort = LoopbackPorts.Next() });
        configure?.Invoke(options);
        var harness = new BridgeHarness(options);
        harness.Endpoints.Start();
        foreach (var session in storedSessions ?? [])
        {
            await harness.Store.SaveSessionAsync(session);
        }

        await harness.Bridge.StartAsync(CancellationToken.None);
        harness.Province = BridgePlatform.Start(options.Platforms[0]);
        harness.City = BridgePlatform.Start(options.Platforms[1]);
        return harness;
    }

    /// <summary>The camera (sipp on <paramref name="sipPort"/>) registered and its channel shared.</summary>
    public void AddCamera(int sipPort, bool online = true)
    {
        Devices.Set(new DeviceRecord
        {
            DeviceId = CameraId,
            SignallingEndPoint = "udp:127.0.0.1:" + sipPort,
            ContactUri = $"sip:{CameraId}@127.0.0.1:{sipPort}",
            Online = online,
        });
        Channels.Share(new ChannelRef(CameraId, ChannelId));
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await Province.DisposeAsync();
        await City.DisposeAsync();
        await Endpoints.DisposeAsync();
        await Relay.DisposeAsync();
        Events.Dispose();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A superior platform played by the SIP stack: INVITEs the gateway's platform port with a GB28181 offer.</summary>
internal sealed class BridgePlatform : IAsyncDisposable
{
    private readonly SipTransport _transport;

    private BridgePlatform(PlatformOptions options, SipTransport transport, SipUserAgent agent)
    {
        Options = options;
        _transport = transport;
        Agent = agent;
    }

    public PlatformOptions Options { get; }

    public SipUserAgent Agent { get; }

    public SipEndPoint Gateway => SipEndPoint.Udp(IPAddress.Loopback, Options.LocalPort);

    public static BridgePlatform Start(PlatformOptions options)
    {
        var transport = new SipTransport(new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = 0 });
        transport.Start();
        return new BridgePlatform(options, transport, new SipUserAgent(transport));
    }

    /// <summary>
    /// A live (or history) offer: <paramref name="mediaProtocol"/> RTP/AVP or TCP/RTP/AVP with <paramref name="setup"/>,
    /// receiving at 127.0.0.1:<paramref name="mediaPort"/> with <paramref name="ssrc"/> (null = no y=).
    /// </summary>
    public static string Offer(int mediaPort, string? ssrc, string kind = "Play", string mediaProtocol = "RTP/AVP", string? setup = null,
        string? extra = null)
    {
        var sdp = new StringBuilder()
            .Append("v=0\r\no=41010500002000000001 0 0 IN IP4 127.0.0.1\r\ns=").Append(kind).Append("\r\n");
        if (kind != "Play")
        {
            sdp.Append("u=").Append(BridgeHarness.ChannelId).Append(":0\r\n");
        }

        sdp.Append("c=IN IP4 127.0.0.1\r\nt=").Append(kind == "Play" ? "0 0" : "1700000000 1700003600").Append("\r\n")
            .Append("m=video ").Append(mediaPort).Append(' ').Append(mediaProtocol).Append(" 96 98 97\r\na=recvonly\r\n")
            .Append("a=rtpmap:96 PS/90000\r\na=rtpmap:98 H264/90000\r\na=rtpmap:97 MPEG4/90000\r\n");
        if (setup is not null)
        {
            sdp.Append("a=setup:").Append(setup).Append("\r\na=connection:new\r\n");
        }

        sdp.Append(extra);
        if (ssrc is not null)
        {
            sdp.Append("y=").Append(ssrc).Append("\r\n");
        }

        return sdp.ToString();
    }

    public Task<SipDialogResult> InviteAsync(string sdp, string channelId = BridgeHarness.ChannelId, Action<SipResponse>? onProvisional = null,
        CancellationToken cancellationToken = default)
    {
        var invite = Agent.CreateRequest(
            SipMethod.Invite,
            SipUri.Create(channelId, "127.0.0.1", Options.LocalPort),
            new SipNameAddress(SipUri.Create(Options.ServerId, "4101050000")),
            new SipNameAddress(SipUri.Create(channelId, "4101050000")),
            Gateway);
        invite.Headers.Add(SipHeaderKind.Subject, $"{channelId}:0100000001,{Options.ServerId}:0");
        invite.ContentType = "application/sdp";
        invite.Body = Encoding.ASCII.GetBytes(sdp);
        return Agent.InviteAsync(invite, Gateway, new SipRequestOptions { OnProvisional = onProvisional }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await _transport.DisposeAsync();
    }
}
