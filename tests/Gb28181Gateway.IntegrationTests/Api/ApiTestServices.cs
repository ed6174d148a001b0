using System.Collections.Concurrent;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.IntegrationTests.Api;

/// <summary>In-test device registry for the API: two devices, one with two channels.</summary>
internal sealed class ApiTestDevices : IDeviceDirectory
{
    public const string Camera = "34020000001320000001";
    public const string Nvr = "34020000001180000001";

    private static readonly DeviceRecord[] Devices =
    [
        new()
        {
            DeviceId = Nvr, SignallingEndPoint = "tcp:10.0.0.6:51234", Online = true, Name = "NVR 大门", Manufacturer = "Dahua", ChannelCount = 2,
            RegisteredAt = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero), ExpiresAt = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero),
            LastKeepaliveAt = new DateTimeOffset(2024, 5, 1, 8, 30, 0, TimeSpan.Zero),
        },
        new()
        {
            DeviceId = Camera, SignallingEndPoint = "udp:10.0.0.5:5060", Online = false, Manufacturer = "Hikvision",
            RegisteredAt = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero), ExpiresAt = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero),
        },
    ];

    private static readonly CatalogItem[] NvrChannels =
    [
        new() { DeviceId = "34020000001310000001", Name = "大门", Status = "ON", ParentId = Nvr },
        new() { DeviceId = "34020000001310000002", Name = "后门", Status = "OFF", ParentId = Nvr },
    ];

    public IReadOnlyList<DeviceRecord> GetDevices() => [.. Devices.OrderBy(d => d.DeviceId, StringComparer.Ordinal)];

    public DeviceRecord? FindDevice(string deviceId) => Devices.FirstOrDefault(d => d.DeviceId == deviceId);

    public IReadOnlyList<CatalogItem> GetChannels(string deviceId) => deviceId == Nvr ? NvrChannels : [];

    public IReadOnlyList<ChannelRef> FindChannel(string channelId) =>
        NvrChannels.Any(c => c.DeviceId == channelId) ? [new ChannelRef(Nvr, channelId)] : [];
}

internal sealed class ApiTestPlatforms : IPlatformDirectory
{
    public IReadOnlyList<PlatformView> GetPlatforms() =>
    [
        new PlatformView(
            new PlatformOptions { Name = "province", ServerId = "41010500002000000001", ServerDomain = "4101050000", Host = "10.1.0.1", DeviceId = "34020000002000000002", Password = "secret-password" },
            new PlatformStateRecord
            {
                Name = "province", State = "Registered", SharedChannelCount = 2,
                RegisteredAt = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero), LastKeepaliveAt = new DateTimeOffset(2024, 5, 1, 8, 31, 0, TimeSpan.Zero),
            }),
        new PlatformView(
            new PlatformOptions { Name = "city", ServerId = "41010600002000000001", Host = "10.1.0.2", DeviceId = "34020000002000000003" },
            new PlatformStateRecord { Name = "city", State = "Lost", LastError = "408 timeout" }),
    ];
}

/// <summary>In-test session directory: records every stop.</summary>
internal sealed class ApiTestSessions : ISessionDirectory
{
    private readonly ConcurrentDictionary<string, SessionRecord> _sessions = new();

    public ApiTestSessions()
    {
        _sessions["s-1"] = new SessionRecord
        {
            SessionId = "s-1", Kind = "Play", Platform = "province", UpperChannelId = "34020000001310000001",
            Channel = new ChannelRef(ApiTestDevices.Nvr, "34020000001310000001"), PlatformSsrc = "0100000001", DeviceSsrc = "0100000002",
            StartedAt = new DateTimeOffset(2024, 5, 1, 8, 10, 0, TimeSpan.Zero),
        };
    }

    public ConcurrentQueue<(string SessionId, string Reason)> Stops { get; } = new();

    public IReadOnlyList<SessionRecord> GetSessions() => [.. _sessions.Values];

    public Task<bool> StopAsync(string sessionId, string reason, CancellationToken cancellationToken = default)
    {
        Stops.Enqueue((sessionId, reason));
        return Task.FromResult(_sessions.TryRemove(sessionId, out _));
    }
}
