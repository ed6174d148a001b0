
namespace Gb28181Gateway.Media.Tests;

/// <summary>Opens the test's end of a leg the way the real peer would, after the SDP exchange.</summary>
internal static class Peers
{
    /// <summary>UDP: a socket the leg sends to; TCP-passive: connects to the leg; TCP-active: listens and lets the leg connect.</summary>
    public static async Task<IPacketSink> OpenPlatformAsync(PlatformLeg leg)
    {
        switch (leg.Transport)
        {
            case MediaTransport.Udp:
                var udp = new UdpPeer();
                await leg.ConnectAsync(udp.EndPoint);
                return udp;
            case MediaTransport.TcpPassive:
                var connected = await TcpPeer.ConnectAsync(leg.LocalPort);
                await Wait.UntilAsync(() => leg.IsConnected, "the platform leg to accept");
                return connected;
            default:
                using (var listener = new TcpListenerPeer())
                {
                    var connecting = leg.ConnectAsync(listener.EndPoint);
                    var accepted = await listener.AcceptAsync();
                    await connecting;
                    return accepted;
                }
        }
    }

    /// <summary>The device: UDP sends to the leg's port; TCP-passive connects to it; TCP-active accepts the leg's connection.</summary>
    public static async Task<DeviceSource> OpenDeviceAsync(RelaySession session)
    {
        var leg = session.Device;
        switch (leg.Transport)
        {
            case MediaTransport.Udp:
                var udp = new UdpPeer();
                await leg.ConnectAsync(udp.EndPoint);
                return new DeviceSource(udp, leg.LocalPort);
            case MediaTransport.TcpPassive:
                await leg.ConnectAsync(RelayHarness.Loopback(15060));   // the device's SDP port; TCP checks the address only
                var connected = await TcpPeer.ConnectAsync(leg.LocalPort);
                await Wait.UntilAsync(() => leg.IsConnected, "the device leg to accept");
                return new DeviceSource(connected);
            default:
                using (var listener = new TcpListenerPeer())
                {
                    var connecting = leg.ConnectAsync(listener.EndPoint);
                    var accepted = await listener.AcceptAsync();
                    await connecting;
                    return new DeviceSource(accepted);
                }
        }
    }
}

/// <summary>The device end of a session: sends packets over UDP or as RFC 4571 frames over TCP.</summary>
internal sealed class DeviceSource : IAsyncDisposable
{
    /// <summary>Packets sent before waiting for them to arrive: far below any socket buffer, so UDP loses nothing.</summary>
    private const int Window = 16;

    private readonly UdpPeer? _udp;
    private readonly int _port;
    private readonly TcpPeer? _tcp;

    public DeviceSource(UdpPeer udp, int port)
    {
        _udp = udp;
        _port = port;
    }

    public DeviceSource(TcpPeer tcp) => _tcp = tcp;

    public TcpPeer? Tcp => _tcp;

    public async Task SendAsync(byte[] packet)
    {
        if (_udp is not null)
        {
            _udp.SendTo(packet, _port);
        }
        else
        {
            await _tcp!.SendAsync(Capture.Frame4571(packet));
        }
    }

    /// <summary>Sends every packet, <see cref="Window"/> at a time, waiting until every sink has them all.</summary>
    public async Task SendAllAsync(byte[][] packets, params IPacketSink[] sinks)
    {
        var baseline = sinks.Select(s => s.Received.Count).ToArray();
        for (var i = 0; i < packets.Length; i++)
        {
            await SendAsync(packets[i]);
            if ((i + 1) % Window == 0 || i + 1 == packets.Length)
            {
                var expected = i + 1;
                await Wait.UntilAsync(
                    () => sinks.Select((s, n) => s.Received.Count - baseline[n]).All(c => c >= expected),
                    $"{expected} packets at every platform");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_udp is not null)
        {
            await _udp.DisposeAsync();
        }

        if (_tcp is not null)
        {
            await _tcp.DisposeAsync();
        }
    }
}
