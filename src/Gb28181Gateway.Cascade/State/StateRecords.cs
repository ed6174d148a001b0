using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.State;

/// <summary>A channel below, named by the device that owns it and its own ID: two devices may report the same channel ID.</summary>
public readonly record struct ChannelRef(string DeviceId, string ChannelId)
{
    public override string ToString() => DeviceId + "/" + ChannelId;
}

/// <summary>
/// A registered device as the lower domain knows it. Written through to the state store on every change
/// that matters after a restart (registration, refresh, unregistration, going offline); keepalive times
/// are written at most once per keepalive interval.
/// </summary>
public sealed record DeviceRecord
{
    /// <summary>The device's 20-digit ID (the From user of its REGISTER).</summary>
    public required string DeviceId { get; init; }

    /// <summary>Where the device's signalling comes from, in <c>SipEndPoint</c> form: <c>udp:10.0.0.5:5060</c>, <c>tcp:10.0.0.5:51234</c>.</summary>
    public required string SignallingEndPoint { get; init; }

    /// <summary>The Contact URI of the last REGISTER (used as the Request-URI of requests to the device).</summary>
    public string ContactUri { get; init; } = string.Empty;

    /// <summary>The InstanceId of the gateway that holds the registration.</summary>
    public string Instance { get; init; } = string.Empty;

    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Registration expiry: after this the device is offline unless it refreshes.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? LastKeepaliveAt { get; init; }

    /// <summary>Registered, not expired, and keepalives within the timeout.</summary>
    public bool Online { get; init; }

    /// <summary>From DeviceInfo (null until the device answered).</summary>
    public string? Name { get; init; }

    public string? Manufacturer { get; init; }

    public string? Model { get; init; }

    public string? Firmware { get; init; }

    /// <summary>The character set the device's XML declares (GB2312, GB18030, UTF-8), null until seen.</summary>
    public string? CharacterSet { get; init; }

    /// <summary>The User-Agent header of the last REGISTER.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Channels in the last complete catalog.</summary>
    public int ChannelCount { get; init; }

    public DateTimeOffset? CatalogUpdatedAt { get; init; }
}

/// <summary>Registration state of one superior platform, as shown by the API and kept across restarts.</summary>
public sealed record PlatformStateRecord
{
    /// <summary><c>PlatformOptions.Name</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Disabled, Registering, Registered, Lost, Failed.</summary>
    public required string State { get; init; }

    public DateTimeOffset? RegisteredAt { get; init; }

    public DateTimeOffset? LastKeepaliveAt { get; init; }

    /// <summary>Why the last registration or keepalive failed (status line or "timeout"), null when healthy.</summary>
    public string? LastError { get; init; }

    public int SharedChannelCount { get; init; }
}

/// <summary>The identifiers needed to end a dialog with BYE from a process that did not create it.</summary>
public sealed record DialogSnapshot
{
    public required string CallId { get; init; }

    public required string LocalTag { get; init; }

    public required string RemoteTag { get; init; }

    /// <summary>From of requests we send in this dialog (name-addr without tag).</summary>
    public required string LocalUri { get; init; }

    /// <summary>To of requests we send in this dialog (name-addr without tag).</summary>
    public required string RemoteUri { get; init; }

    /// <summary>Request-URI of in-dialog requests (the peer's Contact).</summary>
    public required string RemoteTarget { get; init; }

    /// <summary>Where in-dialog requests go, in <c>SipEndPoint</c> form.</summary>
    public required string Peer { get; init; }

    public IReadOnlyList<string> RouteSet { get; init; } = [];

    public uint LocalCSeq { get; init; }
}

/// <summary>A live media session: an upper dialog with a platform bridged to a lower dialog with a device.</summary>
public sealed record SessionRecord
{
    public required string SessionId { get; init; }

    /// <summary>Play, Playback or Download.</summary>
    public required string Kind { get; init; }

    public required string Platform { get; init; }

    /// <summary>The channel ID the platform asked for (mapped ID when the platform renumbers).</summary>
    public required string UpperChannelId { get; init; }

    public required ChannelRef Channel { get; init; }

    public string Instance { get; init; } = string.Empty;

    public DateTimeOffset StartedAt { get; init; }

    public DialogSnapshot? UpperDialog { get; init; }

    public DialogSnapshot? DeviceDialog { get; init; }

    /// <summary>SSRC in the device leg's SDP (10 digits).</summary>
    public string? DeviceSsrc { get; init; }

    /// <summary>SSRC the platform expects on the packets it receives.</summary>
    public string? PlatformSsrc { get; init; }

    /// <summary>The gateway's receive port for the device's media, e.g. <c>udp 10.0.0.9:30002</c>.</summary>
    public string? DeviceMedia { get; init; }

    /// <summary>Where the platform receives the media, e.g. <c>tcp-passive 10.1.0.2:6000</c>.</summary>
    public string? PlatformMedia { get; init; }
}

/// <summary>A device's last complete catalog.</summary>
public sealed record DeviceCatalog(string DeviceId, IReadOnlyList<CatalogItem> Items);
