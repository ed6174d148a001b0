using System.Net;

namespace Gb28181Gateway.Media;

/// <summary>A snapshot of one relay session, for the no-media watchdog and <c>GET /api/sessions</c>.</summary>
public sealed class RelaySessionStats
{
    public required long SessionId { get; init; }

    public required MediaTransport DeviceTransport { get; init; }

    public required int DevicePort { get; init; }

    /// <summary>The device's address from its SDP answer, or (TCP-passive) the connection accepted.</summary>
    public required IPEndPoint? DeviceEndPoint { get; init; }

    /// <summary>UDP: packets are accepted; TCP: the connection is up.</summary>
    public required bool DeviceConnected { get; init; }

    /// <summary>Valid RTP packets received from the device (dropped ones are in <see cref="Dropped"/>).</summary>
    public required long PacketsReceived { get; init; }

    /// <summary>Bytes of those packets (RTP header and payload, no TCP framing).</summary>
    public required long BytesReceived { get; init; }

    /// <summary>Times the device's sequence number did not follow the previous one (loss or reordering upstream).</summary>
    public required long SequenceGaps { get; init; }

    /// <summary>The SSRC the device really sends (may differ from the <c>y=</c> it was given).</summary>
    public required uint? DeviceSsrc { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last valid packet arrived, by the relay's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset? LastPacketAt { get; init; }

    /// <summary>Time since the last valid packet, or since the session was created when none came yet.</summary>
    public required TimeSpan IdleTime { get; init; }

    /// <summary>Packets dropped by this session (device side and every platform leg, removed ones included); non-zero reasons only.</summary>
    public required IReadOnlyDictionary<MediaDropReason, long> Dropped { get; init; }

    public required IReadOnlyList<PlatformLegStats> Platforms { get; init; }
}

/// <summary>A snapshot of one platform leg.</summary>
public sealed class PlatformLegStats
{
    public required MediaTransport Transport { get; init; }

    public required int LocalPort { get; init; }

    public required IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>The SSRC written into every packet, or null when the device's is kept.</summary>
    public required uint? Ssrc { get; init; }

    public required bool IsConnected { get; init; }

    public required long PacketsSent { get; init; }

    public required long BytesSent { get; init; }

    /// <summary>Non-zero reasons only.</summary>
    public required IReadOnlyDictionary<MediaDropReason, long> Dropped { get; init; }
}

/// <summary>Why a TCP leg closed.</summary>
public enum MediaLegCloseReason
{
    /// <summary>The peer closed the connection.</summary>
    RemoteClosed,

    /// <summary>The connection failed (reset, send or receive error).</summary>
    ConnectionError,

    /// <summary>The peer sent bytes that are not RTP framing; the relay closed the connection.</summary>
    FramingError,
}

/// <summary>Raised (on a thread-pool thread) when a TCP leg's connection ends without the relay being asked to close it.</summary>
public sealed class MediaLegClosedEventArgs(MediaLeg leg, MediaLegCloseReason reason) : EventArgs
{
    public MediaLeg Leg { get; } = leg;

    /// <summary>True for the device leg (the stream is gone), false for a platform leg (one viewer is gone).</summary>
    public bool IsDeviceLeg => Leg is DeviceLeg;

    public MediaLegCloseReason Reason { get; } = reason;
}
