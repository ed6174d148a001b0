using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Dialogs;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>
/// The device side of one or more bridged sessions: the INVITE dialog with the device and the relay session
/// its RTP arrives on. Live streams are shared by every viewer of the channel; playback and download have one
/// viewer each. Mutable fields are guarded by the bridge's lock.
/// </summary>
internal sealed class DeviceStream
{
    private readonly TaskCompletionSource<int> _established = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DeviceStream(ChannelRef channel, SdpSessionKind kind, RelaySession relay, Ssrc ssrc)
    {
        Channel = channel;
        Kind = kind;
        Relay = relay;
        Ssrc = ssrc;
    }

    public ChannelRef Channel { get; }

    public SdpSessionKind Kind { get; }

    public RelaySession Relay { get; }

    /// <summary>The SSRC of the gateway's offer; the device's answer may name another (<see cref="DeviceSsrc"/>).</summary>
    public Ssrc Ssrc { get; }

    /// <summary>The SSRC the device's answer announced (or the offered one).</summary>
    public string DeviceSsrc { get; set; } = string.Empty;

    public SipDialog? Dialog { get; set; }

    /// <summary>When the device answered (TimeProvider timestamp): the no-media watchdog counts from here at the earliest.</summary>
    public long EstablishedTimestamp { get; set; }

    /// <summary>The device's SDP answer, once it answered.</summary>
    public SdpSession? Answer { get; set; }

    /// <summary>The gateway's receive side, e.g. <c>udp 10.0.0.9:30002</c>.</summary>
    public string DeviceMedia { get; set; } = string.Empty;

    public List<BridgeSession> Viewers { get; } = [];

    /// <summary>Viewers that asked for the stream and are not attached yet (they keep a live stream alive).</summary>
    public int Pending { get; set; }

    public bool Ended { get; set; }

    /// <summary>
    /// Cancels the device's INVITE. Not any one viewer's: a viewer that gives up (CANCEL from its platform) only
    /// leaves; the INVITE is cancelled when the stream ends because nobody is waiting for it any more.
    /// </summary>
    public CancellationTokenSource InviteCancellation { get; } = new();

    /// <summary>200 once the device answered and the relay accepts its media, else the status to answer upward.</summary>
    public Task<int> Established => _established.Task;

    public void Complete(int status) => _established.TrySetResult(status);
}

/// <summary>One viewer: a platform's INVITE dialog (or an IoT stream target) fed by a platform leg of a device stream.</summary>
internal sealed class BridgeSession
{
    public required string Id { get; init; }

    public required SdpSessionKind Kind { get; init; }

    /// <summary>The platform's configured name, or empty for a stream started through <see cref="IStreamService"/>.</summary>
    public required string Platform { get; init; }

    public required string UpperChannelId { get; init; }

    public required DeviceStream Stream { get; init; }

    public required PlatformLeg Leg { get; init; }

    public required Ssrc PlatformSsrc { get; init; }

    /// <summary>True when the gateway allocated <see cref="PlatformSsrc"/> (it is released at the end).</summary>
    public bool OwnsSsrc { get; init; }

    public required string PlatformMedia { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public SipDialog? UpperDialog { get; set; }

    public bool Ended { get; set; }

    /// <summary>Counted as active and announced (SessionStartedEvent, store); a viewer refused while answering never is.</summary>
    public bool Announced { get; set; }

    public string TransportLabel => BridgeSdp.Label(Leg.Transport);

    public SessionRecord ToRecord(string instance) => new()
    {
        SessionId = Id,
        Kind = Kind.ToString(),
        Platform = Platform,
        UpperChannelId = UpperChannelId,
        Channel = Stream.Channel,
        Instance = instance,
        StartedAt = StartedAt,
        UpperDialog = UpperDialog is null ? null : BridgeSdp.Snapshot(UpperDialog),
        DeviceDialog = Stream.Dialog is null ? null : BridgeSdp.Snapshot(Stream.Dialog),
        DeviceSsrc = Stream.DeviceSsrc,
        PlatformSsrc = PlatformSsrc.ToString(),
        DeviceMedia = Stream.DeviceMedia,
        PlatformMedia = PlatformMedia,
    };
}
