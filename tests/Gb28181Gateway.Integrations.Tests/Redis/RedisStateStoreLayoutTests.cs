using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>What lands in Redis (read back directly, not through the store) and what a restarted store loads.</summary>
public sealed class RedisStateStoreLayoutTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string Dev1 = "34020000001320000001";
    private readonly string _prefix = RedisTest.NewPrefix();
    private ConnectionMultiplexer _direct = null!;

    private IDatabase Db => _direct.GetDatabase();

    public async Task InitializeAsync() => _direct = await ConnectionMultiplexer.ConnectAsync(server.Configuration);

    public async Task DisposeAsync()
    {
        await _direct.CloseAsync();
        _direct.Dispose();
    }

    [Fact]
    public async Task Device_and_its_catalog_expire_with_the_registration()
    {
        await using (var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix)))
        {
            await store.SaveDeviceAsync(RedisTest.Device(Dev1, expiresIn: TimeSpan.FromHours(1)));
            await store.SaveCatalogAsync(RedisTest.Catalog(Dev1));
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        var deviceTtl = await Db.KeyTimeToLiveAsync($"{_prefix}{{gw-1}}:device:{Dev1}");
        var catalogTtl = await Db.KeyTimeToLiveAsync($"{_prefix}{{gw-1}}:catalog:{Dev1}");
        Assert.InRange(deviceTtl!.Value, TimeSpan.FromMinutes(55), TimeSpan.FromHours(1));
        Assert.InRange(catalogTtl!.Value, TimeSpan.FromMinutes(55), TimeSpan.FromHours(1));
        Assert.True(await Db.SetContainsAsync($"{_prefix}{{gw-1}}:devices", Dev1));

        // A refresh with a longer expiry extends both.
        await using (var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix)))
        {
            var device = Assert.Single(await store.LoadDevicesAsync());
            await store.SaveDeviceAsync(device with { ExpiresAt = DateTimeOffset.UtcNow.AddHours(24) });
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        Assert.InRange((await Db.KeyTimeToLiveAsync($"{_prefix}{{gw-1}}:device:{Dev1}"))!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.InRange((await Db.KeyTimeToLiveAsync($"{_prefix}{{gw-1}}:catalog:{Dev1}"))!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task An_expired_registration_is_not_kept_in_redis()
    {
        await using (var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix)))
        {
            await store.SaveDeviceAsync(RedisTest.Device(Dev1));
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
            await store.SaveDeviceAsync(RedisTest.Device(Dev1, expiresIn: TimeSpan.FromMinutes(-1)) with { Online = false });
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);

            // The gateway's working copy still has it (offline); Redis does not.
            Assert.False(Assert.Single(await store.LoadDevicesAsync()).Online);
        }

        Assert.False(await Db.KeyExistsAsync($"{_prefix}{{gw-1}}:device:{Dev1}"));
        Assert.False(await Db.SetContainsAsync($"{_prefix}{{gw-1}}:devices", Dev1));
        await using var restarted = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix));
        Assert.Empty(await restarted.LoadDevicesAsync());
    }

    [Fact]
    public async Task A_device_whose_key_expired_is_not_loaded_and_leaves_the_index()
    {
        await using (var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix)))
        {
            await store.SaveDeviceAsync(RedisTest.Device(Dev1));
            await store.SaveDeviceAsync(RedisTest.Device("34020000001320000002"));
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        // What Redis does when the TTL runs out.
        Assert.True(await Db.KeyDeleteAsync($"{_prefix}{{gw-1}}:device:{Dev1}"));

        await using var restarted = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix));
        Assert.Equal(["34020000001320000002"], (await restarted.LoadDevicesAsync()).Select(d => d.DeviceId));
        await RedisTest.WaitUntilAsync(() => !Db.SetContains($"{_prefix}{{gw-1}}:devices", Dev1), "the expired device left the index");
    }

    [Fact]
    public async Task Catalog_is_stored_as_manscdp_xml_and_a_dahua_capture_round_trips()
    {
        var captured = (CatalogResponse)ManscdpCodec.Parse(await File.ReadAllBytesAsync(RepositoryPaths.Path("tests", "vectors", "manscdp", "000-dahua-response-catalog.xml")));
        Assert.Equal("StreamNum", Assert.Single(captured.Items[0].Extensions).Name);
        var items = captured.Items.Select(i => i with { Name = "东门 " + i.Name }).ToList();
        await using (var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix)))
        {
            await store.SaveCatalogAsync(new DeviceCatalog(captured.DeviceId, items));
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        byte[] stored = (await Db.StringGetAsync($"{_prefix}{{gw-1}}:catalog:{captured.DeviceId}"))!;
        var parsed = Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(stored));
        Assert.Equal(items, parsed.Items);
        Assert.True(stored.AsSpan().IndexOf("<Name>东门 DH71</Name>"u8) >= 0, "names are stored as UTF-8 text");

        await using var restarted = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix));
        Assert.Equal(items, (await restarted.LoadCatalogAsync(captured.DeviceId)).Items);
    }

    [Fact]
    public async Task Each_instance_loads_only_its_own_devices_platforms_and_sessions()
    {
        await using (var gw1 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-1")))
        await using (var gw2 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-2")))
        {
            await gw1.SaveDeviceAsync(RedisTest.Device(Dev1));
            await gw1.SavePlatformAsync(RedisTest.Platform("province"));
            await gw1.SaveSessionAsync(RedisTest.Session("s-1"));
            await gw2.SaveDeviceAsync(RedisTest.Device("34020000001320000002", instance: "gw-2"));
            await gw2.SaveSessionAsync(RedisTest.Session("s-2"));
            await gw1.FlushAsync().WaitAsync(RedisTest.Timeout);
            await gw2.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        await using var restarted1 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-1"));
        await using var restarted2 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-2"));
        Assert.Equal([Dev1], (await restarted1.LoadDevicesAsync()).Select(d => d.DeviceId));
        Assert.Equal(["34020000001320000002"], (await restarted2.LoadDevicesAsync()).Select(d => d.DeviceId));
        Assert.Equal(["s-1"], (await restarted1.LoadSessionsAsync()).Select(s => s.SessionId));
        Assert.Equal(["s-2"], (await restarted2.LoadSessionsAsync()).Select(s => s.SessionId));
        Assert.Single(await restarted1.LoadPlatformsAsync());
        Assert.Empty(await restarted2.LoadPlatformsAsync());
    }

    [Fact]
    public async Task An_unreadable_entry_is_skipped_with_a_warning_and_the_rest_loads()
    {
        var log = new RedisLogRecorder();
        await using (var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix)))
        {
            await store.SaveSessionAsync(RedisTest.Session("s-1"));
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        await Db.HashSetAsync($"{_prefix}{{gw-1}}:sessions", "s-bad", "{not json");
        await using var restarted = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix), log);
        Assert.Equal(["s-1"], (await restarted.LoadSessionsAsync()).Select(s => s.SessionId));
        Assert.Equal(1, log.Count(7005));
    }
}
