using System.Net;

namespace Gb28181Gateway.Media.Tests;

/// <summary>
/// Every device-leg × platform-leg combination over real loopback sockets, streaming the ffmpeg capture:
/// what arrives is what the device sent, except bytes 8-11, which carry the platform leg's SSRC.
/// </summary>
public sealed class RelayLegTests
{
    private const uint PlatformSsrc = 0x0BEBC2FF;

    [Theory]
    [InlineData(MediaTransport.Udp, MediaTransport.Udp)]
    [InlineData(MediaTransport.Udp, MediaTransport.TcpPassive)]
    [InlineData(MediaTransport.Udp, MediaTransport.TcpActive)]
    [InlineData(MediaTransport.TcpActive, MediaTransport.Udp)]
    [InlineData(MediaTransport.TcpPassive, MediaTransport.Udp)]
    [InlineData(MediaTransport.TcpPassive, MediaTransport.TcpPassive)]
    [InlineData(MediaTransport.TcpActive, MediaTransport.TcpActive)]
    [InlineData(MediaTransport.TcpPassive, MediaTransport.TcpActive)]
    [InlineData(MediaTransport.TcpActive, MediaTransport.TcpPassive)]
    public Task Capture_arrives_byte_for_byte_with_the_platform_ssrc(MediaTransport device, MediaTransport platform) =>
        CaptureArrivesByteForByteAsync(device, platform, UdpReceiveMode.Thread);

    [Theory]
    [InlineData(MediaTransport.Udp)]
    [InlineData(MediaTransport.TcpPassive)]
    public Task Udp_device_leg_in_async_receive_mode_relays_the_capture_byte_for_byte(MediaTransport platform) =>
        CaptureArrivesByteForByteAsync(MediaTransport.Udp, platform, UdpReceiveMode.Async);

    private static async Task CaptureArrivesByteForByteAsync(MediaTransport device, MediaTransport platform, UdpReceiveMode receiveMode)
    {
        await using var harness = new RelayHarness(configure: o => o.UdpReceive = receiveMode);
        await using var session = harness.Relay.CreateSession(device);
        var leg = session.AddPlatform(platform, PlatformSsrc);
        await using var sink = await Peers.OpenPlatformAsync(leg);
        await using var source = await Peers.OpenDeviceAsync(session);

        var packets = Capture.Packets;
        await source.SendAllAsync(packets, sink);

        var received = sink.Received;
        Assert.Equal(packets.Length, received.Count);
        for (var i = 0; i < packets.Length; i++)
        {
            Assert.Equal(Capture.WithSsrc(packets[i], PlatformSsrc), received[i]);
        }

        var stats = session.GetStats();
        Assert.Equal(packets.Length, stats.PacketsReceived);
        Assert.Equal(packets.Sum(p => (long)p.Length), stats.BytesReceived);
        Assert.Equal(Capture.Ssrc, stats.DeviceSsrc);
        Assert.Equal(0, stats.SequenceGaps);   // the capture wraps 65535 -> 0, which is not a gap
        Assert.Empty(stats.Dropped);
        var legStats = Assert.Single(stats.Platforms);
        Assert.Equal(packets.Length, legStats.PacketsSent);
        Assert.Equal(PlatformSsrc, legStats.Ssrc);
        Assert.True(legStats.IsConnected);
    }

