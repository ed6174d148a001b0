using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>A platform's catalog SUBSCRIBE: the initial NOTIFY(s) carry the catalog the platform would get for a Catalog query.</summary>
public sealed class UpperCatalogSubscriptionTests
{
    private const string Gateway = UpperTestGateway.GatewayDeviceId;

    [Fact]
    public async Task The_initial_notify_carries_every_shared_channel_mapped_split_with_sumnum_and_the_subscribe_sn()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => p.KeepaliveIntervalSeconds = 60);
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");
        Assert.True(gateway.Upper.TryMapUp("province", new(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), out var dahuaUpperId));

        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Catalog;id=7", new CatalogQuery { Sn = 88, DeviceId = Gateway }, 600);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        await Wait.UntilAsync(() => platform.Notifies.Count == 3, "three initial NOTIFYs (ItemsPerMessage 1)");
        await gateway.Upper.StopAsync(TimeSpan.FromSeconds(2)); // nothing further may follow but the final NOTIFY

        var all = platform.Notifies.ToList();
        Assert.Equal(4, all.Count);
        Assert.StartsWith("terminated", all[3].SubscriptionState, StringComparison.Ordinal);
        var initial = all.Take(3).ToList();
        foreach (var (state, message) in initial)
        {
            Assert.StartsWith("active;expires=", state, StringComparison.Ordinal);
            var expires = int.Parse(state.AsSpan("active;expires=".Length), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expires, 1, 600);
            var notify = Assert.IsType<CatalogNotify>(message);
            Assert.Equal((88L, Gateway, 3), (notify.Sn, notify.DeviceId, notify.SumNum ?? -1));
            Assert.Single(notify.Items);
        }

        var items = initial.SelectMany(n => ((CatalogNotify)n.Message!).Items).ToList();
        Assert.Equal([FakeDeviceDirectory.CameraId, FakeDeviceDirectory.AlarmInputId, dahuaUpperId], items.Select(i => i.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal("Dahua", items.Single(i => i.DeviceId == dahuaUpperId).Manufacturer);
        Assert.All(items, i => Assert.Equal(CatalogEvent.Add, i.EventKind));
        Assert.All(items, i => Assert.Equal(Gateway, i.ParentId));
        Assert.All(items, i => Assert.True(i.Password is null && i.IpAddress is null && i.Port is null, "secrets and addresses must be stripped"));
    }

    [Fact]
    public async Task The_initial_notify_over_udp_is_split_by_size_even_when_items_per_message_allows_more()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => (p.KeepaliveIntervalSeconds, p.Catalog.ItemsPerMessage) = (60, 10));
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");

        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Catalog", new CatalogQuery { Sn = 5, DeviceId = Gateway }, 300);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        await Wait.UntilAsync(() => platform.Notifies.Sum(n => (n.Message as CatalogNotify)?.Items.Count ?? 0) == 3, "the three items");
        await gateway.Upper.StopAsync(TimeSpan.FromSeconds(2));

        var parts = platform.Notifies.Select(n => n.Message).OfType<CatalogNotify>().ToList();
        Assert.True(parts.Count is > 1 and < 4, $"{parts.Count} parts: the seed items do not all fit one UDP body of 1000 bytes");
        Assert.All(parts, p => Assert.Equal((5L, 3), (p.Sn, p.SumNum ?? -1)));
        Assert.Equal(3, parts.SelectMany(p => p.Items).Select(i => i.DeviceId).Distinct().Count());
    }

    [Fact]
    public async Task A_catalog_fetch_gets_the_catalog_with_the_last_part_terminating_the_subscription()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => p.KeepaliveIntervalSeconds = 60);
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");

        var fetched = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Catalog", new CatalogQuery { Sn = 21, DeviceId = Gateway }, 0);
        Assert.True(fetched.IsSuccess, $"SUBSCRIBE answered {fetched.StatusCode}");
        await Wait.UntilAsync(() => platform.Notifies.Count == 3, "three NOTIFYs (ItemsPerMessage 1)");
        await gateway.Upper.StopAsync(TimeSpan.FromSeconds(2)); // a fetch is no subscription: nothing more at shutdown

        var all = platform.Notifies.ToList();
        Assert.Equal(["active;expires=0", "active;expires=0"], all.Take(2).Select(n => n.SubscriptionState));
        Assert.StartsWith("terminated", all[2].SubscriptionState, StringComparison.Ordinal);
        var parts = all.Select(n => Assert.IsType<CatalogNotify>(n.Message)).ToList();
        Assert.All(parts, p => Assert.Equal((21L, 3), (p.Sn, p.SumNum ?? -1)));
        Assert.Equal(3, parts.SelectMany(p => p.Items).Select(i => i.DeviceId).Distinct().Count());
        Assert.Null(gateway.Context.Subscriptions.Get(Cascade.Upper.PlatformSubscriptionKind.Catalog, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task An_empty_catalog_gets_one_notify_with_sumnum_0()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p =>
        {
            p.KeepaliveIntervalSeconds = 60;
            p.Catalog.Share = ["34020000001310009999"]; // shares nothing that exists
        });
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");

        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Catalog;id=1", new CatalogQuery { Sn = 3, DeviceId = Gateway }, 600);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        await Wait.UntilAsync(() => !platform.Notifies.IsEmpty, "the initial NOTIFY");
        await gateway.Upper.StopAsync(TimeSpan.FromSeconds(2));

        var all = platform.Notifies.ToList();
        Assert.Equal(2, all.Count);
        Assert.StartsWith("active;expires=", all[0].SubscriptionState, StringComparison.Ordinal);
        var notify = Assert.IsType<CatalogNotify>(all[0].Message);
        Assert.Equal((3L, Gateway, 0), (notify.Sn, notify.DeviceId, notify.SumNum ?? -1));
        Assert.Empty(notify.Items);
        Assert.StartsWith("terminated", all[1].SubscriptionState, StringComparison.Ordinal);
    }
}
