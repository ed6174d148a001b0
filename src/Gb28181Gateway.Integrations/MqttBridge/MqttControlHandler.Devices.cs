using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Views;
using Gb28181Gateway.Protocol.Manscdp;
using static Gb28181Gateway.Integrations.MqttBridge.MqttControlResponse;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>devices.list, channels.list, device.query, records.query.</summary>
internal sealed partial class MqttControlHandler
{
    private static readonly string[] QueryKinds = ["catalog", "info", "status", "config", "presets"];
    private static readonly string[] RecordTypes = ["all", "time", "alarm", "manual"];

    private MqttControlResult ListDevices()
    {
        var devices = Require(_services.Devices, "the device registry").GetDevices();
        return Result<IReadOnlyList<DeviceSummary>>(devices.Select(DeviceSummary.From).ToArray(), MqttBridgeJsonContext.Wire.IReadOnlyListDeviceSummary);
    }

    private MqttControlResult ListChannels(MqttControlParams p)
    {
        var deviceId = p.RequiredId("deviceId");
        var directory = Require(_services.Devices, "the device registry");
        _ = directory.FindDevice(deviceId) ?? throw UnknownDevice(deviceId);
        return Result<IReadOnlyList<ChannelSummary>>(directory.GetChannels(deviceId).Select(ChannelSummary.From).ToArray(), MqttBridgeJsonContext.Wire.IReadOnlyListChannelSummary);
    }

    private async Task<MqttControlResult> QueryDeviceAsync(MqttControlParams p, CancellationToken ct)
    {
        var deviceId = p.RequiredId("deviceId");
        var what = p.RequiredChoice("what", QueryKinds);
        var channelId = p.OptionalId("channelId");
        var client = RequireOnlineDevice(deviceId, channelId);
        var target = channelId ?? deviceId;
        switch (what)
        {
            case "catalog":
                var items = await client.QueryCatalogAsync(deviceId, ct);
                return Result(new CatalogView(deviceId, items.Select(ChannelSummary.From).ToArray()), MqttBridgeJsonContext.Wire.CatalogView);
            case "info":
                var info = await client.QueryDeviceInfoAsync(deviceId, ct);
                return Result(new DeviceInfoView(deviceId, info.Result, info.DeviceName, info.DeviceType, info.Manufacturer, info.Model, info.Firmware, info.Channel), MqttBridgeJsonContext.Wire.DeviceInfoView);
            case "status":
                var status = await client.QueryDeviceStatusAsync(deviceId, target, ct);
                return Result(new DeviceStatusView(target, status.Result, status.Online, status.Status, status.Reason, status.Encode, status.Record, MqttEventEncoder.LocalTime(status.DeviceTime)), MqttBridgeJsonContext.Wire.DeviceStatusView);
            case "presets":
                var presets = await client.QueryPresetsAsync(deviceId, channelId ?? throw MqttControlException.InvalidParams("params.channelId is required for what=presets"), ct);
                return Result(new PresetListView(target, presets.Items.Select(i => new PresetView(i.PresetId, i.PresetName)).ToArray()), MqttBridgeJsonContext.Wire.PresetListView);
            default:
                var config = await client.QueryConfigAsync(deviceId, new ConfigDownloadQuery { Sn = 0, DeviceId = target, ConfigType = "BasicParam" }, ct);
                var b = config.BasicParam;
                return Result(new ConfigView(target, config.Result, b?.Name, b?.SipServerId, b?.SipServerIp, b?.SipServerPort, b?.DomainName, b?.Expiration, b?.HeartBeatInterval, b?.HeartBeatCount), MqttBridgeJsonContext.Wire.ConfigView);
        }
    }

    private async Task<MqttControlResult> QueryRecordsAsync(MqttControlParams p, CancellationToken ct)
    {
        var deviceId = p.RequiredId("deviceId");
        var channelId = p.RequiredId("channelId");
        var start = p.RequiredTime("start");
        var end = p.RequiredTime("end");
        if (end <= start)
        {
            throw MqttControlException.InvalidParams($"params.end ({end:s}) must be after params.start ({start:s})");
        }

        var type = p.OptionalChoice("type", RecordTypes) ?? "all";
        var client = RequireOnlineDevice(deviceId, channelId);
        var query = new RecordInfoQuery { Sn = 0, DeviceId = channelId, StartTime = start, EndTime = end, Type = type, Secrecy = 0 };
        var answer = await client.QueryRecordInfoAsync(deviceId, query, ct);
        var records = answer.Items.Select(r => new RecordView(r.DeviceId, r.Name, r.FilePath, r.Address, r.StartTime, r.EndTime, r.Secrecy, r.Type, r.RecorderId, r.FileSize)).ToArray();
        return Result(new RecordListView(deviceId, channelId, answer.Name, answer.SumNum, records), MqttBridgeJsonContext.Wire.RecordListView);
    }

    /// <summary>
    /// The device client, once the device is known and online and (when the device has reported a catalog)
    /// <paramref name="channelId"/> is one of its channels or the device itself.
    /// </summary>
    private IDeviceClient RequireOnlineDevice(string deviceId, string? channelId)
    {
        var directory = Require(_services.Devices, "the device registry");
        var device = directory.FindDevice(deviceId) ?? throw UnknownDevice(deviceId);
        if (!device.Online)
        {
            throw new MqttControlException(MqttControlError.DeviceOffline, $"device {deviceId} is offline");
        }

        if (channelId is not null && channelId != deviceId)
        {
            var channels = directory.GetChannels(deviceId);
            if (channels.Count > 0 && !channels.Any(c => c.DeviceId == channelId))
            {
                throw new MqttControlException(MqttControlError.UnknownChannel, $"device {deviceId} reports no channel {channelId}");
            }
        }

        return Require(_services.DeviceClient, "the device client");
    }

    private static MqttControlException UnknownDevice(string deviceId) =>
        new(MqttControlError.UnknownDevice, $"no device {deviceId} is registered with this gateway");
}