    [Fact]
    public async Task Tcp_active_legs_connect_from_their_advertised_port()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.TcpActive);
        var leg = session.AddPlatform(MediaTransport.TcpActive, PlatformSsrc);

        using var deviceListener = new TcpListenerPeer();
        var deviceConnect = session.Device.ConnectAsync(deviceListener.EndPoint);
        await using var device = await deviceListener.AcceptAsync();
        await deviceConnect;
        using var platformListener = new TcpListenerPeer();
        var platformConnect = leg.ConnectAsync(platformListener.EndPoint);
        await using var platformPeer = await platformListener.AcceptAsync();
        await platformConnect;

        Assert.Equal(session.Device.LocalPort, ((IPEndPoint)device.Socket.RemoteEndPoint!).Port);
        Assert.Equal(leg.LocalPort, ((IPEndPoint)platformPeer.Socket.RemoteEndPoint!).Port);
    }

    [Fact]
    public async Task Tcp_active_connect_to_a_closed_port_is_a_media_connect_exception()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.TcpActive);
        using var probe = new TcpListenerPeer();
        var closedPort = probe.EndPoint.Port;
        probe.Dispose();

        var ex = await Assert.ThrowsAsync<MediaConnectException>(() => session.Device.ConnectAsync(RelayHarness.Loopback(closedPort)));
        Assert.Contains(closedPort.ToString(), ex.Message);
        Assert.Contains("ConnectionRefused", ex.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Device.ConnectAsync(RelayHarness.Loopback(closedPort)));
    }

    [Fact]
    public async Task Tcp_device_may_use_rtsp_interleaved_framing_and_rtcp_on_channel_1_is_dropped()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.TcpPassive);
        var leg = session.AddPlatform(MediaTransport.Udp, PlatformSsrc);
        await using var sink = await Peers.OpenPlatformAsync(leg);
        await using var device = await TcpPeer.ConnectAsync(session.Device.LocalPort);

        var packets = Capture.Packets;
        byte[] rtcpReceiverReport = [0x80, 201, 0, 1, 0x0B, 0xEB, 0xC2, 0x01];
        var stream = new MemoryStream();
        for (var i = 0; i < packets.Length; i++)
        {
            stream.Write(Capture.FrameInterleaved(packets[i], 0));
            if (i % 50 == 0)
            {
                stream.Write(Capture.FrameInterleaved(rtcpReceiverReport, 1));
            }
        }

        await device.SendAsync(stream.ToArray());
        await Wait.UntilAsync(() => sink.Received.Count == packets.Length, "every packet at the platform");

        Assert.Equal(Capture.WithSsrc(packets[^1], PlatformSsrc), sink.Received[^1]);
        Assert.Equal((packets.Length + 49) / 50, session.GetStats().Dropped[MediaDropReason.Rtcp]);
    }

    [Fact]
    public async Task Two_platform_legs_share_one_device_leg_each_with_its_own_ssrc()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var first = session.AddPlatform(MediaTransport.Udp, 1111);
        var second = session.AddPlatform(MediaTransport.TcpPassive, ssrc: null);
        await using var firstSink = await Peers.OpenPlatformAsync(first);
        await using var secondSink = await Peers.OpenPlatformAsync(second);
        await using var device = await Peers.OpenDeviceAsync(session);

        var packets = Capture.Packets;
        await device.SendAllAsync(packets, firstSink, secondSink);

        Assert.Equal(packets.Select(p => Capture.WithSsrc(p, 1111)), firstSink.Received);
        Assert.Equal(packets, secondSink.Received);   // null SSRC: the device's is kept
        Assert.NotEqual(first.LocalPort, second.LocalPort);
    }

    [Fact]
    public async Task A_platform_leg_removed_mid_stream_stops_receiving_and_the_others_go_on()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var staying = session.AddPlatform(MediaTransport.Udp, 1);
        var leaving = session.AddPlatform(MediaTransport.TcpPassive, 2);
        await using var stayingSink = await Peers.OpenPlatformAsync(staying);
        var leavingSink = (TcpPeer)await Peers.OpenPlatformAsync(leaving);
        await using var device = await Peers.OpenDeviceAsync(session);
        var portsBefore = harness.Relay.PortsInUse;

        var packets = Capture.Packets;
        var half = packets.Length / 2;
        await device.SendAllAsync(packets[..half], stayingSink, leavingSink);
        await leaving.DisposeAsync();
        await leavingSink.Closed.WaitAsync(Wait.Timeout);
        await device.SendAllAsync(packets[half..], stayingSink);

        Assert.Equal(packets.Select(p => Capture.WithSsrc(p, 1)), stayingSink.Received);
        Assert.Equal(packets[..half].Select(p => Capture.WithSsrc(p, 2)), leavingSink.Received);
        Assert.Equal([staying], session.Platforms);
        Assert.Equal(portsBefore - 1, harness.Relay.PortsInUse);
        Assert.Equal(packets.Length, session.GetStats().PacketsReceived);
        await leavingSink.DisposeAsync();
    }

    [Fact]
    public async Task Legs_added_and_removed_while_packets_flow_never_disturb_a_steady_leg()
    {
        await using var harness = new RelayHarness(ports: 16);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var steady = session.AddPlatform(MediaTransport.Udp, 7);
        await using var steadySink = await Peers.OpenPlatformAsync(steady);
        await using var device = await Peers.OpenDeviceAsync(session);
        await using var churnTarget = new UdpPeer();

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            var cycles = 0;
            while (!stop.IsCancellationRequested)
            {
                var leg = session.AddPlatform(MediaTransport.Udp, 9);
                await leg.ConnectAsync(churnTarget.EndPoint);
                await leg.DisposeAsync();
                cycles++;
            }

            return cycles;
        });

        var packets = Capture.Packets;
        for (var round = 0; round < 3; round++)
        {
            await device.SendAllAsync(packets, steadySink);
        }

        stop.Cancel();
        var cycles = await churn;
        Assert.True(cycles > 0);
        Assert.Equal(3 * packets.Length, steadySink.Received.Count);
        Assert.Equal(Capture.WithSsrc(packets[^1], 7), steadySink.Received[^1]);
        Assert.Equal([steady], session.Platforms);
        Assert.Equal(2, harness.Relay.PortsInUse);
    }

    [Fact]
    public async Task A_platform_leg_without_an_address_yet_counts_not_connected_and_sends_nothing()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var waiting = session.AddPlatform(MediaTransport.Udp, 3);
        var ready = session.AddPlatform(MediaTransport.Udp, 4);
        await using var readySink = await Peers.OpenPlatformAsync(ready);
        await using var device = await Peers.OpenDeviceAsync(session);

        var packets = Capture.Packets[..20];
        await device.SendAllAsync(packets, readySink);

        Assert.False(waiting.IsConnected);
        Assert.Equal(20, waiting.GetStats().Dropped[MediaDropReason.NotConnected]);
        Assert.Equal(20, session.GetStats().Dropped[MediaDropReason.NotConnected]);
        Assert.Equal(20, readySink.Received.Count);
    }
}

/// <summary>An IPv6 listen address is dual-stack: IPv4 devices and platforms work through it.</summary>
public sealed class DualStackTests
{
    [Fact]
    public async Task An_ipv6_wildcard_relay_serves_ipv4_peers_with_the_source_check_on()
    {
        await using var harness = new RelayHarness(configure: o => o.ListenAddress = "::");
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var leg = session.AddPlatform(MediaTransport.Udp, 77);
        await using var sink = await Peers.OpenPlatformAsync(leg);
        await using var device = await Peers.OpenDeviceAsync(session);
        await using var intruder = new UdpPeer(System.Net.IPAddress.Parse("127.0.0.2"));

        intruder.SendTo(Capture.Packets[0], session.Device.LocalPort);
        await device.SendAllAsync(Capture.Packets[..20], sink);

        Assert.Equal(Capture.Packets[..20].Select(p => Capture.WithSsrc(p, 77)), sink.Received);
        await Wait.UntilAsync(() => session.GetStats().Dropped.GetValueOrDefault(MediaDropReason.UnexpectedSource) == 1, "the intruder dropped");
        Assert.Null(harness.Relay.AdvertisedAddress);
    }
}
