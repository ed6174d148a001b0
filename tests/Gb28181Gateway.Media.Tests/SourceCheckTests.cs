using System.Net;

namespace Gb28181Gateway.Media.Tests;

/// <summary>
/// Which sources a UDP device leg accepts. 127.0.0.2 stands for "another host": Linux routes all of 127/8 to
/// the loopback interface, so a socket bound there sends from a different address.
/// </summary>
public sealed class SourceCheckTests
{
    private static readonly IPAddress s_otherHost = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Before_the_answer_the_first_source_is_latched_and_others_are_dropped()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = await OpenSinkAsync(session);
        await using var device = new UdpPeer();
        await using var intruder = new UdpPeer();
        var packets = Capture.Packets;

        await SendAsync(device, session, packets[..5], sink, expectedTotal: 5);
        for (var i = 0; i < 7; i++)
        {
            intruder.SendTo(packets[5], session.Device.LocalPort);
        }

        await Wait.UntilAsync(() => Dropped(session) == 7, "7 unexpected-source drops");
        await SendAsync(device, session, packets[5..10], sink, expectedTotal: 10);
        Assert.Equal(10, session.GetStats().PacketsReceived);
        Assert.True(session.Device.IsConnected);
    }

    [Fact]
    public async Task The_answer_address_replaces_the_latched_source()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = await OpenSinkAsync(session);
        await using var early = new UdpPeer(s_otherHost);
        await using var device = new UdpPeer();
        var packets = Capture.Packets;

        await SendAsync(early, session, packets[..3], sink, expectedTotal: 3);   // latched before the answer
        await session.Device.ConnectAsync(new IPEndPoint(IPAddress.Loopback, 15060));   // answer: c=127.0.0.1, m= port differs
        early.SendTo(packets[3], session.Device.LocalPort);
        await Wait.UntilAsync(() => Dropped(session) == 1, "the latched source to be dropped now");
        await SendAsync(device, session, packets[3..6], sink, expectedTotal: 6);   // any port of the answer's address

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 15060), session.Device.RemoteEndPoint);
    }

    [Fact]
    public async Task Address_and_port_mode_also_drops_other_ports_of_the_device_address()
    {
        await using var harness = new RelayHarness(configure: o => o.SourceCheck = SourceCheck.AddressAndPort);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = await OpenSinkAsync(session);
        await using var device = new UdpPeer();
        await using var otherPort = new UdpPeer();
        await session.Device.ConnectAsync(device.EndPoint);
        var packets = Capture.Packets;

        otherPort.SendTo(packets[0], session.Device.LocalPort);
        await Wait.UntilAsync(() => Dropped(session) == 1, "the other port to be dropped");
        await SendAsync(device, session, packets[..4], sink, expectedTotal: 4);
    }

    [Fact]
    public async Task Without_latching_nothing_is_accepted_before_the_answer()
    {
        await using var harness = new RelayHarness(configure: o => o.LatchBeforeAnswer = false);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = await OpenSinkAsync(session);
        await using var device = new UdpPeer();
        var packets = Capture.Packets;

        device.SendTo(packets[0], session.Device.LocalPort);
        device.SendTo(packets[1], session.Device.LocalPort);
        await Wait.UntilAsync(() => Dropped(session) == 2, "both early packets dropped");
        Assert.False(session.Device.IsConnected);
        await session.Device.ConnectAsync(device.EndPoint);
        await SendAsync(device, session, packets[2..5], sink, expectedTotal: 3);
    }

    [Fact]
    public async Task Latch_mode_ignores_the_answer_for_devices_behind_nat()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp, SourceCheck.Latch);
        await using var sink = await OpenSinkAsync(session);
        await using var natted = new UdpPeer(s_otherHost);
        var packets = Capture.Packets;

        await session.Device.ConnectAsync(new IPEndPoint(IPAddress.Parse("192.168.1.64"), 15060));   // private address in SDP
        await SendAsync(natted, session, packets[..4], sink, expectedTotal: 4);
        Assert.Equal(0, Dropped(session));
    }

    [Fact]
    public async Task Off_accepts_every_source()
    {
        await using var harness = new RelayHarness(configure: o => o.SourceCheck = SourceCheck.Off);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = await OpenSinkAsync(session);
        await using var a = new UdpPeer();
        await using var b = new UdpPeer(s_otherHost);
        var packets = Capture.Packets;

        await SendAsync(a, session, packets[..2], sink, expectedTotal: 2);
        await SendAsync(b, session, packets[2..4], sink, expectedTotal: 4);
    }

    [Fact]
    public async Task A_tcp_passive_device_leg_refuses_connections_from_another_address_than_the_answer()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.TcpPassive);
        await session.Device.ConnectAsync(new IPEndPoint(s_otherHost, 15060));

        using var wrong = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            await wrong.ConnectAsync(RelayHarness.Loopback(session.Device.LocalPort));
        }
        catch (System.Net.Sockets.SocketException)
        {
        }

        await Wait.UntilAsync(() => Dropped(session) == 1, "the connection from 127.0.0.1 to be refused");
        Assert.False(session.Device.IsConnected);
    }

    [Fact]
    public async Task Source_drops_are_in_the_session_stats_and_the_metric()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var device = new UdpPeer();
        await using var intruder = new UdpPeer(s_otherHost);
        await session.Device.ConnectAsync(device.EndPoint);

        for (var i = 0; i < 3; i++)
        {
            intruder.SendTo(Capture.Packets[i], session.Device.LocalPort);
        }

        await Wait.UntilAsync(() => Dropped(session) == 3, "3 drops");
        var metrics = harness.MeterFactory.Collect();
        Assert.Equal(3, metrics["gb28181_rtp_dropped_packets"]["reason=unexpected_source"]);
        Assert.Equal(0, metrics["gb28181_rtp_packets"]["direction=in,transport=udp"]);
        Assert.Equal(0, session.GetStats().PacketsReceived);
        Assert.Null(session.GetStats().LastPacketAt);
    }

    private static long Dropped(RelaySession session) =>
        session.GetStats().Dropped.GetValueOrDefault(MediaDropReason.UnexpectedSource);

    private static async Task<UdpPeer> OpenSinkAsync(RelaySession session) =>
        (UdpPeer)await Peers.OpenPlatformAsync(session.AddPlatform(MediaTransport.Udp, 5));

    private static async Task SendAsync(UdpPeer from, RelaySession session, byte[][] packets, UdpPeer sink, int expectedTotal)
    {
        foreach (var packet in packets)
        {
            from.SendTo(packet, session.Device.LocalPort);
        }

        await Wait.UntilAsync(() => sink.Received.Count == expectedTotal, $"{expectedTotal} packets at the platform");
    }
}
