using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Upper;

public sealed class PlatformCatalogProjectionTests
{
    private readonly FakeDeviceDirectory _devices = new();
    private readonly InMemoryStateStore _store = new();

    [Fact]
    public async Task Renumbered_ids_survive_a_rebuild_from_the_store_and_never_collide()
    {
        var options = Platform("Renumber");
        var first = await BuildAsync(options);
        _devices.Add("34020000001180000010", [new CatalogItem { DeviceId = "34020000001320000077", Name = "late" }]); // a new device after a restart

        var second = await BuildAsync(options);

        Assert.Equal(3, first.Count);
        Assert.All(first, i => Assert.Equal("4101050000", new string(i.DeviceId.AsSpan(0, 10))));
        Assert.Equal(first.Count, first.Select(i => i.DeviceId).Distinct().Count());
        Assert.Equal(first.Select(i => i.DeviceId), second.Where(i => i.Name != "late").Select(i => i.DeviceId));
        var late = second.Single(i => i.Name == "late");
        Assert.DoesNotContain(late.DeviceId, first.Select(i => i.DeviceId));
        Assert.Equal(132, DeviceId.Parse(late.DeviceId).TypeCode); // the channel's own type code
        Assert.Equal(134, DeviceId.Parse(first.Single(i => i.Model == "AlarmIn").DeviceId).TypeCode);
    }

    [Fact]
    public async Task Keep_mode_keeps_ids_and_renumbers_only_the_second_device_with_the_same_channel_id()
    {
        var options = Platform("Keep");
        using var projection = new PlatformCatalogProjection(options, _devices, _store, NullLogger.Instance);
        await projection.LoadAsync(CancellationToken.None);

        var hik = await projection.MapAsync(new ChannelRef(FakeDeviceDirectory.Hikvision, FakeDeviceDirectory.CameraId), CancellationToken.None);
        var dahua = await projection.MapAsync(new ChannelRef(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), CancellationToken.None);

        Assert.Equal(FakeDeviceDirectory.CameraId, hik);
        Assert.NotEqual(hik, dahua);
        Assert.StartsWith("4101050000131", dahua, StringComparison.Ordinal);
        Assert.True(projection.TryMapDown(dahua, out var down));
        Assert.Equal(new ChannelRef(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), down);

        // the other order after a restart changes nothing: the store remembers who had the ID first
        var rebuilt = await BuildAsync(options);
        Assert.Contains(rebuilt, i => i.DeviceId == dahua && i.Manufacturer == "Dahua");
        Assert.Contains(rebuilt, i => i.DeviceId == hik && i.Manufacturer == "Hikvision");
    }

    [Fact]
    public async Task Share_selects_by_device_or_channel_id_and_unshared_channels_do_not_map()
    {
        var options = Platform("Keep");
        options.Catalog.Share = [FakeDeviceDirectory.Hikvision];
        using var projection = new PlatformCatalogProjection(options, _devices, _store, NullLogger.Instance);
        await projection.LoadAsync(CancellationToken.None);

        var items = await projection.BuildAsync(CancellationToken.None);

        Assert.Equal([FakeDeviceDirectory.CameraId, FakeDeviceDirectory.AlarmInputId], items.Select(i => i.DeviceId));
        Assert.False(projection.TryMapUp(new ChannelRef(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), out _));
        Assert.Equal(2, projection.SharedCount);

        options.Catalog.Share = [FakeDeviceDirectory.AlarmInputId];
        using var byChannel = new PlatformCatalogProjection(options, _devices, _store, NullLogger.Instance);
        Assert.Equal([FakeDeviceDirectory.AlarmInputId], (await byChannel.BuildAsync(CancellationToken.None)).Select(i => i.DeviceId));
    }

    [Fact]
    public async Task Projection_sets_parent_civil_code_and_business_group_and_strips_secrets()
    {
        var options = Platform("Keep");
        options.Catalog.CivilCode = "410105";
        options.Catalog.BusinessGroupId = "41010500002150000001";
        _devices.Add(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.LoadCatalog("000-dahua-response-catalog.xml")
            .Select(i => i with { Password = "secret", IpAddress = "10.0.0.5", Port = "5060" })
            .Append(new CatalogItem { DeviceId = "34020000002150000001", Name = "group" }) // business groups and virtual organisations are not channels
            .Append(new CatalogItem { DeviceId = FakeDeviceDirectory.Dahua, Name = "the device itself" }));

        var items = await BuildAsync(options);

        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal(("34020000002000000002", "410105", "41010500002150000001"), (i.ParentId!, i.CivilCode!, i.BusinessGroupId!)));
        var dahua = Assert.Single(items, i => i.Manufacturer == "Dahua");
        Assert.Equal((null, null, null), (dahua.Password, dahua.IpAddress, dahua.Port));
        Assert.Equal("DH-SD-6C3230UE-HN", dahua.Model);
        Assert.NotEmpty(dahua.Extensions); // vendor elements (StreamNum) still go up
    }

    private async Task<IReadOnlyList<CatalogItem>> BuildAsync(PlatformOptions options)
    {
        using var projection = new PlatformCatalogProjection(options, _devices, _store, NullLogger.Instance);
        await projection.LoadAsync(CancellationToken.None);
        return await projection.BuildAsync(CancellationToken.None);
    }

    private static PlatformOptions Platform(string idMode) => new()
    {
        Name = "province", ServerId = "41010500002000000001", ServerDomain = "4101050000", DeviceId = "34020000002000000002",
        Catalog = new CatalogShareOptions { IdMode = idMode },
    };
}
