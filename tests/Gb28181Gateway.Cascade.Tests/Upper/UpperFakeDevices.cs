using System.Collections.Concurrent;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>The devices below as the upper domain reads them, built from the seed catalogs in tests/vectors/manscdp.</summary>
internal sealed class FakeDeviceDirectory : IDeviceDirectory
{
    /// <summary>A Dahua IPC (seed 000) whose one channel has the same ID as the Hikvision NVR's first channel.</summary>
    public const string Dahua = "34020000001320000002";

    /// <summary>A Hikvision NVR (seed 001): a camera and an alarm input.</summary>
    public const string Hikvision = "34020000001180000009";

    public const string CameraId = "34020000001310000001";
    public const string AlarmInputId = "34020000001340000001";

    private readonly ConcurrentDictionary<string, IReadOnlyList<CatalogItem>> _channels = new(StringComparer.Ordinal);

    public FakeDeviceDirectory()
    {
        Add(Dahua, LoadCatalog("000-dahua-response-catalog.xml").Select(i => i with { Password = "12345678", IpAddress = "10.0.0.5", Port = "5060" }));
        Add(Hikvision, LoadCatalog("001-hikvision-response-catalog.xml"));
    }

    public static IReadOnlyList<CatalogItem> LoadCatalog(string file) =>
        ((CatalogResponse)ManscdpCodec.Parse(File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "manscdp", file)))).Items;

    public void Add(string deviceId, IEnumerable<CatalogItem> items) => _channels[deviceId] = [.. items];

    public IReadOnlyList<DeviceRecord> GetDevices() =>
        [.. _channels.Keys.Order(StringComparer.Ordinal).Select(id => new DeviceRecord { DeviceId = id, SignallingEndPoint = "udp:127.0.0.1:5060", Online = true })];

    public DeviceRecord? FindDevice(string deviceId) => GetDevices().FirstOrDefault(d => d.DeviceId == deviceId);

    public IReadOnlyList<CatalogItem> GetChannels(string deviceId) => _channels.TryGetValue(deviceId, out var items) ? items : [];

    public IReadOnlyList<ChannelRef> FindChannel(string channelId) =>
        [.. _channels.Where(p => p.Value.Any(i => i.DeviceId == channelId)).Select(p => new ChannelRef(p.Key, channelId))];
}

/// <summary>A device client that answers from the seed vectors and records what it was asked.</summary>
internal sealed class FakeDeviceClient : IDeviceClient
{
    public ConcurrentQueue<(string DeviceId, ManscdpMessage Request)> Requests { get; } = new();

    /// <summary>When set, every query fails with this error (after being recorded), as the real client reports a device that failed.</summary>
    public DeviceRequestError? QueryFailure { get; set; }

    /// <summary>When set, every query throws this (a fault of the gateway's own, not a device error).</summary>
    public Exception? QueryFault { get; set; }

    private void FailIfAsked(string deviceId)
    {
        if (QueryFault is { } fault)
        {
            throw fault;
        }

        if (QueryFailure is { } error)
        {
            throw new DeviceRequestException(deviceId, error, $"the device {error} (test)", error == DeviceRequestError.Rejected ? 500 : 0);
        }
    }

    public Task<IReadOnlyList<CatalogItem>> QueryCatalogAsync(string deviceId, CancellationToken cancellationToken = default) =>
        throw new DeviceRequestException(deviceId, DeviceRequestError.Offline, "not used by the upper domain");

    public Task<DeviceInfoResponse> QueryDeviceInfoAsync(string deviceId, CancellationToken cancellationToken = default) =>
        throw new DeviceRequestException(deviceId, DeviceRequestError.Offline, "not used by the upper domain");

    public Task<DeviceStatusResponse> QueryDeviceStatusAsync(string deviceId, string targetId, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue((deviceId, new DeviceStatusQuery { Sn = 1, DeviceId = targetId }));
        FailIfAsked(deviceId);
        return Task.FromResult(new DeviceStatusResponse { Sn = 99, DeviceId = targetId, Result = "OK", Online = "ONLINE", Status = "OK" });
    }

    public Task<RecordInfoResponse> QueryRecordInfoAsync(string deviceId, RecordInfoQuery query, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue((deviceId, query));
        FailIfAsked(deviceId);
        var seed = (RecordInfoResponse)ManscdpCodec.Parse(File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "manscdp", "000-hikvision-nvr-response-recordinfo.xml")));
        return Task.FromResult(seed with { Sn = 4242, DeviceId = query.DeviceId, Items = [.. seed.Items.Select(i => i with { DeviceId = query.DeviceId })] });
    }

    public Task<PresetQueryResponse> QueryPresetsAsync(string deviceId, string channelId, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue((deviceId, new PresetQuery { Sn = 1, DeviceId = channelId }));
        FailIfAsked(deviceId);
        return Task.FromResult(new PresetQueryResponse { Sn = 77, DeviceId = channelId, Items = [new PresetItem("1", "gate")] });
    }

    public Task<ConfigDownloadResponse> QueryConfigAsync(string deviceId, ConfigDownloadQuery query, CancellationToken cancellationToken = default) =>
        throw new DeviceRequestException(deviceId, DeviceRequestError.Timeout, "no answer");

    public Task<ManscdpResult?> SendControlAsync(string deviceId, DeviceControl control, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue((deviceId, control));
        return Task.FromResult<ManscdpResult?>(null);
    }

    public Task<ManscdpResult> SendConfigAsync(string deviceId, DeviceConfig config, CancellationToken cancellationToken = default) =>
        throw new DeviceRequestException(deviceId, DeviceRequestError.Timeout, "no answer");

    public Task SubscribeAlarmsAsync(string deviceId, TimeSpan duration, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SubscribeMobilePositionAsync(string deviceId, TimeSpan interval, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>Every hold (true) and release (false) of a device subscription, in order.</summary>
    public ConcurrentQueue<(bool Hold, string DeviceId, SubscriptionPackage Package, string Holder, TimeSpan? Interval)> Holds { get; } = new();

    public Task HoldSubscriptionAsync(string deviceId, SubscriptionPackage package, string holder, TimeSpan? interval = null,
        CancellationToken cancellationToken = default)
    {
        Holds.Enqueue((true, deviceId, package, holder, interval));
        return Task.CompletedTask;
    }

    public Task<bool> ReleaseSubscriptionAsync(string deviceId, SubscriptionPackage package, string holder, CancellationToken cancellationToken = default)
    {
        Holds.Enqueue((false, deviceId, package, holder, null));
        return Task.FromResult(true);
    }
}
