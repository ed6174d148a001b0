using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gb28181Gateway.Cascade.Views;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>Source-generated JSON for every document the bridge writes: camelCase, nulls omitted, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlarmEventPayload))]
[JsonSerializable(typeof(PositionEventPayload))]
[JsonSerializable(typeof(DeviceOnlinePayload))]
[JsonSerializable(typeof(DeviceOfflinePayload))]
[JsonSerializable(typeof(CatalogChangedPayload))]
[JsonSerializable(typeof(PlatformEventPayload))]
[JsonSerializable(typeof(SessionEventPayload))]
[JsonSerializable(typeof(IReadOnlyList<DeviceSummary>))]
[JsonSerializable(typeof(IReadOnlyList<ChannelSummary>))]
[JsonSerializable(typeof(IReadOnlyList<PlatformSummary>))]
[JsonSerializable(typeof(IReadOnlyList<SessionSummary>))]
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
    /// <summary>
    /// Writes non-ASCII text (device and channel names are Chinese) as UTF-8 rather than \uXXXX escapes; the payloads
    /// are not embedded in HTML, so the relaxed encoder is safe here.
    /// </summary>
    public static MqttBridgeJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
