namespace Gb28181Gateway.Integrations.MqttBridge;

// The JSON documents published on events/*. Property order is the order on the wire; null members are omitted.
// Times are ISO 8601: "timestamp" (when the gateway saw the event) with offset, device-reported times
// ("time" of an alarm) as the device's local time without offset, since GB28181 devices send no zone.

/// <summary>events/alarm: one Notify Alarm from a device.</summary>
internal sealed record AlarmEventPayload(
    string DeviceId,
    string ChannelId,
    int? Priority,
    int? Method,
    int? Type,
    string? Time,
    string? Description,
    double? Longitude,
    double? Latitude,
    DateTimeOffset Timestamp);

/// <summary>
/// events/position: one position of a MobilePosition report (a 2016 report has one, a 2022 list one per item);
/// channelId is the position's own DeviceID (a channel, or the device itself).
/// </summary>
internal sealed record PositionEventPayload(
    string DeviceId,
    string ChannelId,
    string? Time,
    double? Longitude,
    double? Latitude,
    double? Speed,
    double? Direction,
    double? Altitude,
    double? Height,
    DateTimeOffset Timestamp);

/// <summary>events/device with event "online".</summary>
internal sealed record DeviceOnlinePayload(string Event, string DeviceId, string Endpoint, DateTimeOffset Timestamp);

/// <summary>events/device with event "offline"; reason unregistered, registrationExpired or keepaliveTimeout.</summary>
internal sealed record DeviceOfflinePayload(string Event, string DeviceId, string Reason, DateTimeOffset Timestamp);

/// <summary>events/device with event "catalog": the channels that changed and how.</summary>
internal sealed record CatalogChangedPayload(string Event, string DeviceId, IReadOnlyList<ChannelChangePayload> Channels, DateTimeOffset Timestamp);

/// <summary>One changed channel; change is the catalog event (ON, OFF, VLOST, DEFECT, ADD, DEL, UPDATE).</summary>
internal sealed record ChannelChangePayload(string ChannelId, string? Change, string? Name, string? Status);

/// <summary>events/platform with event "registered" or "lost" (with the reason).</summary>
internal sealed record PlatformEventPayload(string Event, string Platform, string? Reason, DateTimeOffset Timestamp);

/// <summary>events/session with event "started" (full details) or "stopped" (with the reason).</summary>
internal sealed record SessionEventPayload(
    string Event,
    string SessionId,
    string DeviceId,
    string ChannelId,
    string? Kind,
    string? Platform,
    string? UpperChannelId,
    string? DeviceSsrc,
    string? PlatformSsrc,
    string? DeviceMedia,
    string? PlatformMedia,
    string? Reason,
    DateTimeOffset Timestamp);
