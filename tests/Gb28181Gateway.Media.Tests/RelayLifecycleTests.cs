using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Tests;

/// <summary>Ports through a session's life, exhaustion as the B2BUA sees it, options, and TCP faults.</summary>
public sealed class RelayLifecycleTests
{
    [Fact]
    public async Task Exhaustion_surfaces_from_create_session_and_add_platform_and_teardown_frees_every_port()
    {
        await using var harness = new RelayHarness(ports: 3);
        var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var udp = session.AddPlatform(MediaTransport.Udp, 1);
        var tcp = session.AddPlatform(MediaTransport.TcpPassive, 2);
        await using var platformPeer = await Peers.OpenPlatformAsync(tcp);
        var ports = new[] { session.Device.LocalPort, udp.LocalPort, tcp.LocalPort };
        Assert.Equal(3, harness.Relay.PortsInUse);

        Assert.Throws<MediaPortsExhaustedException>(() => harness.Relay.CreateSession(MediaTransport.TcpActive));
        Assert.Throws<MediaPortsExhaustedException>(() => session.AddPlatform(MediaTransport.Udp, 3));
        Assert.Equal(3, harness.Relay.PortsInUse);
        Assert.Equal([udp, tcp], session.Platforms);

        await session.DisposeAsync();
        await session.DisposeAsync();   // idempotent
        Assert.Equal(0, harness.Relay.PortsInUse);
        Assert.Empty(harness.Relay.Sessions);
        await ((TcpPeer)platformPeer).Closed.WaitAsync(Wait.Timeout);
        Assert.Throws<ObjectDisposedException>(() => session.AddPlatform(MediaTransport.Udp, 4));

        // Every port can be bound again, for any transport.
        await using var again = harness.Relay.CreateSession(MediaTransport.TcpPassive);
        again.AddPlatform(MediaTransport.Udp, 5);
        again.AddPlatform(MediaTransport.TcpActive, 6);
        Assert.Equal(ports.Order(), new[] { again.Device.LocalPort }.Concat(again.Platforms.Select(p => p.LocalPort)).Order());
    }

