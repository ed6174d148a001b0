using Gb28181Gateway.Cascade.State;

namespace Gb28181Gateway.Cascade.Tests.State;

public sealed class InMemoryStateStoreTests
{
    private static readonly ChannelRef CameraA = new("34020000001320000001", "34020000001310000001");
    private static readonly ChannelRef CameraB = new("34020000001320000002", "34020000001310000001");

    [Fact]
    public async Task An_upper_id_is_assigned_once_and_never_changes()
    {
        var store = new InMemoryStateStore();

        Assert.Equal("41010500001310000001", await store.AssignUpperIdAsync("province", CameraA, "41010500001310000001"));
        Assert.Equal("41010500001310000001", await store.AssignUpperIdAsync("province", CameraA, "41010500001310000099"));

        var map = await store.LoadIdMapAsync("province");
        Assert.Equal("41010500001310000001", Assert.Single(map).Value);
    }

    [Fact]
    public async Task A_taken_candidate_is_refused_for_another_channel_and_platforms_are_independent()
    {
        var store = new InMemoryStateStore();
        await store.AssignUpperIdAsync("province", CameraA, "41010500001310000001");

        Assert.Null(await store.AssignUpperIdAsync("province", CameraB, "41010500001310000001"));
        Assert.Equal("41010500001310000001", await store.AssignUpperIdAsync("city", CameraB, "41010500001310000001"));
    }

    [Fact]
    public async Task Concurrent_assignments_of_one_candidate_have_exactly_one_winner()
    {
        var store = new InMemoryStateStore();
        var channels = Enumerable.Range(0, 64).Select(i => new ChannelRef("3402000000132000" + i.ToString("D4"), "34020000001310000001")).ToArray();

        var results = await Task.WhenAll(channels.Select(c => Task.Run(async () => await store.AssignUpperIdAsync("province", c, "41010500001310000007"))));

        Assert.Single(results, r => r is not null);
        Assert.Single(await store.LoadIdMapAsync("province"));
    }

    [Fact]
    public async Task Deleting_a_device_removes_its_catalog()
    {
        var store = new InMemoryStateStore();
        await store.SaveDeviceAsync(new DeviceRecord { DeviceId = CameraA.DeviceId, SignallingEndPoint = "udp:127.0.0.1:5060" });
        await store.SaveCatalogAsync(new DeviceCatalog(CameraA.DeviceId, [new() { DeviceId = CameraA.ChannelId, Name = "大门" }]));

        await store.DeleteDeviceAsync(CameraA.DeviceId);

        Assert.Empty(await store.LoadDevicesAsync());
        Assert.Empty((await store.LoadCatalogAsync(CameraA.DeviceId)).Items);
    }
}
