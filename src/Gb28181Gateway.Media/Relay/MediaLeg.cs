using System.Net;
using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Ports;

namespace Gb28181Gateway.Media;

/// <summary>
/// One side of a relay session: a port of the pool, bound when the leg is created so <see cref="LocalPort"/>
/// can go straight into the SDP, and the peer's address once its SDP is known (<see cref="ConnectAsync"/>).
/// </summary>
public abstract class MediaLeg
{
    private readonly PortLease _lease;
    private IPEndPoint? _remote;

    private protected MediaLeg(RelaySession session, PortLease lease, MediaTransport transport)
    {
        Session = session;
        _lease = lease;
        Transport = transport;
    }

    public RelaySession Session { get; }

    public MediaTransport Transport { get; }

    /// <summary>The gateway's port for this leg: advertise it in the SDP (with <see cref="RtpRelay.AdvertisedAddress"/>).</summary>
    public int LocalPort => _lease.Port;

    /// <summary>The peer's address: from its SDP (<see cref="ConnectAsync"/>) or, for TCP-passive, the connection accepted.</summary>
    public IPEndPoint? RemoteEndPoint
    {
        get => Volatile.Read(ref _remote);
        internal set => Volatile.Write(ref _remote, value);
    }

    /// <summary>UDP: the peer's address is known (platform) or packets are accepted (device); TCP: the connection is up.</summary>
    public abstract bool IsConnected { get; }

    /// <summary>
    /// The peer's SDP is known. UDP device leg: only <paramref name="remote"/> is accepted from now on (per
    /// <see cref="MediaOptions.SourceCheck"/>). UDP platform leg: packets go to <paramref name="remote"/> from
    /// now on. TCP-passive: only connections from <paramref name="remote"/>'s address are accepted. TCP-active:
    /// connects to <paramref name="remote"/> from <see cref="LocalPort"/> (once per leg; a failed connect needs a
    /// new leg) and completes when connected.
    /// </summary>
    /// <exception cref="MediaConnectException">TCP-active: the connect failed or timed out.</exception>
    /// <exception cref="ObjectDisposedException">The leg or its session was closed.</exception>
    public abstract Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken = default);

    internal PortLease Lease => _lease;

    internal abstract LegCounters Counters { get; }

    internal RtpRelay Relay => Session.Relay;

    /// <summary>Stops the leg's loops, closes its sockets and returns its port; idempotent.</summary>
    internal abstract ValueTask CloseAsync();

    private protected static void CheckRemote(IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.Port == 0)
        {
            throw new ArgumentException($"remote media address {remote} has no port", nameof(remote));
        }
    }
}

/// <summary>The device side of a session (ingress): RTP arrives here from the camera or NVR.</summary>
public abstract class DeviceLeg : MediaLeg
{
    private protected DeviceLeg(RelaySession session, PortLease lease, MediaTransport transport)
        : base(session, lease, transport)
    {
    }

    internal override LegCounters Counters => Session.DeviceCounters;
}

/// <summary>
/// A platform side of a session (egress): every packet from the device goes out here, with this leg's SSRC.
/// Dispose it when that viewer leaves; the session and its other legs go on.
/// </summary>
public abstract class PlatformLeg : MediaLeg, IAsyncDisposable
{
    private readonly LegCounters _counters = new();

    private protected PlatformLeg(RelaySession session, PortLease lease, MediaTransport transport, uint? ssrc)
        : base(session, lease, transport)
    {
        Ssrc = ssrc;
        RewriteSsrc = ssrc.HasValue;
        SsrcValue = ssrc.GetValueOrDefault();
    }

    /// <summary>The SSRC written into bytes 8-11 of every packet (the platform's <c>y=</c>), or null to keep the device's.</summary>
    public uint? Ssrc { get; }

    public PlatformLegStats GetStats() => new()
    {
        Transport = Transport,
        LocalPort = LocalPort,
        RemoteEndPoint = RemoteEndPoint,
        Ssrc = Ssrc,
        IsConnected = IsConnected,
        PacketsSent = _counters.Packets,
        BytesSent = _counters.Bytes,
        Dropped = _counters.DropSnapshot(),
    };

    /// <summary>Removes the leg from its session and closes it; the session's other legs are not affected.</summary>
    public async ValueTask DisposeAsync()
    {
        await Session.RemovePlatformAsync(this).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    internal override LegCounters Counters => _counters;

    private protected bool RewriteSsrc { get; }

    private protected uint SsrcValue { get; }

    /// <summary>Writable bytes in front of every packet handed to <see cref="Send"/>: room for an RFC 4571 length.</summary>
    internal const int FrameHeadroom = 2;

    /// <summary>
    /// Sends one packet: <c>framed[FrameHeadroom..]</c>, the <see cref="FrameHeadroom"/> bytes before it free to
    /// overwrite. Called only from the session's receive loop (one at a time); may overwrite the SSRC and the
    /// headroom. <paramref name="deviceSsrc"/> is the packet's SSRC as the device sent it.
    /// </summary>
    internal abstract void Send(Span<byte> framed, uint deviceSsrc);

    /// <summary>
    /// Sends every packet the device leg kept from one batched receive, in order. The default sends them one by
    /// one (<see cref="Send"/>); a UDP leg sends them with one <c>sendmmsg</c>.
    /// </summary>
    internal virtual void SendBatch(Relay.Linux.UdpDatagramBatch batch)
    {
        for (var k = 0; k < batch.Count; k++)
        {
            Send(batch.Framed(k), batch.Ssrc(k));
        }
    }

    private protected void Drop(MediaDropReason reason)
    {
        _counters.Drop(reason);
        Session.CountPlatformDrop(reason);
    }
}
