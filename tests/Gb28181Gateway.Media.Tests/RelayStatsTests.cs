using System.Buffers.Binary;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Media.Tests;

/// <summary>What the B2BUA's watchdog and <c>GET /api/sessions</c> read, and the Prometheus totals.</summary>
public sealed class RelayStatsTests
{
    [Fact]
    public async Task Idle_time_and_last_packet_follow_the_injected_clock()
    {
        var clock = new ManualTimeProvider();
        await using var harness = new RelayHarness(timeProvider: clock);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = (UdpPeer)await Peers.OpenPlatformAsync(session.AddPlatform(MediaTransport.Udp, 1));
        await using var device = await Peers.OpenDeviceAsync(session);
        var created = clock.GetUtcNow();

        clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), session.IdleTime);   // no packet yet: since creation
        Assert.Null(session.GetStats().LastPacketAt);

        await device.SendAllAsync(Capture.Packets[..3], sink);
        var arrived = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(12));

        var stats = session.GetStats();
        Assert.Equal(created, stats.CreatedAt);
        Assert.Equal(arrived, stats.LastPacketAt);
        Assert.Equal(TimeSpan.FromSeconds(12), stats.IdleTime);
        Assert.Equal(TimeSpan.FromSeconds(12), session.IdleTime);
    }

    [Fact]
    public async Task A_packet_at_the_clocks_first_tick_is_a_packet()
    {
        var clock = new ManualTimeProvider();   // GetTimestamp() is 0 until the clock moves
        await using var harness = new RelayHarness(timeProvider: clock);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = (UdpPeer)await Peers.OpenPlatformAsync(session.AddPlatform(MediaTransport.Udp, 1));
        await using var device = await Peers.OpenDeviceAsync(session);

        await device.SendAllAsync(Capture.Packets[..1], sink);

        Assert.Equal(clock.GetUtcNow(), session.GetStats().LastPacketAt);
        Assert.Equal(Capture.Ssrc, session.GetStats().DeviceSsrc);
    }

    [Fact]
    public async Task Malformed_packets_and_rtcp_are_dropped_counted_and_do_not_refresh_idle_time()
    {
        var clock = new ManualTimeProvider();
        await using var harness = new RelayHarness(timeProvider: clock);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = (UdpPeer)await Peers.OpenPlatformAsync(session.AddPlatform(MediaTransport.Udp, 1));
        await using var device = new UdpPeer();
        await session.Device.ConnectAsync(device.EndPoint);

        device.SendTo([0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], session.Device.LocalPort);                   // version 1
        device.SendTo("hello"u8.ToArray(), session.Device.LocalPort);                                       // not RTP
        device.SendTo([0x80, 200, 0, 6, 0, 0, 0, 1, .. new byte[20]], session.Device.LocalPort);             // RTCP SR
        await Wait.UntilAsync(() => session.GetStats().Dropped.Values.Sum() == 3, "3 drops");
        clock.Advance(TimeSpan.FromSeconds(30));

        var stats = session.GetStats();
        Assert.Equal(2, stats.Dropped[MediaDropReason.Malformed]);
        Assert.Equal(1, stats.Dropped[MediaDropReason.Rtcp]);
        Assert.Equal(0, stats.PacketsReceived);
        Assert.Empty(sink.Received);
        Assert.Equal(TimeSpan.FromSeconds(30), session.IdleTime);
        var dropped = harness.MeterFactory.Collect()["gb28181_rtp_dropped_packets"];
        Assert.Equal(2, dropped["reason=malformed"]);
        Assert.Equal(1, dropped["reason=rtcp"]);
    }

    [Fact]
    public async Task Sequence_gaps_count_discontinuities_but_not_the_wrap_or_a_new_ssrc()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        await using var sink = (UdpPeer)await Peers.OpenPlatformAsync(session.AddPlatform(MediaTransport.Udp, 1));
        await using var device = await Peers.OpenDeviceAsync(session);
        var packets = Capture.Packets;
        var restarted = packets[0].ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(restarted.AsSpan(8), 42);   // the device restarted its stream

        // 0..9, skip 10-11 (gap), 12..19, 15 again (gap), 16 (gap: 15 was "last"), new SSRC (no gap)
        byte[][] sent = [.. packets[..10], .. packets[12..20], packets[15], restarted];
        await device.SendAllAsync(sent, sink);

        var stats = session.GetStats();
        Assert.Equal(2, stats.SequenceGaps);
        Assert.Equal(42u, stats.DeviceSsrc);
        Assert.Equal(sent.Length, stats.PacketsReceived);
    }

    [Fact]
    public async Task Metrics_count_by_direction_and_transport_and_survive_teardown()
    {
        await using var harness = new RelayHarness();
        var packets = Capture.Packets[..40];
        var bytes = packets.Sum(p => (long)p.Length);
        await using (var session = harness.Relay.CreateSession(MediaTransport.TcpPassive))
        {
            var udp = session.AddPlatform(MediaTransport.Udp, 1);
            var tcp = session.AddPlatform(MediaTransport.TcpActive, 2);
            await using var udpSink = await Peers.OpenPlatformAsync(udp);
            await using var tcpSink = await Peers.OpenPlatformAsync(tcp);
            await using var device = await Peers.OpenDeviceAsync(session);
            await device.SendAllAsync(packets, udpSink, tcpSink);
            await tcp.DisposeAsync();   // a leg removed before the session: its counts stay in the totals

            var live = harness.MeterFactory.Collect();
            Assert.Equal(40, live["gb28181_rtp_packets"]["direction=in,transport=tcp"]);
            Assert.Equal(40, live["gb28181_rtp_packets"]["direction=out,transport=tcp"]);
        }

        var metrics = harness.MeterFactory.Collect();
        Assert.Equal(40, metrics["gb28181_rtp_packets"]["direction=in,transport=tcp"]);
        Assert.Equal(0, metrics["gb28181_rtp_packets"]["direction=in,transport=udp"]);
        Assert.Equal(40, metrics["gb28181_rtp_packets"]["direction=out,transport=udp"]);
        Assert.Equal(40, metrics["gb28181_rtp_packets"]["direction=out,transport=tcp"]);
        Assert.Equal(bytes, metrics["gb28181_rtp_bytes"]["direction=in,transport=tcp"]);
        Assert.Equal(bytes, metrics["gb28181_rtp_bytes"]["direction=out,transport=udp"]);
        Assert.Equal(bytes, metrics["gb28181_rtp_bytes"]["direction=out,transport=tcp"]);
        Assert.Equal(0, metrics["gb28181_media_ports_in_use"][""]);
        Assert.All(metrics["gb28181_rtp_dropped_packets"].Values, v => Assert.Equal(0, v));
        Assert.Equal(7, metrics["gb28181_rtp_dropped_packets"].Count);
    }

    [Fact]
    public async Task The_sessions_list_and_stats_describe_every_leg()
    {
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var leg = session.AddPlatform(MediaTransport.TcpPassive, 0x0BEBC2FF);

        var stats = Assert.Single(harness.Relay.Sessions).GetStats();

        Assert.Equal(session.Id, stats.SessionId);
        Assert.Equal(MediaTransport.Udp, stats.DeviceTransport);
        Assert.Equal(session.Device.LocalPort, stats.DevicePort);
        Assert.False(stats.DeviceConnected);
        Assert.Null(stats.DeviceSsrc);
        var legStats = Assert.Single(stats.Platforms);
        Assert.Equal(MediaTransport.TcpPassive, legStats.Transport);
        Assert.Equal(leg.LocalPort, legStats.LocalPort);
        Assert.Equal(0x0BEBC2FFu, legStats.Ssrc);
        Assert.False(legStats.IsConnected);
        Assert.Null(legStats.RemoteEndPoint);
    }
}
