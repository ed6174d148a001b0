using System.Globalization;
using System.Text.Json;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>
/// Turns a <see cref="GatewayEvent"/> into the topic and JSON payload the bridge publishes (null: not published);
/// a MobilePosition report becomes one message per position (<see cref="EncodePositions"/>).
/// </summary>
internal sealed class MqttEventEncoder
{
    private readonly MqttBridgeTopics _topics;

    public MqttEventEncoder(MqttBridgeTopics topics)
    {
        _topics = topics;
    }

    public (string Topic, byte[] Payload)? Encode(GatewayEvent gatewayEvent) => gatewayEvent switch
    {
        DeviceAlarmEvent e => (_topics.Alarm, Serialize(Alarm(e), MqttBridgeJsonContext.Wire.AlarmEventPayload)),
        DeviceOnlineEvent e => (_topics.Device, Serialize(new DeviceOnlinePayload("online", e.DeviceId, e.SignallingEndPoint, e.Timestamp), MqttBridgeJsonContext.Wire.DeviceOnlinePayload)),
        DeviceOfflineEvent e => (_topics.Device, Serialize(new DeviceOfflinePayload("offline", e.DeviceId, OfflineReason(e.Reason), e.Timestamp), MqttBridgeJsonContext.Wire.DeviceOfflinePayload)),
        ChannelsChangedEvent e => (_topics.Device, Serialize(Catalog(e), MqttBridgeJsonContext.Wire.CatalogChangedPayload)),
        PlatformRegisteredEvent e => (_topics.Platform, Serialize(new PlatformEventPayload("registered", e.Platform, null, e.Timestamp), MqttBridgeJsonContext.Wire.PlatformEventPayload)),
        PlatformLostEvent e => (_topics.Platform, Serialize(new PlatformEventPayload("lost", e.Platform, e.Reason, e.Timestamp), MqttBridgeJsonContext.Wire.PlatformEventPayload)),
        SessionStartedEvent e => (_topics.Session, Serialize(SessionStarted(e), MqttBridgeJsonContext.Wire.SessionEventPayload)),
        SessionStoppedEvent e => (_topics.Session, Serialize(SessionStopped(e), MqttBridgeJsonContext.Wire.SessionEventPayload)),
        _ => null,
    };

    /// <summary>events/position: one message per position of the report, in the report's order.</summary>
    public IEnumerable<(string Topic, byte[] Payload)> EncodePositions(MobilePositionEvent e)
    {
        foreach (var position in e.Position.Positions)
        {
            var channelId = string.IsNullOrEmpty(position.DeviceId) ? e.DeviceId : position.DeviceId;
            var payload = new PositionEventPayload(
                e.DeviceId, channelId, LocalTime(position.Time), position.Longitude, position.Latitude, position.Speed, position.Direction,
                position.Altitude, position.Height, e.Timestamp);
            yield return (_topics.Position, Serialize(payload, MqttBridgeJsonContext.Wire.PositionEventPayload));
        }
    }

    /// <summary>A device-reported local time as ISO 8601 without offset (GB28181 times carry no zone).</summary>
    public static string? LocalTime(DateTime? time) =>
        time?.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static byte[] Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    private static AlarmEventPayload Alarm(DeviceAlarmEvent e)
    {
        var alarm = e.Alarm;
        // The alarm's own DeviceID names the source (a channel, or the device itself).
        var channelId = string.IsNullOrEmpty(alarm.DeviceId) ? e.DeviceId : alarm.DeviceId;
        return new AlarmEventPayload(
            e.DeviceId,
            channelId,
            alarm.AlarmPriority,
            alarm.AlarmMethod,
            alarm.Info?.AlarmType,
            LocalTime(alarm.AlarmTime),
            alarm.AlarmDescription,
            alarm.Longitude,
            alarm.Latitude,
            e.Timestamp);
    }

    private static CatalogChangedPayload Catalog(ChannelsChangedEvent e)
    {
        var channels = new ChannelChangePayload[e.Changes.Count];
        for (var i = 0; i < channels.Length; i++)
        {
            var item = e.Changes[i];
            channels[i] = new ChannelChangePayload(item.DeviceId, ChangeName(item), item.Name, item.Status);
        }

        return new CatalogChangedPayload("catalog", e.DeviceId, channels, e.Timestamp);
    }

    private static string? ChangeName(CatalogItem item) => item.EventKind switch
    {
        CatalogEvent.On => "ON",
        CatalogEvent.Off => "OFF",
        CatalogEvent.VideoLost => "VLOST",
        CatalogEvent.Defect => "DEFECT",
        CatalogEvent.Add => "ADD",
        CatalogEvent.Delete => "DEL",
        CatalogEvent.Update => "UPDATE",
        _ => item.Event,
    };

    private static string OfflineReason(DeviceOfflineReason reason) => reason switch
    {
        DeviceOfflineReason.Unregistered => "unregistered",
        DeviceOfflineReason.RegistrationExpired => "registrationExpired",
        DeviceOfflineReason.KeepaliveTimeout => "keepaliveTimeout",
        _ => reason.ToString(),
    };

    private static SessionEventPayload SessionStarted(SessionStartedEvent e)
    {
        var s = e.Session;
        return new SessionEventPayload(
            "started", s.SessionId, s.Channel.DeviceId, s.Channel.ChannelId, s.Kind, s.Platform, s.UpperChannelId,
            s.DeviceSsrc, s.PlatformSsrc, s.DeviceMedia, s.PlatformMedia, null, e.Timestamp);
    }

    private static SessionEventPayload SessionStopped(SessionStoppedEvent e) => new(
        "stopped", e.SessionId, e.Channel.DeviceId, e.Channel.ChannelId, null, null, null, null, null, null, null, e.Reason, e.Timestamp);
}
