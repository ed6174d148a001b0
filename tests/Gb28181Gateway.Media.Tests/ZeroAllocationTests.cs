using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Tests;

[CollectionDefinition(nameof(ZeroAllocationTests), DisableParallelization = true)]
public sealed class ZeroAllocationRunsAlone
{
}

/// <summary>
/// The per-packet path allocates nothing in steady state: a UDP device leg (in each <see cref="UdpReceiveMode"/>,
/// batched and per packet) feeding a UDP and a TCP platform leg. The receive loops run on threads the test does not own, so allocations
/// are measured for the whole process while the test's sender and readers use allocation-free calls on dedicated threads (on sockets never used
/// asynchronously: a blocking call on such a socket allocates). The test host allocates now and then on its
/// own (reporting results), so the test takes the quietest of several rounds: a per-packet allocation would
/// show in every round.
/// </summary>
[Collection(nameof(ZeroAllocationTests))]
public sealed class ZeroAllocationTests
{
    private const int Window = 8;
    private const int PacketsPerRound = 10_000;

    [Theory]
    [InlineData(UdpReceiveMode.Thread, 16)]   // recvmmsg/sendmmsg batches (Linux)
    [InlineData(UdpReceiveMode.Thread, 1)]    // recvfrom/sendto per packet
    [InlineData(UdpReceiveMode.Async, 16)]
    public async Task Forwarding_allocates_nothing_per_packet(UdpReceiveMode receiveMode, int udpBatch)
    {
        await using var harness = new RelayHarness(configure: o =>
        {
            o.UdpReceive = receiveMode;
            o.UdpBatch = udpBatch;
        });
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        Assert.Equal(receiveMode == UdpReceiveMode.Thread && udpBatch > 1, ((Relay.UdpDeviceLeg)session.Device).IsBatched);
        var udpLeg = session.AddPlatform(MediaTransport.Udp, 1);
        var tcpLeg = session.AddPlatform(MediaTransport.TcpPassive, 2);

        using var udpSink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udpSink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await udpLeg.ConnectAsync((IPEndPoint)udpSink.LocalEndPoint!);
        using var tcpSink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcpSink.Connect(RelayHarness.Loopback(tcpLeg.LocalPort));
        await Wait.UntilAsync(() => tcpLeg.IsConnected, "the TCP platform leg");
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        device.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await session.Device.ConnectAsync((IPEndPoint)device.LocalEndPoint!);

        var packet = Capture.Packets[7];
        long udpReceived = 0;
        long tcpBytes = 0;
        StartReader(() =>
        {
            var buffer = new byte[65536];
            var from = new SocketAddress(AddressFamily.InterNetwork);
            while (true)
            {
                udpSink.ReceiveFrom(buffer, SocketFlags.None, from);
                Interlocked.Increment(ref udpReceived);
            }
        });
        StartReader(() =>
        {
            var buffer = new byte[65536];
            int n;
            while ((n = tcpSink.Receive(buffer.AsSpan(), SocketFlags.None)) > 0)
            {
                Interlocked.Add(ref tcpBytes, n);
            }
        });
        var target = RelayHarness.Loopback(session.Device.LocalPort).Serialize();

        long sent = 0;
        var stalled = false;
        void Pump(int count)
        {
            for (var i = 0; i < count && !stalled; i++)
            {
                device.SendTo(packet, SocketFlags.None, target);
                sent++;
                if (sent % Window == 0)
                {
                    var deadline = Environment.TickCount64 + 10_000;
                    while (Interlocked.Read(ref udpReceived) < sent || Interlocked.Read(ref tcpBytes) < sent * (packet.Length + 2))
                    {
                        if (Environment.TickCount64 > deadline)
                        {
                            stalled = true;
                            return;
                        }

                        Thread.Yield();
                    }
                }
            }
        }

        var rounds = new long[5];
        var pump = new Thread(() =>
        {
            Pump(5_000);   // warm-up: JIT tiers, socket engine, thread pool
            for (var r = 0; r < rounds.Length; r++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                Pump(PacketsPerRound);
                rounds[r] = GC.GetTotalAllocatedBytes(precise: true) - before;
            }
        });
        pump.Start();
        pump.Join();

        Assert.False(stalled, $"packets stopped arriving after {sent}");
        var total = 5_000 + (rounds.Length * PacketsPerRound);
        Assert.Equal(total, session.GetStats().PacketsReceived);
        Assert.Equal(total, udpLeg.GetStats().PacketsSent);
        Assert.Equal(total, tcpLeg.GetStats().PacketsSent);
        // One allocation per packet anywhere on the path is at least 24 bytes x 10 000 = 240 000 bytes per round.
        Assert.True(rounds.Min() < 24_000, $"bytes allocated per round of {PacketsPerRound} packets: {string.Join(", ", rounds)}");
    }

    private static void StartReader(Action read) => new Thread(() =>
    {
        try
        {
            read();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    })
    { IsBackground = true }.Start();
}