    [Fact]
    public async Task A_session_can_be_disposed_while_packets_flow()
    {
        await using var harness = new RelayHarness();
        var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var leg = session.AddPlatform(MediaTransport.Udp, 1);
        await using var sink = await Peers.OpenPlatformAsync(leg);
        await using var device = await Peers.OpenDeviceAsync(session);
        using var stop = new CancellationTokenSource();
        var packets = Capture.Packets;
        var flood = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await device.SendAsync(packets[i % packets.Length]);
                if (i % 64 == 0)
                {
                    await Task.Yield();
                }
            }
        });
        await Wait.UntilAsync(() => sink.Received.Count > 100, "packets flowing");

        await session.DisposeAsync();
        stop.Cancel();
        await flood;

        Assert.Equal(0, harness.Relay.PortsInUse);
        Assert.True(session.IsDisposed);
    }

    [Fact]
    public async Task Garbage_on_a_tcp_device_connection_closes_it_counts_it_and_raises_leg_closed()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.TcpPassive);
        var closed = new TaskCompletionSource<MediaLegClosedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.LegClosed += (_, e) => closed.TrySetResult(e);
        var leg = session.AddPlatform(MediaTransport.Udp, 9);
        await using var sink = await Peers.OpenPlatformAsync(leg);
        await using var device = await Peers.OpenDeviceAsync(session);

        var packets = Capture.Packets[..10];
        await device.SendAllAsync(packets, sink);
        await device.Tcp!.SendAsync("GET / HTTP/1.1\r\nHost: camera\r\n\r\n"u8.ToArray());

        var e = await closed.Task.WaitAsync(Wait.Timeout);
        await device.Tcp.Closed.WaitAsync(Wait.Timeout);
        Assert.Same(session.Device, e.Leg);
        Assert.True(e.IsDeviceLeg);
        Assert.Equal(MediaLegCloseReason.FramingError, e.Reason);
        Assert.False(session.Device.IsConnected);
        var stats = session.GetStats();
        Assert.Equal(1, stats.Dropped[MediaDropReason.FramingError]);
        Assert.Equal(10, stats.PacketsReceived);
        Assert.Equal(10, sink.Received.Count);   // what was accepted before the garbage was forwarded
        Assert.Equal(1, harness.MeterFactory.Collect()["gb28181_rtp_dropped_packets"]["reason=framing_error"]);

        // The device may reconnect: the passive leg accepts the next connection.
        await using var again = await TcpPeer.ConnectAsync(session.Device.LocalPort);
        await Wait.UntilAsync(() => session.Device.IsConnected, "the reconnection to be accepted");
        await again.SendAsync(Capture.Frame4571(Capture.Packets[10]));
        await Wait.UntilAsync(() => sink.Received.Count == 11, "the packet after reconnecting");
    }

    [Fact]
    public async Task A_platform_closing_its_tcp_connection_raises_leg_closed_and_the_device_leg_goes_on()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var closed = new TaskCompletionSource<MediaLegClosedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.LegClosed += (_, e) => closed.TrySetResult(e);
        var tcp = session.AddPlatform(MediaTransport.TcpActive, 1);
        var udp = session.AddPlatform(MediaTransport.Udp, 2);
        var tcpPeer = await Peers.OpenPlatformAsync(tcp);
        await using var udpPeer = await Peers.OpenPlatformAsync(udp);
        await using var device = await Peers.OpenDeviceAsync(session);
        var packets = Capture.Packets;
        await device.SendAllAsync(packets[..20], tcpPeer, udpPeer);

        ((TcpPeer)tcpPeer).Socket.Shutdown(SocketShutdown.Send);   // the platform hangs up (FIN)
        var e = await closed.Task.WaitAsync(Wait.Timeout);
        await tcpPeer.DisposeAsync();
        await device.SendAllAsync(packets[20..40], udpPeer);

        Assert.Same(tcp, e.Leg);
        Assert.False(e.IsDeviceLeg);
        Assert.Equal(MediaLegCloseReason.RemoteClosed, e.Reason);
        Assert.False(tcp.IsConnected);
        Assert.Equal(20, tcp.GetStats().Dropped[MediaDropReason.NotConnected]);
        Assert.Equal(40, udpPeer.Received.Count);
    }

    [Fact]
    public async Task A_second_tcp_connection_while_one_is_up_is_refused_and_counted()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.TcpPassive);
        await using var first = await TcpPeer.ConnectAsync(session.Device.LocalPort);
        await Wait.UntilAsync(() => session.Device.IsConnected, "the first connection");

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await second.ConnectAsync(RelayHarness.Loopback(session.Device.LocalPort));
            Assert.Equal(0, await second.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(Wait.Timeout));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // refused with a reset, possibly before the connect completed here
        }

        await Wait.UntilAsync(() => session.GetStats().Dropped.GetValueOrDefault(MediaDropReason.UnexpectedSource) == 1, "the refusal to be counted");
        Assert.True(session.Device.IsConnected);
        Assert.False(first.Closed.IsCompleted);
    }

    [Fact]
    public async Task The_platform_leg_can_be_a_slow_reader_without_stalling_the_others()
    {
        await using var harness = new RelayHarness(configure: o => o.TcpBacklogBytes = 256 * 1024);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var slow = session.AddPlatform(MediaTransport.TcpActive, 1);
        var fast = session.AddPlatform(MediaTransport.Udp, 2);
        await using var fastPeer = await Peers.OpenPlatformAsync(fast);
        using var listener = new TcpListenerPeer();
        var connecting = slow.ConnectAsync(listener.EndPoint);
        using var neverReads = await listener.Socket.AcceptAsync().WaitAsync(Wait.Timeout);   // accepts and never reads
        neverReads.ReceiveBufferSize = 4096;
        await connecting;
        await using var device = await Peers.OpenDeviceAsync(session);

        var packets = Capture.Packets;
        for (var round = 0; round < 20; round++)
        {
            await device.SendAllAsync(packets, fastPeer);
        }

        Assert.Equal(20 * packets.Length, fastPeer.Received.Count);
        var slowStats = slow.GetStats();
        Assert.True(slowStats.Dropped[MediaDropReason.EgressOverflow] > 0);
        Assert.Equal(20 * packets.Length, slowStats.PacketsSent + slowStats.Dropped[MediaDropReason.EgressOverflow]);
        Assert.True(slow.IsConnected);
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_key()
    {
        var options = new MediaOptions { ListenAddress = "not-an-ip", PortMin = 31000, PortMax = 30000, ExternalAddress = "gw.example", UdpReceive = (UdpReceiveMode)7 };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Media:ListenAddress 'not-an-ip'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Media:PortMax 30000 is below Media:PortMin 31000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Media:ExternalAddress 'gw.example'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Media:UdpReceive 7", StringComparison.Ordinal));
        var ex = Assert.Throws<ArgumentException>(() => new RtpRelay(options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        Assert.Contains("Media:PortMax", ex.Message);
        Assert.Empty(new MediaOptions().Validate());
    }

    [Fact]
    public async Task The_advertised_address_is_the_external_one_else_a_specific_listen_address()
    {
        await using var external = new RelayHarness(configure: o => o.ExternalAddress = "203.0.113.7");
        await using var specific = new RelayHarness();
        Assert.Equal(IPAddress.Parse("203.0.113.7"), external.Relay.AdvertisedAddress);
        Assert.Equal(IPAddress.Loopback, specific.Relay.AdvertisedAddress);
    }

    [Fact]
    public async Task Connect_with_a_port_zero_address_is_refused()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await Assert.ThrowsAsync<ArgumentException>(() => session.Device.ConnectAsync(new IPEndPoint(IPAddress.Loopback, 0)));
        var leg = session.AddPlatform(MediaTransport.Udp, 1);
        await Assert.ThrowsAsync<ArgumentException>(() => leg.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, 5000)));
        Assert.Equal(AddressFamily.InterNetwork, IPAddress.Loopback.AddressFamily);
    }
}
