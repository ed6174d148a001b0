using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>
/// A platform's Alarm / MobilePosition SUBSCRIBE passed on to the devices below: every online device with shared channels
/// (or the one owning the target channel) is held under the platform's name after the 2xx, devices coming online later
/// too, and all are released when the platform's subscription ends (Expires: 0, expiry, the platform lost).
/// </summary>
public sealed class UpperDeviceSubscriptionTests
{
    private const string Gateway = UpperTestGateway.GatewayDeviceId;
    private const string Dahua = FakeDeviceDirectory.Dahua;
    private const string Hikvision = FakeDeviceDirectory.Hikvision;

    [Fact]
    public async Task An_alarm_subscribe_to_the_gateway_holds_every_device_and_expires_0_in_the_dialog_releases_them()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await StartAsync(platform);

        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm;id=5", new AlarmQuery { Sn = 5, DeviceId = Gateway }, 600);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        await HeldAsync(gateway, 2);
        AssertSameSteps([(true, Dahua), (true, Hikvision)], Steps(gateway));
        Assert.All(gateway.DeviceClient.Holds, h => Assert.Equal((SubscriptionPackage.Alarm, "province"), (h.Package, h.Holder)));

        var end = subscribed.Dialog!.CreateRequest(SipMethod.Subscribe);
        end.Headers.Set(SipHeaderKind.Event, "Alarm;id=5");
        end.Expires = 0;
        Assert.True((await subscribed.Dialog.SendRequestAsync(end)).IsSuccess);
        await Wait.UntilAsync(() => gateway.DeviceClient.Holds.Count == 4, "both devices released");

        AssertSameSteps([(false, Dahua), (false, Hikvision)], Steps(gateway).Skip(2));
        Assert.Empty(gateway.Context.DeviceSubscriptions.HeldDevices(PlatformSubscriptionKind.Alarm));
    }

    [Fact]
    public async Task A_position_subscribe_to_one_channel_holds_only_its_device_with_the_platform_interval()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await StartAsync(platform);
        Assert.True(gateway.Upper.TryMapUp("province", new(Dahua, FakeDeviceDirectory.CameraId), out var dahuaCamera));

        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "MobilePosition",
            new MobilePositionQuery { Sn = 9, DeviceId = dahuaCamera, Interval = 7 }, 600);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        await HeldAsync(gateway, 1);

        var hold = Assert.Single(gateway.DeviceClient.Holds);
        Assert.Equal((true, Dahua, SubscriptionPackage.MobilePosition, "province", (TimeSpan?)TimeSpan.FromSeconds(7)), hold);
        gateway.Bus.Publish(new DeviceOnlineEvent(Hikvision, "udp:127.0.0.1:5060") { Timestamp = DateTimeOffset.UtcNow }); // not in scope: not held
        gateway.Bus.Publish(new DeviceOnlineEvent(Dahua, "udp:127.0.0.1:5060") { Timestamp = DateTimeOffset.UtcNow }); // held already: not again
        gateway.Bus.Publish(new PlatformLostEvent("province", "test") { Timestamp = DateTimeOffset.UtcNow });
        await Wait.UntilAsync(() => gateway.DeviceClient.Holds.Count == 2, "the release after the platform was lost");
        Assert.Equal((false, Dahua), Steps(gateway).Last());
        Assert.Null(gateway.Context.Subscriptions.Get(PlatformSubscriptionKind.MobilePosition, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_device_coming_online_is_held_and_a_subscription_not_refreshed_releases_everything_at_expiry()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await StartAsync(platform);
        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm", new AlarmQuery { Sn = 1, DeviceId = Gateway }, 3);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        await HeldAsync(gateway, 2);

        const string Late = "34020000001320000077";
        gateway.Devices.Add(Late, [new CatalogItem { DeviceId = "34020000001310000077", Name = "gate", ParentId = Late }]);
        gateway.Bus.Publish(new DeviceOnlineEvent(Late, "udp:127.0.0.1:5062") { Timestamp = DateTimeOffset.UtcNow });
        await Wait.UntilAsync(() => gateway.DeviceClient.Holds.Count == 6, "the late device held, then all three released at expiry (3 s)");

        var steps = Steps(gateway);
        AssertSameSteps([(true, Dahua), (true, Hikvision)], steps.Take(2));
        Assert.Equal((true, Late), steps[2]);
        AssertSameSteps([(false, Late), (false, Dahua), (false, Hikvision)], steps.Skip(3));
    }

    [Fact]
    public async Task A_new_subscribe_for_one_channel_releases_the_devices_outside_it()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await StartAsync(platform);
        Assert.True(gateway.Upper.TryMapUp("province", new(Hikvision, FakeDeviceDirectory.AlarmInputId), out var alarmInput));
        Assert.True((await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm", new AlarmQuery { Sn = 1, DeviceId = Gateway }, 600)).IsSuccess);
        Assert.True((await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm", new AlarmQuery { Sn = 2, DeviceId = alarmInput }, 600)).IsSuccess);
        await HeldAsync(gateway, 4);

        AssertSameSteps([(true, Dahua), (true, Hikvision)], Steps(gateway).Take(2));
        Assert.Equal([(false, Dahua), (true, Hikvision)], Steps(gateway).Skip(2)); // Hikvision held again: harmless, one subscription below
        Assert.Equal([Hikvision], gateway.Context.DeviceSubscriptions.HeldDevices(PlatformSubscriptionKind.Alarm));
    }

    [Fact]
    public async Task A_new_subscribe_with_expires_0_outside_the_dialog_ends_the_earlier_one_and_releases_its_devices()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await StartAsync(platform);
        Assert.True((await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm", new AlarmQuery { Sn = 1, DeviceId = Gateway }, 600)).IsSuccess);
        await HeldAsync(gateway, 2);

        Assert.True((await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm", new AlarmQuery { Sn = 2, DeviceId = Gateway }, 0)).IsSuccess);
        await Wait.UntilAsync(() => gateway.DeviceClient.Holds.Count == 4, "both devices released");

        AssertSameSteps([(false, Dahua), (false, Hikvision)], Steps(gateway).Skip(2));
        Assert.Null(gateway.Context.Subscriptions.Get(PlatformSubscriptionKind.Alarm, DateTimeOffset.UtcNow));
    }

    private static Task<UpperTestGateway> StartAsync(UpperTestPlatform platform) =>
        UpperTestGateway.StartAsync(platform.Port, p => p.KeepaliveIntervalSeconds = 60).ContinueWith(async t =>
        {
            var gateway = await t;
            await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");
            return gateway;
        }, TaskScheduler.Default).Unwrap();

    /// <summary>
    /// The gateway passes a subscription down after its 2xx, so the test waits for the steps themselves (not for the
    /// queue to be idle, which it may be before the SUBSCRIBE's handler has queued anything), then for the queue.
    /// </summary>
    private static async Task HeldAsync(UpperTestGateway gateway, int steps)
    {
        await Wait.UntilAsync(() => gateway.DeviceClient.Holds.Count >= steps, $"{steps} hold/release steps");
        await gateway.Context.DeviceSubscriptions.Idle;
    }

    private static void AssertSameSteps(List<(bool Hold, string DeviceId)> expected, IEnumerable<(bool Hold, string DeviceId)> actual) =>
        Assert.Equal(expected.Order(), actual.Order());

    private static List<(bool Hold, string DeviceId)> Steps(UpperTestGateway gateway) => [.. gateway.DeviceClient.Holds.Select(h => (h.Hold, h.DeviceId))];
}
