using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Relay;

namespace Gb28181Gateway.Media.Tests;

/// <summary>
/// The UDP device leg's receive path with <see cref="MediaOptions.UdpBatch"/> &gt; 1 (recvmmsg/sendmmsg) and = 1
/// (recvfrom/sendto), over real loopback sockets: bursts sent back-to-back, as a camera sends a frame.
/// </summary>
public sealed class UdpBatchTests
{
    private const uint SsrcA = 0x0BEBC201;
    private const uint SsrcB = 0x0BEBC202;

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 2)]
    [InlineData(64, 2)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    public async Task A_burst_arrives_in_order_at_every_udp_leg_with_only_its_ssrc_changed(int udpBatch, int legs)
    {
        await using var harness = new RelayHarness(configure: o => o.UdpBatch = udpBatch);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        Assert.Equal(udpBatch > 1, ((UdpDeviceLeg)session.Device).IsBatched);
        // The second leg keeps the device's SSRC: it must not see the first leg's rewrite of the shared buffer.
        uint?[] ssrcs = [SsrcA, null];
        var platformLegs = Enumerable.Range(0, legs).Select(i => session.AddPlatform(MediaTransport.Udp, ssrcs[i])).ToArray();
        var sinks = new List<IPacketSink>();
        foreach (var leg in platformLegs)
        {
            sinks.Add(await Peers.OpenPlatformAsync(leg));
        }

        await using var device = await Peers.OpenDeviceAsync(session);
        var packets = Capture.Packets[..100];
        foreach (var packet in packets)
        {
            await device.SendAsync(packet);   // back-to-back: no waiting between packets
        }

        await Wait.UntilAsync(() => sinks.All(s => s.Received.Count >= packets.Length), "the burst at every platform");
        for (var l = 0; l < legs; l++)
        {
            var received = sinks[l].Received;
            Assert.Equal(packets.Length, received.Count);
            for (var i = 0; i < packets.Length; i++)
            {
                Assert.Equal(Capture.WithSsrc(packets[i], ssrcs[l] ?? Capture.Ssrc), received[i]);
            }

            Assert.Equal(packets.Length, platformLegs[l].GetStats().PacketsSent);
            Assert.Equal(packets.Sum(p => (long)p.Length), platformLegs[l].GetStats().BytesSent);
        }

        var stats = session.GetStats();
        Assert.Equal(packets.Length, stats.PacketsReceived);
        Assert.Equal(0, stats.SequenceGaps);
        Assert.Empty(stats.Dropped);
        foreach (var sink in sinks)
        {
            await sink.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1)]
    public async Task Datagrams_up_to_65507_bytes_in_one_burst_are_relayed_without_truncation(int udpBatch)
    {
        await using var harness = new RelayHarness(configure: o => o.UdpBatch = udpBatch);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var udpLeg = session.AddPlatform(MediaTransport.Udp, SsrcA);
        var tcpLeg = session.AddPlatform(MediaTransport.TcpPassive, SsrcB);
        await using var udpSink = await Peers.OpenPlatformAsync(udpLeg);
        await using var tcpSink = await Peers.OpenPlatformAsync(tcpLeg);
        await using var device = await Peers.OpenDeviceAsync(session);

        // 12 bytes: the smallest RTP packet (a header); 65 507: the largest UDP payload over IPv4.
        byte[][] packets = [Rtp(1, 12), Rtp(2, 1400), Rtp(3, 9000), Rtp(4, 65507), Rtp(5, 1400), Rtp(6, 65507)];
        foreach (var packet in packets)
        {
            await device.SendAsync(packet);
        }

        await Wait.UntilAsync(() => udpSink.Received.Count >= packets.Length && tcpSink.Received.Count >= packets.Length, "every size at both platforms");
        Assert.Equal(packets.Select(p => Capture.WithSsrc(p, SsrcA)), udpSink.Received);
        Assert.Equal(packets.Select(p => Capture.WithSsrc(p, SsrcB)), tcpSink.Received);
        Assert.Equal(packets.Sum(p => (long)p.Length), session.GetStats().BytesReceived);
        Assert.Empty(session.GetStats().Dropped);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1)]
    public async Task Rtcp_malformed_and_foreign_datagrams_inside_a_burst_are_dropped_and_counted_while_their_neighbours_pass(int udpBatch)
    {
        await using var harness = new RelayHarness(configure: o => o.UdpBatch = udpBatch);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var leg = session.AddPlatform(MediaTransport.Udp, SsrcA);
        await using var sink = await Peers.OpenPlatformAsync(leg);
        await using var device = await Peers.OpenDeviceAsync(session);   // the device's answer: only it is accepted
        await using var stranger = new UdpPeer(IPAddress.Parse("127.0.0.2"));   // SourceCheck.Address: another address

        byte[] rtcp = [0x80, 200, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] malformed = [0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xAA];   // version 1
        byte[] tooShort = [0x80];
        var rtp = Enumerable.Range(1, 4).Select(i => Rtp((ushort)i, 200 * i)).ToArray();
        await device.SendAsync(rtp[0]);
        await device.SendAsync(rtcp);
        await device.SendAsync(rtp[1]);
        stranger.SendTo(Rtp(77, 300), session.Device.LocalPort);
        await device.SendAsync(malformed);
        await device.SendAsync(rtp[2]);
        await device.SendAsync(tooShort);
        await device.SendAsync(rtp[3]);

        await Wait.UntilAsync(() => session.GetStats().Dropped.Values.Sum() >= 4 && sink.Received.Count >= rtp.Length, "the burst to be handled");
        Assert.Equal(rtp.Select(p => Capture.WithSsrc(p, SsrcA)), sink.Received);
        var stats = session.GetStats();
        Assert.Equal(rtp.Length, stats.PacketsReceived);
        Assert.Equal(1, stats.Dropped[MediaDropReason.Rtcp]);
        Assert.Equal(2, stats.Dropped[MediaDropReason.Malformed]);
        Assert.Equal(1, stats.Dropped[MediaDropReason.UnexpectedSource]);
        Assert.Equal(0, stats.SequenceGaps);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Disposing_a_session_ends_a_receive_thread_blocked_in_recvmmsg_and_frees_the_port(bool afterTraffic)
    {
        await using var harness = new RelayHarness(configure: o => o.UdpBatch = 16);
        var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var port = session.Device.LocalPort;
        Assert.True(((UdpDeviceLeg)session.Device).IsBatched);
        if (afterTraffic)
        {
            var leg = session.AddPlatform(MediaTransport.Udp, SsrcA);
            await using var sink = await Peers.OpenPlatformAsync(leg);
            await using var device = await Peers.OpenDeviceAsync(session);
            await device.SendAllAsync(Capture.Packets[..20], sink);
        }

        var thread = $"rtp-in {port}";
        await Wait.UntilAsync(() => ThreadSyscall(thread) == RecvMmsgSyscall, "the receive thread to block in recvmmsg");

        await session.DisposeAsync().AsTask().WaitAsync(Wait.Timeout);

        await Wait.UntilAsync(() => ThreadSyscall(thread) is null, "the receive thread to exit");
        // The socket was closed, not only shut down. (Not checked by binding the port again: other tests running in
        // parallel take ports from the same range and may already hold it.)
        Assert.True(((UdpDeviceLeg)session.Device).Lease.Socket.SafeHandle.IsClosed);
    }

    [Fact]
    public async Task A_packet_the_kernel_refuses_is_counted_send_error_and_the_rest_of_the_batch_goes_on()
    {
        await using var harness = new RelayHarness(configure: o => o.UdpBatch = 16);
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        Assert.True(((UdpDeviceLeg)session.Device).IsBatched);
        var leg = session.AddPlatform(MediaTransport.Udp, SsrcA);
        // A platform port nobody listens on, and IP_RECVERR on the leg's socket: each datagram's ICMP port-unreachable
        // makes the kernel refuse the next send (ECONNREFUSED), which sendmmsg reports as a short count or, for the
        // first datagram of a call, as an error. Nothing is lost that could have been sent.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        closed.Bind(RelayHarness.Loopback(0));
        var closedEndPoint = (IPEndPoint)closed.LocalEndPoint!;
        closed.Dispose();
        leg.Lease.Socket.SetRawSocketOption(0 /* IPPROTO_IP */, 11 /* IP_RECVERR */, BitConverter.GetBytes(1));
        await leg.ConnectAsync(closedEndPoint);
        await using var device = await Peers.OpenDeviceAsync(session);

        var packets = Capture.Packets[..40];
        foreach (var packet in packets)
        {
            await device.SendAsync(packet);
        }

        await Wait.UntilAsync(() => session.GetStats().PacketsReceived == packets.Length, "the device's packets");
        await Wait.UntilAsync(
            () =>
            {
                var s = leg.GetStats();
                return s.PacketsSent + s.Dropped.GetValueOrDefault(MediaDropReason.SendError) == packets.Length;
            },
            "every packet sent or counted send_error");
        var stats = leg.GetStats();
        Assert.True(stats.Dropped.GetValueOrDefault(MediaDropReason.SendError) > 0, "the refused sends were counted");
        Assert.True(stats.PacketsSent > 0, "a refused packet did not stop the rest of its batch");
    }

    [Fact]
    public void Udp_batch_outside_1_to_64_is_refused_naming_the_key()
    {
        Assert.Contains(new MediaOptions { UdpBatch = 0 }.Validate(), e => e.StartsWith("Media:UdpBatch 0 is outside 1-64", StringComparison.Ordinal));
        Assert.Contains(new MediaOptions { UdpBatch = 65 }.Validate(), e => e.StartsWith("Media:UdpBatch 65 is outside 1-64", StringComparison.Ordinal));
        Assert.Empty(new MediaOptions { UdpBatch = 1 }.Validate());
        Assert.Empty(new MediaOptions { UdpBatch = 64 }.Validate());
        Assert.Equal(16, new MediaOptions().UdpBatch);
    }

    /// <summary>An RTP packet of <paramref name="length"/> bytes (header included), SSRC <see cref="Capture.Ssrc"/>, a patterned payload.</summary>
    private static byte[] Rtp(ushort sequence, int length)
    {
        var packet = new byte[length];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequence * 3600u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Capture.Ssrc);
        for (var i = 12; i < length; i++)
        {
            packet[i] = (byte)((i * 31) + sequence);
        }

        return packet;
    }

    /// <summary>recvmmsg's system call number (x86-64: 299, arm64: 243).</summary>
    private static string RecvMmsgSyscall =>
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "243" : "299";

    /// <summary>The system call the thread named <paramref name="name"/> is blocked in (/proc), or null when no such thread exists.</summary>
    private static string? ThreadSyscall(string name)
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name[..Math.Min(name.Length, 15)])   // the kernel keeps 15 characters
                {
                    var syscall = File.ReadAllText(Path.Combine(task, "syscall")).Trim();   // "running" or "<number> <args>"
                    var space = syscall.IndexOf(' ', StringComparison.Ordinal);
                    return space < 0 ? syscall : syscall[..space];
                }
            }
            catch (IOException)
            {
                // the thread ended while the directory was listed
            }
        }

        return null;
    }
}
