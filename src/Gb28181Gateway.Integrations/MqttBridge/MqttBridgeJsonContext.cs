using System.Text.Json.Serialization;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>Source-generated JSON for every document the bridge writes: camelCase, nulls omitted, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlarmEventPayload))]
[JsonSerializable(typeof(DeviceOnlinePayload))]
[JsonSerializable(typeof(DeviceOfflinePayload))]
[JsonSerializable(typeof(CatalogChangedPayload))]
[JsonSerializable(typeof(PlatformEventPayload))]
[JsonSerializable(typeof(SessionEventPayload))]
[JsonSerializable(typeof(IReadOnlyList<DeviceView>))]
[JsonSerializable(typeof(IReadOnlyList<ChannelView>))]
[JsonSerializable(typeof(IReadOnlyList<PlatformView>))]
[JsonSerializable(typeof(IReadOnlyList<SessionView>))]
[JsonSerializable(typeof(PtzResultView))]
[JsonSerializable(typeof(StreamStartedView))]
[JsonSerializable(typeof(StoppedView))]
[JsonSerializable(typeof(PlaybackControlView))]
[JsonSerializable(typeof(DeviceInfoView))]
[JsonSerializable(typeof(DeviceStatusView))]
[JsonSerializable(typeof(PresetListView))]
[JsonSerializable(typeof(CatalogView))]
[JsonSerializable(typeof(ConfigView))]
[JsonSerializable(typeof(RecordListView))]
[JsonSerializable(typeof(ControlErrorView))]
internal sealed partial class MqttBridgeJsonContext : JsonSerializerContext
{
}
