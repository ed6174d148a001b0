using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>Redis going away and coming back: the store keeps working from memory and writes back what changed.</summary>
public sealed class RedisOutageTests
{
    private const string Dev1 = "34020000001320000001";
    private const string Dev2 = "34020000001320000002";
    private const string Dev3 = "34020000001320000003";
    private readonly string _prefix = RedisTest.NewPrefix();

    [Fact]
    public async Task Redis_killed_mid_run_saves_keep_working_and_the_changes_are_written_back_when_it_returns()
    {
        await using var server = await RedisServerFixture.StartAsync();
        var log = new RedisLogRecorder();
        await using var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix), log);
        using var metrics = new RedisMetricsRecorder(store);
        Assert.Equal(1, metrics.Connected);
        await store.SaveDeviceAsync(RedisTest.Device(Dev1));
        await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        var errorsBefore = metrics.Errors;

        await server.KillAsync();
        // Every save completes at once (from memory) while Redis is gone.
        var refreshed = RedisTest.Device(Dev1) with { SignallingEndPoint = "tcp:10.0.0.7:40000" };
        CompletesAtOnce(store.SaveDeviceAsync(refreshed));
        await RedisTest.WaitUntilAsync(() => !store.IsConnected, "the store noticed the outage");
        for (var i = 0; i < 20; i++)
        {
            CompletesAtOnce(store.SaveDeviceAsync(RedisTest.Device(Dev2) with { ChannelCount = i }));
        }

        CompletesAtOnce(store.SaveCatalogAsync(RedisTest.Catalog(Dev2)));
        var session = RedisTest.Session("s-1");
        CompletesAtOnce(store.SaveSessionAsync(session));
        CompletesAtOnce(store.SavePlatformAsync(RedisTest.Platform("province", "Lost")));
        CompletesAtOnce(store.SaveDeviceAsync(RedisTest.Device(Dev3)));
        CompletesAtOnce(store.DeleteDeviceAsync(Dev3));

        // The working copy answers; the outage is logged once and counted; nothing is lost.
        Assert.Equal([Dev1, Dev2], (await store.LoadDevicesAsync()).Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal(19, (await store.LoadDevicesAsync()).Single(d => d.DeviceId == Dev2).ChannelCount);
        Assert.Equal(1, log.Count(7001));
        Assert.True(metrics.Errors > errorsBefore, "gb28181_redis_errors_total rose");
        Assert.Equal(0, metrics.Connected);
        Assert.Equal(7, store.PendingCount); // Dev1, Dev2, Dev2's catalog, s-1, province, Dev3 and its catalog (deleted)

        await server.RestartAsync();
        await RedisTest.WaitUntilAsync(() => store.IsConnected && store.PendingCount == 0, "the pending changes were written back");
        Assert.Equal(1, metrics.Connected);
        Assert.Equal(1, log.Count(7001));
        Assert.Equal(1, log.Count(7002));

        // A fresh store (a restarted gateway) sees the latest value of everything changed during the outage.
        await using var restarted = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix));
        var devices = (await restarted.LoadDevicesAsync()).OrderBy(d => d.DeviceId, StringComparer.Ordinal).ToList();
        Assert.Equal([refreshed, RedisTest.Device(Dev2) with { ChannelCount = 19 }], devices, new DeviceIgnoringTimes());
        Assert.Equal(RedisTest.Catalog(Dev2).Items, (await restarted.LoadCatalogAsync(Dev2)).Items);
        RedisTest.AssertSession(session, Assert.Single(await restarted.LoadSessionsAsync()));
        Assert.Equal("Lost", Assert.Single(await restarted.LoadPlatformsAsync()).State);
        Assert.Equal("0", await server.CliAsync("EXISTS", $"{_prefix}{{gw-1}}:device:{Dev3}"));
    }

    [Fact]
    public async Task A_second_outage_is_logged_again_once()
    {
        await using var server = await RedisServerFixture.StartAsync();
        var log = new RedisLogRecorder();
        await using var store = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix), log);
        for (var outage = 1; outage <= 2; outage++)
        {
            await server.KillAsync();
            await store.SaveDeviceAsync(RedisTest.Device(Dev1) with { ChannelCount = outage });
            await RedisTest.WaitUntilAsync(() => !store.IsConnected, "the store noticed the outage");
            await store.SaveDeviceAsync(RedisTest.Device(Dev2) with { ChannelCount = outage });
            Assert.True(outage == log.Count(7001), log.Dump());
            await server.RestartAsync();
            await RedisTest.WaitUntilAsync(() => store.IsConnected && store.PendingCount == 0, "the pending changes were written back");
            Assert.True(outage == log.Count(7002), log.Dump());
        }

        Assert.Equal("2", await server.CliAsync("SCARD", $"{_prefix}{{gw-1}}:devices"));
    }

    [Fact]
    public async Task Start_up_with_redis_unreachable_returns_the_empty_local_copy_and_catches_up_when_redis_starts()
    {
        var server = new RedisServerFixture(); // port reserved, nothing listening yet
        await using var _ = server;
        var log = new RedisLogRecorder();
        await using var store = new Gb28181Gateway.Integrations.Redis.RedisStateStore(RedisTest.Settings(server, _prefix), TimeProvider.System, log);
        using var metrics = new RedisMetricsRecorder(store);

        Assert.Empty(await store.LoadDevicesAsync().AsTask().WaitAsync(RedisTest.Timeout));
        Assert.Empty(await store.LoadSessionsAsync().AsTask().WaitAsync(RedisTest.Timeout));
        Assert.Empty(await store.LoadIdMapAsync("province").AsTask().WaitAsync(RedisTest.Timeout));
        Assert.False(store.IsConnected);
        Assert.Equal(0, metrics.Connected);
        Assert.Equal(1, log.Count(7001));
        Assert.True(metrics.ErrorsFor("load_devices") >= 1);
        Assert.Equal("34010000001310000001", await store.AssignUpperIdAsync("province", new(Dev1, "34020000001310000001"), "34010000001310000001"));
        await store.SaveDeviceAsync(RedisTest.Device(Dev1));

        await server.RestartAsync();
        await RedisTest.WaitUntilAsync(() => store.IsConnected && store.PendingCount == 0, "the store connected and wrote its changes");
        Assert.Equal(1, metrics.Connected);
        await using var other = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix));
        Assert.Equal([Dev1], (await other.LoadDevicesAsync()).Select(d => d.DeviceId));
        Assert.Equal("34010000001310000001", Assert.Single(await other.LoadIdMapAsync("province")).Value);
    }

    [Fact]
    public async Task Overflowing_the_pending_buffer_rewrites_the_whole_local_copy_and_removes_what_was_deleted()
    {
        await using var server = await RedisServerFixture.StartAsync();
        var log = new RedisLogRecorder();
        var settings = RedisTest.Settings(server, _prefix) with { PendingCapacity = 3 };
        await using (var first = await RedisTest.OpenAsync(settings))
        {
            await first.SaveDeviceAsync(RedisTest.Device(Dev1));
            await first.SaveDeviceAsync(RedisTest.Device(Dev2));
            await first.SaveSessionAsync(RedisTest.Session("s-old"));
            await first.SaveSessionAsync(RedisTest.Session("s-kept"));
            await first.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        await using var store = await RedisTest.OpenAsync(settings, log);
        Assert.Equal(2, (await store.LoadDevicesAsync()).Count);
        Assert.Equal(2, (await store.LoadSessionsAsync()).Count);

        // An outage that keeps Redis's data: it starts refusing this gateway's connections.
        await server.CliAsync("CONFIG", "SET", "requirepass", "secret");
        await server.CliAsAsync("secret", "CLIENT", "KILL", "TYPE", "normal");
        await store.SaveDeviceAsync(RedisTest.Device(Dev3));
        await RedisTest.WaitUntilAsync(() => !store.IsConnected, "the store noticed the outage");
        for (var i = 0; i < 10; i++)
        {
            await store.SaveDeviceAsync(RedisTest.Device("340200000013201000" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        await store.DeleteDeviceAsync(Dev1);
        await store.DeleteSessionAsync("s-old");
        await store.SaveSessionAsync(RedisTest.Session("s-new"));
        Assert.Equal(1, log.Count(7003));
        Assert.Equal(12, (await store.LoadDevicesAsync()).Count);

        await server.CliAsAsync("secret", "CONFIG", "SET", "requirepass", "");
        await RedisTest.WaitUntilAsync(() => store.IsConnected && log.Count(7004) == 1, "the store rewrote its local copy");
        await using var restarted = await RedisTest.OpenAsync(settings);
        var devices = (await restarted.LoadDevicesAsync()).Select(d => d.DeviceId).ToList();
        Assert.Equal(12, devices.Count);
        Assert.DoesNotContain(Dev1, devices);
        Assert.Equal(["s-kept", "s-new"], (await restarted.LoadSessionsAsync()).Select(s => s.SessionId).Order(StringComparer.Ordinal));
        Assert.Equal("0", await server.CliAsync("EXISTS", $"{_prefix}{{gw-1}}:device:{Dev1}"));
    }

    /// <summary>A save while Redis is down must not wait for it: the ValueTask is already complete.</summary>
    private static void CompletesAtOnce(ValueTask save)
    {
        Assert.True(save.IsCompletedSuccessfully, "the save waited for Redis");
        save.GetAwaiter().GetResult();
    }

    /// <summary>Devices equal in everything but the times the helper sets from the clock.</summary>
    private sealed class DeviceIgnoringTimes : IEqualityComparer<Cascade.State.DeviceRecord>
    {
        public bool Equals(Cascade.State.DeviceRecord? x, Cascade.State.DeviceRecord? y) =>
            x is not null && y is not null && Strip(x) == Strip(y);

        public int GetHashCode(Cascade.State.DeviceRecord obj) => Strip(obj).GetHashCode();

        private static Cascade.State.DeviceRecord Strip(Cascade.State.DeviceRecord d) =>
            d with { RegisteredAt = default, ExpiresAt = default, LastKeepaliveAt = null, CatalogUpdatedAt = null };
    }
}
