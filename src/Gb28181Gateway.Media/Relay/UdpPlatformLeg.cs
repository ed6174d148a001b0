using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Relay.Linux;
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
    private readonly SafeSocketHandle _handle;
    private SocketAddress? _target;
    private int _closed;

    public UdpPlatformLeg(RelaySession session, PortLease lease, uint? ssrc)
        : base(session, lease, MediaTransport.Udp, ssrc)
    {
        // Nothing reads this socket: keep what the platform sends to it from holding kernel memory.
        lease.Socket.ReceiveBufferSize = 4096;
        _handle = lease.Socket.SafeHandle;
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

    internal override void Send(Span<byte> framed, uint deviceSsrc)
    {
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            Drop(MediaDropReason.NotConnected);
            return;
        }

        var packet = framed[FrameHeadroom..];
        RtpHeader.WriteSsrc(packet, RewriteSsrc ? SsrcValue : deviceSsrc);
        try
        {
            Lease.Socket.SendTo(packet, SocketFlags.None, target);
            Counters.Count(packet.Length);
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

    /// <summary>
    /// The batch with one <c>sendmmsg</c>: SSRC rewritten into every kept packet, then all of them addressed to
    /// the platform. A short count continues from the first packet not sent; a packet the kernel refuses is
    /// counted <c>send_error</c> and the rest go on.
    /// </summary>
    internal override void SendBatch(UdpDatagramBatch batch)
    {
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            for (var k = 0; k < batch.Count; k++)
            {
                Drop(MediaDropReason.NotConnected);
            }

            return;
        }

        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return;   // removed while the receive loop still held the previous leg array: not counted
        }

        try
        {
            batch.PrepareSend(target.Buffer.Span[..target.Size], RewriteSsrc ? SsrcValue : null);
            var fd = (int)_handle.DangerousGetHandle();
            for (var k = 0; k < batch.Count;)
            {
                var sent = batch.Send(fd, k, out var errno);
                if (sent > 0)
                {
                    for (var end = k + sent; k < end; k++)
                    {
                        Counters.Count(batch.Length(k));
                    }

                    continue;
                }

                if (errno == UdpBatchInterop.EIntr)
                {
                    continue;
                }

                if (Volatile.Read(ref _closed) != 0)
                {
                    return;   // closing (the socket is being shut down): the rest is not counted
                }

                Drop(MediaDropReason.SendError);
                k++;
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
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
