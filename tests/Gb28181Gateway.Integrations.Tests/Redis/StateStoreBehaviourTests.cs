using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Integrations.Redis;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>
/// What every <see cref="IStateStore"/> must do, run against each implementation. After each step the test
/// "restarts": a store that persists is flushed, disposed and opened again over
/// the same backend, and the same assertions must hold; the in-memory store keeps its one instance.
/// </summary>
public abstract class StateStoreBehaviourTests : IAsyncLifetime
{
    private const string Dev1 = "34020000001320000001";
    private const string Dev2 = "34020000001320000002";

    protected IStateStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await OpenAsync();

    public async Task DisposeAsync() => await CloseAsync(Store);

    [Fact]
    public async Task Devices_round_trip_and_the_latest_save_wins()
    {
        var first = RedisTest.Device(Dev1);
        var second = RedisTest.Device(Dev2) with { Name = null, Firmware = null, LastKeepaliveAt = null };
        await Store.SaveDeviceAsync(first);
        await Store.SaveDeviceAsync(second);
        var refreshed = first with { Online = false, SignallingEndPoint = "tcp:10.0.0.6:40000", ExpiresAt = first.ExpiresAt.AddMinutes(30) };
        await Store.SaveDeviceAsync(refreshed);

        foreach (var store in await WithRestartAsync())
        {
            var devices = (await store.LoadDevicesAsync()).OrderBy(d => d.DeviceId, StringComparer.Ordinal).ToList();
            Assert.Equal([refreshed, second], devices);
        }
    }

    [Fact]
    public async Task Deleting_a_device_removes_it_and_its_catalog()
    {
        await Store.SaveDeviceAsync(RedisTest.Device(Dev1));
        await Store.SaveCatalogAsync(RedisTest.Catalog(Dev1));
        await Store.SaveDeviceAsync(RedisTest.Device(Dev2));
        await Store.SaveCatalogAsync(RedisTest.Catalog(Dev2));
        await Store.DeleteDeviceAsync(Dev1);

        foreach (var store in await WithRestartAsync())
        {
            Assert.Equal([Dev2], (await store.LoadDevicesAsync()).Select(d => d.DeviceId));
            Assert.Empty((await store.LoadCatalogAsync(Dev1)).Items);
            Assert.Equal(RedisTest.Catalog(Dev2).Items, (await store.LoadCatalogAsync(Dev2)).Items);
        }
    }

    [Fact]
    public async Task Catalog_round_trips_every_field_with_chinese_text_and_vendor_elements()
    {
        await Store.SaveDeviceAsync(RedisTest.Device(Dev1));
        var catalog = RedisTest.Catalog(Dev1);
        await Store.SaveCatalogAsync(catalog);
        var replaced = new DeviceCatalog(Dev1, [catalog.Items[1] with { Name = "新名称" }]);
        await Store.SaveCatalogAsync(replaced);
        await Store.SaveCatalogAsync(catalog);

        foreach (var store in await WithRestartAsync())
        {
            var loaded = await store.LoadCatalogAsync(Dev1);
            Assert.Equal(Dev1, loaded.DeviceId);
            Assert.Equal(catalog.Items, loaded.Items);
            Assert.Equal("2", loaded.Items[0].Extensions[0].Text);
            Assert.Equal("备注", loaded.Items[0].Extensions[1].Child("Remark")?.Text);
        }
    }

    [Fact]
    public async Task Catalog_of_an_unknown_device_is_empty()
    {
        foreach (var store in await WithRestartAsync())
        {
            var loaded = await store.LoadCatalogAsync("34020000001329999999");
            Assert.Equal("34020000001329999999", loaded.DeviceId);
            Assert.Empty(loaded.Items);
        }
    }

    [Fact]
    public async Task Platforms_round_trip_and_the_latest_save_wins()
    {
        await Store.SavePlatformAsync(RedisTest.Platform("province"));
        await Store.SavePlatformAsync(RedisTest.Platform("city", "Registering"));
        var lost = RedisTest.Platform("province", "Lost");
        await Store.SavePlatformAsync(lost);

        foreach (var store in await WithRestartAsync())
        {
            var platforms = (await store.LoadPlatformsAsync()).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            Assert.Equal(["city", "province"], platforms.Select(p => p.Name));
            Assert.Equal(lost, platforms[1]);
            Assert.Equal("Registering", platforms[0].State);
        }
    }

