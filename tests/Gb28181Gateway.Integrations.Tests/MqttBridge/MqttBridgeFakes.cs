using System.Collections.Concurrent;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>In-test device registry: what the Lower area would know.</summary>
internal sealed class BridgeTestDevices : IDeviceDirectory
{
    private readonly ConcurrentDictionary<string, (DeviceRecord Device, IReadOnlyList<CatalogItem> Channels)> _devices = new();

    public void Add(string deviceId, bool online, params string[] channelIds)
    {
        var device = new DeviceRecord
        {
            DeviceId = deviceId,
            SignallingEndPoint = "udp:10.0.0.5:5060",
            Online = online,
            Name = "Camera " + deviceId[^3..],
            Manufacturer = "Hikvision",
            CharacterSet = "GB2312",
            RegisteredAt = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.FromHours(8)),
            ExpiresAt = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.FromHours(8)),
            ChannelCount = channelIds.Length,
        };
        var channels = channelIds.Select(id => new CatalogItem { DeviceId = id, Name = "Channel " + id[^3..], Status = online ? "ON" : "OFF" }).ToArray();
        _devices[deviceId] = (device, channels);
    }

    public IReadOnlyList<DeviceRecord> GetDevices() => [.. _devices.Values.Select(d => d.Device).OrderBy(d => d.DeviceId, StringComparer.Ordinal)];

    public DeviceRecord? FindDevice(string deviceId) => _devices.TryGetValue(deviceId, out var d) ? d.Device : null;

    public IReadOnlyList<CatalogItem> GetChannels(string deviceId) => _devices.TryGetValue(deviceId, out var d) ? d.Channels : [];

    public IReadOnlyList<ChannelRef> FindChannel(string channelId) =>
        [.. _devices.Values.Where(d => d.Channels.Any(c => c.DeviceId == channelId)).Select(d => new ChannelRef(d.Device.DeviceId, channelId))];
}

/// <summary>In-test device client: records every DeviceControl and fails the way a test tells it to.</summary>
internal sealed class BridgeTestDeviceClient : IDeviceClient
{
    public ConcurrentQueue<(string DeviceId, DeviceControl Control)> Controls { get; } = new();

    /// <summary>When set, every request throws it.</summary>
    public DeviceRequestException? Failure { get; set; }

    /// <summary>When set, DeviceControl requests wait for it (a slow device).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<ManscdpResult?> SendControlAsync(string deviceId, DeviceControl control, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        Controls.Enqueue((deviceId, control));
        return ControlAnswer;
    }

    /// <summary>What DeviceControl answers (null: a PTZ command, accepted with 200 and no Result).</summary>
    public ManscdpResult? ControlAnswer { get; set; }

    public ConcurrentQueue<(string DeviceId, RecordInfoQuery Query)> RecordQueries { get; } = new();

    public Task<RecordInfoResponse> QueryRecordInfoAsync(string deviceId, RecordInfoQuery query, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        RecordQueries.Enqueue((deviceId, query));
        return Task.FromResult(new RecordInfoResponse
        {
            Sn = 1,
            DeviceId = query.DeviceId,
            Name = "Gate",
            SumNum = 2,
            Items =
            [
                new RecordItem { DeviceId = query.DeviceId, Name = "Gate", StartTime = "2024-05-01T08:00:00", EndTime = "2024-05-01T08:30:00", Type = "time" },
                new RecordItem { DeviceId = query.DeviceId, Name = "Gate", StartTime = "2024-05-01T08:30:00", EndTime = "2024-05-01T09:00:00", Type = "alarm", FileSize = "1048576" },
            ],
        });
    }

    public Task<DeviceInfoResponse> QueryDeviceInfoAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        return Task.FromResult(new DeviceInfoResponse { Sn = 1, DeviceId = deviceId, Result = "OK", DeviceName = "大门", Manufacturer = "Hikvision", Model = "DS-2CD", Firmware = "V5.5", Channel = 1 });
    }

    public Task<IReadOnlyList<CatalogItem>> QueryCatalogAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<CatalogItem>>([new CatalogItem { DeviceId = "34020000001310000001", Name = "Gate", Status = "ON" }]);
    }

    public Task<DeviceStatusResponse> QueryDeviceStatusAsync(string deviceId, string targetId, CancellationToken cancellationToken = default) => throw NotUsed();

    public Task<PresetQueryResponse> QueryPresetsAsync(string deviceId, string channelId, CancellationToken cancellationToken = default) => throw NotUsed();

    public Task<ConfigDownloadResponse> QueryConfigAsync(string deviceId, ConfigDownloadQuery query, CancellationToken cancellationToken = default) => throw NotUsed();

    public Task<ManscdpResult> SendConfigAsync(string deviceId, DeviceConfig config, CancellationToken cancellationToken = default) => throw NotUsed();

    public Task SubscribeAlarmsAsync(string deviceId, TimeSpan duration, CancellationToken cancellationToken = default) => throw NotUsed();

    public Task SubscribeMobilePositionAsync(string deviceId, TimeSpan interval, TimeSpan duration, CancellationToken cancellationToken = default) => throw NotUsed();

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }

    private static NotSupportedException NotUsed() => new("not used by these tests");
}

/// <summary>In-test stream service and session directory: what the Bridge area would do, without SIP.</summary>
internal sealed class BridgeTestStreams : IStreamService, ISessionDirectory
{
    private readonly ConcurrentDictionary<string, SessionRecord> _sessions = new();
    private int _next;

    public ConcurrentQueue<StreamRequest> Started { get; } = new();

    public ConcurrentQueue<(string SessionId, string Reason)> Stopped { get; } = new();

    public Task<SessionRecord> StartAsync(StreamRequest request, CancellationToken cancellationToken = default)
    {
        // As the media bridge does: the RTP target must be an IP address.
        if (!System.Net.IPAddress.TryParse(request.TargetHost, out _))
        {
            throw new ArgumentException($"target {request.TargetHost}:{request.TargetPort} is not an IP address and port", nameof(request));
        }

        Started.Enqueue(request);
        var id = "mqtt-" + Interlocked.Increment(ref _next);
        var session = new SessionRecord
        {
            SessionId = id,
            Kind = request.Kind,
            Platform = "mqtt",
            UpperChannelId = request.ChannelId,
            Channel = new ChannelRef(request.DeviceId, request.ChannelId),
            PlatformSsrc = request.Ssrc ?? "0100000001",
            DeviceSsrc = "0100000777",
            DeviceMedia = "udp 127.0.0.1:30002",
            PlatformMedia = $"{request.Transport} {request.TargetHost}:{request.TargetPort}",
        };
        _sessions[id] = session;
        return Task.FromResult(session);
    }

    public Task ControlPlaybackAsync(string sessionId, string action, double? scale = null, double? seekSeconds = null, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IReadOnlyList<SessionRecord> GetSessions() => [.. _sessions.Values];

    public Task<bool> StopAsync(string sessionId, string reason, CancellationToken cancellationToken = default)
    {
        if (!_sessions.TryRemove(sessionId, out _))
        {
            return Task.FromResult(false);
        }

        Stopped.Enqueue((sessionId, reason));
        return Task.FromResult(true);
    }
}

internal sealed class BridgeTestPlatforms : IPlatformDirectory
{
    public IReadOnlyList<PlatformView> GetPlatforms() =>
    [
        new PlatformView(
            new PlatformOptions { Name = "province", ServerId = "41010500002000000001", ServerDomain = "4101050000", Host = "10.0.0.1", DeviceId = "34020000002000000002" },
            new PlatformStateRecord { Name = "province", State = "Registered", SharedChannelCount = 2 }),
    ];
}
