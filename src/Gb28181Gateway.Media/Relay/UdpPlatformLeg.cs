using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Ports;
using Gb28181Gateway.Media.Rtp;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// Platform leg over UDP: packets leave from the leg's own (advertised) port to the platform's SDP address,
/// with a synchronous send and the target's <see cref="SocketAddress"/> cached, so nothing is allocated per
/// packet. Whatever the platform sends to this port (RTCP receiver reports, NAT keep-alives) is not read.
/// </summary>
internal sealed class UdpPlatformLeg : PlatformLeg
{
    private SocketAddress? _target;
    private int _closed;

    public UdpPlatformLeg(RelaySession session, PortLease lease, uint? ssrc)
        : base(session, lease, MediaTransport.Udp, ssrc)
    {
        // Nothing reads this socket: keep what the platform sends to it from holding kernel memory.
        lease.Socket.ReceiveBufferSize = 4096;
    }

    public override bool IsConnected => Volatile.Read(ref _target) is not null;

    public override Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        CheckRemote(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        var target = Lease.Socket.AddressFamily == AddressFamily.InterNetworkV6 && remote.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(remote.Address.MapToIPv6(), remote.Port)
            : remote;
        if (target.AddressFamily != Lease.Socket.AddressFamily)
        {
            throw new ArgumentException($"platform media address {remote} is not reachable from an {Lease.Socket.AddressFamily} media port", nameof(remote));
        }

        RemoteEndPoint = remote;
        Volatile.Write(ref _target, target.Serialize());
        return Task.CompletedTask;
    }

    internal override void Send(byte[] buffer, int offset, int length, uint deviceSsrc)
    {
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            Drop(MediaDropReason.NotConnected);
            return;
        }

        RtpHeader.WriteSsrc(buffer, offset, RewriteSsrc ? SsrcValue : deviceSsrc);
        try
        {
            Lease.Socket.SendTo(buffer.AsSpan(offset, length), SocketFlags.None, target);
            Counters.Count(length);
        }
        catch (ObjectDisposedException)
        {
            // Removed while the receive loop still held the previous leg array: the packet is not counted.
        }
        catch (SocketException)
        {
            Drop(MediaDropReason.SendError);
        }
    }

    internal override ValueTask CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Lease.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