    [Fact]
    public async Task Sessions_round_trip_with_both_dialogs_and_deleted_ones_stay_deleted()
    {
        var kept = RedisTest.Session("s-1");
        await Store.SaveSessionAsync(RedisTest.Session("s-2"));
        await Store.SaveSessionAsync(kept with { PlatformSsrc = "0100000001" });
        await Store.SaveSessionAsync(kept);
        await Store.DeleteSessionAsync("s-2");

        foreach (var store in await WithRestartAsync())
        {
            var session = Assert.Single(await store.LoadSessionsAsync());
            RedisTest.AssertSession(kept, session);
        }
    }

    [Fact]
    public async Task Upper_id_assignment_keeps_the_first_mapping_and_refuses_taken_candidates()
    {
        var a = new ChannelRef(Dev1, "34020000001310000001");
        var b = new ChannelRef(Dev2, "34020000001310000001");
        Assert.Equal("34010000001310000001", await Store.AssignUpperIdAsync("province", a, "34010000001310000001"));
        Assert.Null(await Store.AssignUpperIdAsync("province", b, "34010000001310000001"));
        Assert.Equal("34010000001310000002", await Store.AssignUpperIdAsync("province", b, "34010000001310000002"));
        Assert.Equal("34010000001310000003", await Store.AssignUpperIdAsync("city", b, "34010000001310000003"));

        foreach (var store in await WithRestartAsync())
        {
            // The existing mapping is returned whatever the candidate.
            Assert.Equal("34010000001310000001", await store.AssignUpperIdAsync("province", a, "34010000001310000099"));
            var map = await store.LoadIdMapAsync("province");
            Assert.Equal(2, map.Count);
            Assert.Equal("34010000001310000001", map[a]);
            Assert.Equal("34010000001310000002", map[b]);
            Assert.Equal("34010000001310000003", Assert.Single(await store.LoadIdMapAsync("city")).Value);
            Assert.Empty(await store.LoadIdMapAsync("nobody"));
        }
    }

    [Fact]
    public async Task Invalid_arguments_are_refused_and_nothing_is_lost()
    {
        await Store.SaveDeviceAsync(RedisTest.Device(Dev1));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.SaveDeviceAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.SaveSessionAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.SavePlatformAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Store.SaveCatalogAsync(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.AssignUpperIdAsync("province", new ChannelRef(Dev1, "34020000001310000001"), ""));

        foreach (var store in await WithRestartAsync())
        {
            Assert.Equal([Dev1], (await store.LoadDevicesAsync()).Select(d => d.DeviceId));
        }
    }

    /// <summary>A store over the test's backend (a new instance each call, same data).</summary>
    protected abstract Task<IStateStore> OpenAsync();

    /// <summary>Writes what is pending and releases the store.</summary>
    protected abstract Task CloseAsync(IStateStore store);

    /// <summary>False for a store whose data lives only in the instance.</summary>
    protected abstract bool Persists { get; }

    /// <summary>The current store, then (when the store persists) a fresh one opened after closing it.</summary>
    private async Task<IStateStore[]> WithRestartAsync()
    {
        var before = Store;
        if (!Persists)
        {
            return [before];
        }

        await CloseAsync(before);
        Store = await OpenAsync();
        return [Store];
    }
}

public sealed class InMemoryStateStoreBehaviourTests : StateStoreBehaviourTests
{
    private readonly InMemoryStateStore _store = new();

    protected override bool Persists => false;

    protected override Task<IStateStore> OpenAsync() => Task.FromResult<IStateStore>(_store);

    protected override Task CloseAsync(IStateStore store) => Task.CompletedTask;
}

public sealed class RedisStateStoreBehaviourTests(RedisServerFixture server) : StateStoreBehaviourTests, IClassFixture<RedisServerFixture>
{
    private readonly RedisStateStoreSettings _settings = RedisTest.Settings(server, RedisTest.NewPrefix());

    protected override bool Persists => true;

    protected override async Task<IStateStore> OpenAsync()
    {
        var store = await RedisTest.OpenAsync(_settings);
        Assert.True(store.IsConnected, $"the store did not connect to {server.Configuration}:\n{server.Log}");
        return store;
    }

    protected override async Task CloseAsync(IStateStore store)
    {
        var redis = (RedisStateStore)store;
        await redis.FlushAsync().WaitAsync(RedisTest.Timeout);
        Assert.Equal(0, redis.PendingCount);
        await redis.DisposeAsync();
    }
}
