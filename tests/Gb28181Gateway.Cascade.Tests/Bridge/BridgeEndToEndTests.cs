using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>
/// A platform (SIP stack in the test) plays a channel of a camera (real sipp) through the gateway: the RTP that
/// arrives above is the camera's, under the platform's SSRC; INFO and BYE cross in both directions.
/// </summary>
public sealed class BridgeEndToEndTests
{
    private const string PlatformSsrc = "0100000777";

    public enum Legs
    {
        UdpToUdp,
        UdpToTcpPassive,
        UdpToTcpActive,
        TcpActiveToUdp,
        TcpPassiveToUdp,
    }

    [Theory]
    [InlineData(Legs.UdpToUdp)]
    [InlineData(Legs.UdpToTcpPassive)]
    [InlineData(Legs.UdpToTcpActive)]
    [InlineData(Legs.TcpActiveToUdp)]
    [InlineData(Legs.TcpPassiveToUdp)]
    public async Task The_camera_stream_reaches_the_platform_unchanged_and_info_and_bye_reach_the_camera(Legs legs)
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.DeviceTransport = legs switch
        {
            Legs.TcpActiveToUdp => "tcp-active",
            Legs.TcpPassiveToUdp => "tcp-passive",
            _ => "udp",
        });
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        using var cameraMedia = legs is Legs.TcpActiveToUdp or Legs.TcpPassiveToUdp ? new TcpListener(IPAddress.Loopback, 0) : null;
        cameraMedia?.Start();
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort, ((IPEndPoint?)cameraMedia?.LocalEndpoint)?.Port,
            tcpSetup: legs == Legs.TcpPassiveToUdp ? "active" : "passive");
        await using var udpSink = legs is Legs.UdpToTcpPassive or Legs.UdpToTcpActive ? null : BridgeRtpSink.OpenUdp();
        using var platformListener = legs == Legs.UdpToTcpActive ? new TcpListener(IPAddress.Loopback, 0) : null;
        platformListener?.Start();

        var offer = legs switch
        {
            Legs.UdpToTcpPassive => BridgePlatform.Offer(9, PlatformSsrc, mediaProtocol: "TCP/RTP/AVP", setup: "active"),   // the platform connects to the gateway
            Legs.UdpToTcpActive => BridgePlatform.Offer(((IPEndPoint)platformListener!.LocalEndpoint).Port, PlatformSsrc, mediaProtocol: "TCP/RTP/AVP", setup: "passive"),
            _ => BridgePlatform.Offer(udpSink!.Port, PlatformSsrc),
        };
        var events = gateway.Events.Subscribe("test");
        var provisional = new List<int>();
        var result = await gateway.Province.InviteAsync(offer, onProvisional: r => provisional.Add(r.StatusCode));
        Assert.True(result.IsSuccess, $"INVITE answered {result.StatusCode} {result.Response.ReasonPhrase}; sipp said:\n{camera.Output}");
        Assert.Contains(SipStatus.Ringing, provisional);   // the camera's 180 relayed up
        var answer = SdpSession.Parse(result.Response.Body.Span);
        var answered = answer.Media[0];
        Assert.Equal(SdpDirection.SendOnly, answered.Direction);
        Assert.Equal(PlatformSsrc, answer.Ssrc);
        Assert.Equal("127.0.0.1", answer.AddressOf(answered));
        Assert.Equal("PS", answered.RtpMaps[0].EncodingName);

        await using var tcpSink = legs switch
        {
            Legs.UdpToTcpPassive => await ConnectAsPlatformAsync(answered),
            Legs.UdpToTcpActive => BridgeRtpSink.FromAccepted(await platformListener!.AcceptSocketAsync()),   // the gateway connects (a=setup:active)
            _ => null,
        };
        if (legs == Legs.UdpToTcpActive)
        {
            Assert.Equal(SdpSetup.Active, answered.Setup);
        }

        var sink = tcpSink ?? udpSink!;
        using var cameraConnection = legs switch
        {
            Legs.TcpActiveToUdp => await cameraMedia!.AcceptSocketAsync(),   // the gateway connects (its offer: a=setup:active)
            Legs.TcpPassiveToUdp => await ConnectAsCameraAsync(gateway),     // the camera connects (the gateway's offer: a=setup:passive)
            _ => null,
        };
        if (cameraConnection is not null)
        {
            await cameraConnection.SendAsync(BridgeCapture.Rfc4571Stream);   // kept open: closing it ends the stream
            await AssertStreamAsync(sink, camera, exact: true);
        }
        else
        {
            await AssertStreamAsync(sink, camera, exact: legs == Legs.UdpToUdp);
        }

        var session = Assert.Single(gateway.Bridge.GetSessions());
        Assert.Equal("province", session.Platform);
        Assert.Equal(PlatformSsrc, session.PlatformSsrc);

        // The gateway saves the session after its 200 went up (the record holds the dialog the 200 made), so the
        // platform may be streaming before the save: wait for SessionStarted, published once the record is saved.
        var started = await NextStartedAsync(events);
        Assert.Equal(session.SessionId, started.Session.SessionId);
        Assert.Equal(session.SessionId, Assert.Single(await gateway.Store.LoadSessionsAsync()).SessionId);

        var pause = await SendInfoAsync(result.Dialog!, "PAUSE RTSP/1.0\r\nCSeq: 1\r\nPauseTime: now\r\n");
        Assert.Equal((200, "PAUSE"), (pause.StatusCode, pause.ReasonPhrase));    // the camera's own answer, relayed
        var resume = await SendInfoAsync(result.Dialog!, "PLAY RTSP/1.0\r\nCSeq: 2\r\nRange: npt=now-\r\n");
        Assert.Equal((200, "PLAY"), (resume.StatusCode, resume.ReasonPhrase));

        var bye = await result.Dialog!.ByeAsync();
        Assert.Equal(SipStatus.Ok, bye.StatusCode);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);   // the camera got its BYE
        await BridgeWait.UntilAsync(() => gateway.Relay.Sessions.Count == 0, "the relay session closed");
        Assert.Equal(0, gateway.Relay.PortsInUse);
        Assert.Empty(gateway.Bridge.GetSessions());
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
    }

    [Fact]
    public async Task A_bye_from_the_camera_reaches_the_platform()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-sends-bye.xml", gateway.Directory, cameraPort);
        await using var sink = BridgeRtpSink.OpenUdp();
        var stopped = gateway.Events.Subscribe("test");

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, PlatformSsrc));
        Assert.True(result.IsSuccess, $"INVITE answered {result.StatusCode} {result.Response.ReasonPhrase}; sipp said:\n{camera.Output}");

        await result.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SipDialogEndReason.ByeReceived, result.Dialog.EndReason);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);
        Assert.Equal(BridgeCapture.Packets.Length, sink.Received.Count);
        await BridgeWait.UntilAsync(() => gateway.Relay.Sessions.Count == 0, "the relay session closed");
        Assert.Empty(gateway.Bridge.GetSessions());
        var events = new List<string>();
        while (stopped.TryRead(out var e))
        {
            events.Add(e.GetType().Name);
        }

        Assert.Equal(["SessionStartedEvent", "SessionStoppedEvent"], events);
    }

    /// <summary>
    /// Every packet is the camera's (payload, sequence number, timestamp) with the platform's SSRC, in order
    /// and without gaps. UDP above: all of them (the platform leg sends before the camera is even INVITEd);
    /// TCP-passive above: from the moment the platform connected, to the end.
    /// </summary>
    private static async Task AssertStreamAsync(BridgeRtpSink sink, ExternalProcess camera, bool exact)
    {
        var packets = BridgeCapture.Packets;
        var last = BinaryPrimitives.ReadUInt16BigEndian(packets[^1].AsSpan(2));
        await BridgeWait.UntilAsync(
            () => sink.Received.LastOrDefault() is { } p && BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == last,
            "the capture's last packet at the platform; sipp said:\n" + camera.Output);
        var received = sink.Received.ToArray();
        var expected = packets.Skip(packets.Length - received.Length).Select(p => BridgeCapture.WithSsrc(p, uint.Parse(PlatformSsrc, System.Globalization.CultureInfo.InvariantCulture)));
        if (exact)
        {
            Assert.Equal(packets.Length, received.Length);
        }

        Assert.NotEmpty(received);
        Assert.Equal(expected, received);
    }

    private static async Task<SessionStartedEvent> NextStartedAsync(ChannelReader<GatewayEvent> events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await events.ReadAsync(timeout.Token) is SessionStartedEvent started)
            {
                return started;
            }
        }
    }

    private static async Task<Socket> ConnectAsCameraAsync(BridgeHarness gateway)
    {
        var deviceMedia = Assert.Single(gateway.Bridge.GetSessions()).DeviceMedia!;   // "tcp-passive 127.0.0.1:30002"
        Assert.StartsWith("tcp-passive 127.0.0.1:", deviceMedia, StringComparison.Ordinal);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPEndPoint.Parse(deviceMedia["tcp-passive ".Length..]));
        return socket;
    }

    private static async Task<BridgeRtpSink> ConnectAsPlatformAsync(SdpMedia answered)
    {
        Assert.Equal("TCP/RTP/AVP", answered.Protocol);
        Assert.Equal(SdpSetup.Passive, answered.Setup);
        return await BridgeRtpSink.ConnectTcpAsync(answered.Port);
    }

    private static Task<SipResponse> SendInfoAsync(SipDialog dialog, string body)
    {
        var info = dialog.CreateRequest(SipMethod.Info);
        info.ContentType = "Application/MANSRTSP";
        info.Body = Encoding.ASCII.GetBytes(body);
        return dialog.SendRequestAsync(info);
    }
}
