using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Events;

/// <summary>Something that happened in the gateway that other parts (upper domain, MQTT, API) react to.</summary>
public abstract record GatewayEvent
{
    public required DateTimeOffset Timestamp { get; init; }
}

/// <summary>A device registered (or came back after being offline).</summary>
public sealed record DeviceOnlineEvent(string DeviceId, string SignallingEndPoint) : GatewayEvent;

/// <summary>A device unregistered, its registration expired or its keepalives stopped.</summary>
public sealed record DeviceOfflineEvent(string DeviceId, DeviceOfflineReason Reason) : GatewayEvent;

public enum DeviceOfflineReason
{
    Unregistered,
    RegistrationExpired,
    KeepaliveTimeout,
}

/// <summary>
/// Channels of a device changed: a new complete catalog (<see cref="CatalogEvent.Update"/> items for changed
/// ones, <see cref="CatalogEvent.Add"/>/<see cref="CatalogEvent.Delete"/> for new and gone ones) or a catalog
/// NOTIFY from the device (ON/OFF/VLOST/DEFECT/ADD/DEL/UPDATE). <see cref="Changes"/> carries the items with
/// their <see cref="CatalogItem.Event"/> set; a device going offline is reported as OFF for all its channels.
/// </summary>
public sealed record ChannelsChangedEvent(string DeviceId, IReadOnlyList<CatalogItem> Changes) : GatewayEvent;

/// <summary>An alarm from a device (Notify Alarm MESSAGE or NOTIFY).</summary>
public sealed record DeviceAlarmEvent(string DeviceId, AlarmNotify Alarm) : GatewayEvent;

/// <summary>A MobilePosition report from a device.</summary>
public sealed record MobilePositionEvent(string DeviceId, MobilePositionNotify Position) : GatewayEvent;

/// <summary>The gateway registered to a superior platform.</summary>
public sealed record PlatformRegisteredEvent(string Platform) : GatewayEvent;

/// <summary>A superior platform rejected the gateway, stopped answering keepalives or could not be reached.</summary>
public sealed record PlatformLostEvent(string Platform, string Reason) : GatewayEvent;

/// <summary>A media session started (both legs answered).</summary>
public sealed record SessionStartedEvent(SessionRecord Session) : GatewayEvent;

/// <summary>A media session ended; <see cref="Reason"/> says who or what ended it.</summary>
public sealed record SessionStoppedEvent(string SessionId, ChannelRef Channel, string Reason) : GatewayEvent;

/// <summary>A MediaStatus notification from a device (NotifyType 121: the played-back file ended); <see cref="CallId"/> is its INVITE dialog's Call-ID.</summary>
public sealed record MediaStatusEvent(string DeviceId, MediaStatusNotify Notify, string CallId) : GatewayEvent;
