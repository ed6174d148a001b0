using Gb28181Gateway.Cascade.Views;

namespace Gb28181Gateway.Integrations.MqttBridge;

// The "result" documents of the control methods (see README.md in this folder); devices, channels, platforms and
// sessions are the shared Cascade.Views, the same documents the HTTP API returns.

/// <summary>ptz.control / preset.control: the PTZCmd sent, and the device's Result when it sent one.</summary>
internal sealed record PtzResultView(string DeviceId, string ChannelId, string PtzCmd, string? Result);

internal sealed record StreamStartedView(string SessionId, string Ssrc, string Kind, string DeviceId, string ChannelId, string? DeviceMedia, string? PlatformMedia);

internal sealed record StoppedView(string SessionId, bool Stopped);

internal sealed record PlaybackControlView(string SessionId, string Action);

internal sealed record DeviceInfoView(string DeviceId, string? Result, string? DeviceName, string? DeviceType, string? Manufacturer, string? Model, string? Firmware, int? Channel);

internal sealed record DeviceStatusView(string DeviceId, string? Result, string? Online, string? Status, string? Reason, string? Encode, string? Record, string? DeviceTime);

internal sealed record PresetView(string PresetId, string PresetName);

internal sealed record PresetListView(string DeviceId, IReadOnlyList<PresetView> Presets);

internal sealed record CatalogView(string DeviceId, IReadOnlyList<ChannelSummary> Channels);

internal sealed record ConfigView(
    string DeviceId,
    string? Result,
    string? Name,
    string? SipServerId,
    string? SipServerIp,
    int? SipServerPort,
    string? DomainName,
    int? Expiration,
    int? HeartBeatInterval,
    int? HeartBeatCount);

internal sealed record RecordView(
    string DeviceId,
    string? Name,
    string? FilePath,
    string? Address,
    string? StartTime,
    string? EndTime,
    string? Secrecy,
    string? Type,
    string? RecorderId,
    string? FileSize);

internal sealed record RecordListView(string DeviceId, string ChannelId, string? Name, int? SumNum, IReadOnlyList<RecordView> Records);

internal sealed record ControlErrorView(int Code, string Message);
