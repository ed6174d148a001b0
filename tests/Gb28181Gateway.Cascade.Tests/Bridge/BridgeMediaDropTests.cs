using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>
/// A TCP media connection that drops ends what it carried: a platform's ends that viewer (BYE up, and BYE to the
/// camera when nobody else watches), the camera's ends the stream for every platform. The camera (sipp) answers
/// TCP/RTP/AVP on the test's listener; the test plays its media connection, so RTP is sent before and after the drop.
/// </summary>
public sealed class BridgeMediaDropTests
{
    private const uint ProvinceSsrc = 100000021;
    private const uint CitySsrc = 100000022;

    /// <summary>The province's TCP role: it connects to the gateway (offer a=setup:active) or listens (a=setup:passive).</summary>
    public enum PlatformTcp
    {
        PlatformConnects,
        GatewayConnects,
    }

    [Theory]
    [InlineData(PlatformTcp.PlatformConnects, false)]
    [InlineData(PlatformTcp.GatewayConnects, false)]
    [InlineData(PlatformTcp.PlatformConnects, true)]
    [InlineData(PlatformTcp.GatewayConnects, true)]
    public async Task The_only_viewer_dropping_its_tcp_media_gets_bye_and_so_does_the_camera(PlatformTcp tcp, bool reset)
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.DeviceTransport = "tcp-active");
        await using var camera = await DropCamera.StartAsync(gateway);
        var stopped = gateway.Events.Subscribe("test");

        var (province, sink) = await InviteOverTcpAsync(gateway, tcp, camera);
        await using var _ = sink;
        using var cameraMedia = await camera.AcceptMediaAsync();
        await SendAndWaitAsync(gateway, cameraMedia, BridgeCapture.Packets[..100], sink);

        sink.Drop(reset);

        await province.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SipDialogEndReason.ByeReceived, province.Dialog.EndReason);                        // BYE in the province's dialog
        Assert.True(await camera.Sipp.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Sipp.Output); // the camera got its BYE
        Assert.Equal(0, await ReceiveAsync(cameraMedia));                                                // and its media connection closed
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "every port returned");
        Assert.Empty(gateway.Bridge.GetSessions());
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
        var stop = Assert.IsType<SessionStoppedEvent>(await NextAsync(stopped, e => e is SessionStoppedEvent));
        Assert.Equal("platform media connection closed (" + (reset ? "ConnectionError" : "RemoteClosed") + ")", stop.Reason);
    }

    [Theory]
    [InlineData(PlatformTcp.PlatformConnects)]
    [InlineData(PlatformTcp.GatewayConnects)]
    public async Task A_viewer_dropping_its_tcp_media_leaves_the_live_stream_to_the_other_platform(PlatformTcp tcp)
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.DeviceTransport = "tcp-active");
        await using var camera = await DropCamera.StartAsync(gateway);
        await using var citySink = BridgeRtpSink.OpenUdp();

        var (province, provinceSink) = await InviteOverTcpAsync(gateway, tcp, camera);
        await using var _ = provinceSink;
        var city = await gateway.City.InviteAsync(BridgePlatform.Offer(citySink.Port, CitySsrc.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(city.IsSuccess, $"city: {city.StatusCode}; sipp said:\n{camera.Sipp.Output}");
        using var cameraMedia = await camera.AcceptMediaAsync();
        var packets = BridgeCapture.Packets;
        await SendAndWaitAsync(gateway, cameraMedia, packets[..100], provinceSink, citySink);

        provinceSink.Drop(reset: false);

        await province.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SipDialogEndReason.ByeReceived, province.Dialog.EndReason);
        var relay = Assert.Single(gateway.Relay.Sessions);
        await BridgeWait.UntilAsync(() => relay.Platforms.Count == 1, "the province leg removed");
        Assert.Equal("city", Assert.Single(gateway.Bridge.GetSessions()).Platform);

        await SendAndWaitAsync(gateway, cameraMedia, packets[100..], citySink);   // the camera keeps streaming for the city
        Assert.Equal(packets.Select(p => BridgeCapture.WithSsrc(p, CitySsrc)), citySink.Received);
        Assert.False(camera.Sipp.HasExited, camera.Sipp.Output);                  // no BYE to the camera
        Assert.Equal(SipDialogState.Confirmed, city.Dialog!.State);

        await city.Dialog.ByeAsync();
        Assert.True(await camera.Sipp.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Sipp.Output);   // the last viewer left: now the BYE
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "every port returned");
    }

    [Theory]
    [InlineData("tcp-active", false)]
    [InlineData("tcp-passive", true)]
    public async Task The_camera_dropping_its_tcp_media_ends_the_stream_with_bye_to_every_platform(string deviceTransport, bool reset)
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.DeviceTransport = deviceTransport);
        await using var camera = await DropCamera.StartAsync(gateway, cameraConnects: deviceTransport == "tcp-passive");
        await using var provinceSink = BridgeRtpSink.OpenUdp();
        await using var citySink = BridgeRtpSink.OpenUdp();

        var province = await gateway.Province.InviteAsync(BridgePlatform.Offer(provinceSink.Port, ProvinceSsrc.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(province.IsSuccess, $"province: {province.StatusCode}; sipp said:\n{camera.Sipp.Output}");
        var city = await gateway.City.InviteAsync(BridgePlatform.Offer(citySink.Port, CitySsrc.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(city.IsSuccess, $"city: {city.StatusCode}; sipp said:\n{camera.Sipp.Output}");
        using var cameraMedia = await camera.AcceptMediaAsync();
        await SendAndWaitAsync(gateway, cameraMedia, BridgeCapture.Packets[..50], provinceSink, citySink);

        if (reset)
        {
            cameraMedia.LingerState = new LingerOption(true, 0);
        }

        cameraMedia.Close();

        await province.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        await city.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SipDialogEndReason.ByeReceived, province.Dialog.EndReason);
        Assert.Equal(SipDialogEndReason.ByeReceived, city.Dialog.EndReason);
        Assert.True(await camera.Sipp.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Sipp.Output);
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "every port returned");
        Assert.Empty(gateway.Bridge.GetSessions());
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
    }

    /// <summary>The province INVITEs over TCP; returns its dialog and its connected media sink.</summary>
    private static async Task<(SipDialogResult Result, BridgeRtpSink Sink)> InviteOverTcpAsync(BridgeHarness gateway, PlatformTcp tcp, DropCamera camera)
    {
        using var listener = tcp == PlatformTcp.GatewayConnects ? new TcpListener(IPAddress.Loopback, 0) : null;
        listener?.Start();
        var ssrc = ProvinceSsrc.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        var offer = listener is null
            ? BridgePlatform.Offer(9, ssrc, mediaProtocol: "TCP/RTP/AVP", setup: "active")
            : BridgePlatform.Offer(((IPEndPoint)listener.LocalEndpoint).Port, ssrc, mediaProtocol: "TCP/RTP/AVP", setup: "passive");
        var result = await gateway.Province.InviteAsync(offer);
        Assert.True(result.IsSuccess, $"province: {result.StatusCode} {result.Response.ReasonPhrase}; sipp said:\n{camera.Sipp.Output}");
        var answered = Gb28181Gateway.Protocol.Sdp.SdpSession.Parse(result.Response.Body.Span).Media[0];
        var sink = listener is null
            ? await BridgeRtpSink.ConnectTcpAsync(answered.Port)
            : BridgeRtpSink.FromAccepted(await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        return (result, sink);
    }

    /// <summary>Sends <paramref name="packets"/> as the camera once every platform leg is connected; waits until each sink has the last one.</summary>
    private static async Task SendAndWaitAsync(BridgeHarness gateway, Socket cameraMedia, byte[][] packets, params BridgeRtpSink[] sinks)
    {
        await BridgeWait.UntilAsync(() => gateway.Relay.Sessions.All(s => s.Platforms.All(p => p.IsConnected)), "every platform leg connected");
        var frames = new List<byte>();
        foreach (var packet in packets)
        {
            frames.Add((byte)(packet.Length >> 8));
            frames.Add((byte)packet.Length);
            frames.AddRange(packet);
        }

        await cameraMedia.SendAsync(frames.ToArray());
        var last = BinaryPrimitives.ReadUInt16BigEndian(packets[^1].AsSpan(2));
        foreach (var sink in sinks)
        {
            await BridgeWait.UntilAsync(() => sink.Received.Any(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == last), "the packets at the platform");
        }
    }

    private static async Task<int> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (SocketException)
        {
            return 0;   // reset: closed all the same
        }
    }

    private static async Task<GatewayEvent> NextAsync(System.Threading.Channels.ChannelReader<GatewayEvent> events, Func<GatewayEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var e = await events.ReadAsync(timeout.Token);
            if (match(e))
            {
                return e;
            }
        }
    }

    /// <summary>The camera: sipp answering TCP/RTP/AVP, and the test's end of its media connection.</summary>
    private sealed class DropCamera : IAsyncDisposable
    {
        private readonly TcpListener? _listener;
        private readonly BridgeHarness _gateway;

        private DropCamera(BridgeHarness gateway, TcpListener? listener, ExternalProcess sipp)
        {
            _gateway = gateway;
            _listener = listener;
            Sipp = sipp;
        }

        public ExternalProcess Sipp { get; }

        /// <summary>
        /// <paramref name="cameraConnects"/>: the gateway offered a=setup:passive and the camera connects to it; else the
        /// camera listens (answers a=setup:passive) and the gateway connects.
        /// </summary>
        public static Task<DropCamera> StartAsync(BridgeHarness gateway, bool cameraConnects = false)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var cameraPort = LoopbackPorts.Next();
            gateway.AddCamera(cameraPort);
            var sipp = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort, ((IPEndPoint)listener.LocalEndpoint).Port,
                tcpSetup: cameraConnects ? "active" : "passive");
            if (cameraConnects)
            {
                listener.Stop();
                listener.Dispose();
                return Task.FromResult(new DropCamera(gateway, null, sipp));
            }

            return Task.FromResult(new DropCamera(gateway, listener, sipp));
        }

        public async Task<Socket> AcceptMediaAsync()
        {
            if (_listener is not null)
            {
                return await _listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20));   // the gateway connected (a=setup:active)
            }

            var deviceMedia = _gateway.Bridge.GetSessions()[0].DeviceMedia!;   // "tcp-passive 127.0.0.1:30002"
            Assert.StartsWith("tcp-passive 127.0.0.1:", deviceMedia, StringComparison.Ordinal);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPEndPoint.Parse(deviceMedia["tcp-passive ".Length..]));
            return socket;
        }

        public async ValueTask DisposeAsync()
        {
            await Sipp.DisposeAsync();
            _listener?.Dispose();
        }
    }
}
