using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// Ending one kind of device subscription (SUBSCRIBE Expires: 0 in its dialog) and holding a subscription for several
/// holders (platforms): one SUBSCRIBE while any holds it, Expires: 0 when the last releases it, made again when the device
/// comes back online, MobilePosition at the smallest interval asked. Against an in-test camera over loopback.
/// </summary>
public sealed class LowerSubscriptionHoldTests : LowerCameraTestBase
{
    [Fact]
    public async Task Unsubscribe_ends_only_that_package_with_expires_0_in_its_dialog()
    {
        await Gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600));
        var alarm = await Camera.NextRequestAsync(SipMethod.Subscribe, ManscdpCmdType.Alarm);
        await Gateway.Client.SubscribeMobilePositionAsync(CameraId, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(600));
        await Camera.NextRequestAsync(SipMethod.Subscribe, ManscdpCmdType.MobilePosition);

        Assert.True(await Gateway.Client.UnsubscribeAsync(CameraId, SubscriptionPackage.Alarm));

        var end = await Camera.NextRequestAsync(SipMethod.Subscribe);
        Assert.Equal(0, end.Expires);
        Assert.Equal(alarm.CallId, end.CallId);
        Assert.Equal(alarm.Headers.GetFirst(SipHeaderKind.Event), end.Headers.GetFirst(SipHeaderKind.Event));
        Assert.NotNull(end.To.Tag);
        Assert.Equal(alarm.CSeq.Number + 1, end.CSeq.Number);
        Assert.False(Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.Alarm));
        Assert.True(Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.MobilePosition));
        Assert.False(await Gateway.Client.UnsubscribeAsync(CameraId, SubscriptionPackage.Alarm)); // nothing left to end
    }

    [Fact]
    public async Task Two_holders_make_one_subscribe_and_only_the_last_release_sends_expires_0()
    {
        await Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "province");
        await Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "city");
        Assert.True(await Gateway.Client.ReleaseSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "province"));
        Assert.True(Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.Alarm));
        Assert.Equal(["city"], Gateway.Subscriptions.HoldersOf(CameraId, ManscdpCmdType.Alarm));

        Assert.True(await Gateway.Client.ReleaseSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "city"));

        var subscribes = new[] { await Camera.NextRequestAsync(SipMethod.Subscribe), await Camera.NextRequestAsync(SipMethod.Subscribe) };
        Assert.Equal([(int)DeviceSubscriptions.HeldDuration.TotalSeconds, 0], subscribes.Select(s => s.Expires ?? -1));
        Assert.Equal(subscribes[0].CallId, subscribes[1].CallId); // the second is the end of the first, not a second subscription
        Assert.IsType<AlarmQuery>(ManscdpCodec.Parse(subscribes[0].Body.Span));
        Assert.False(Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.Alarm));
        Assert.False(await Gateway.Client.ReleaseSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "city")); // released already
    }

    [Fact]
    public async Task A_hold_subscribes_the_device_again_when_it_comes_back_online()
    {
        await Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "province");
        var first = await Camera.NextRequestAsync(SipMethod.Subscribe, ManscdpCmdType.Alarm);

        Assert.Equal(SipStatus.Ok, (await Camera.RegisterAsync(expires: 0)).StatusCode);
        await LowerHarness.UntilAsync(() => !Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.Alarm), "the subscription ended with the device");
        Assert.Equal(SipStatus.Ok, (await Camera.RegisterAsync()).StatusCode);

        var again = await Camera.NextRequestAsync(SipMethod.Subscribe, ManscdpCmdType.Alarm);
        Assert.Null(again.To.Tag); // a new subscription, not a refresh of the dead one
        Assert.NotEqual(first.CallId, again.CallId);
        await LowerHarness.UntilAsync(() => Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.Alarm), "subscribed again");
    }

    [Fact]
    public async Task Mobile_position_uses_the_smallest_interval_held_and_follows_it_when_that_holder_leaves()
    {
        await Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.MobilePosition, "province", TimeSpan.FromSeconds(10));
        var slow = await Camera.NextRequestAsync(SipMethod.Subscribe);
        await Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.MobilePosition, "city", TimeSpan.FromSeconds(2));
        var slowEnd = await Camera.NextRequestAsync(SipMethod.Subscribe);
        var fast = await Camera.NextRequestAsync(SipMethod.Subscribe);
        await Gateway.Client.ReleaseSubscriptionAsync(CameraId, SubscriptionPackage.MobilePosition, "city");
        var fastEnd = await Camera.NextRequestAsync(SipMethod.Subscribe);
        var slowAgain = await Camera.NextRequestAsync(SipMethod.Subscribe);

        Assert.Equal(10, Interval(slow));
        Assert.Equal((slow.CallId, 0), (slowEnd.CallId, slowEnd.Expires));
        Assert.Equal(2, Interval(fast));
        Assert.Equal((fast.CallId, 0), (fastEnd.CallId, fastEnd.Expires));
        Assert.Equal(10, Interval(slowAgain));
        Assert.True(Gateway.Subscriptions.IsSubscribed(CameraId, ManscdpCmdType.MobilePosition));
    }

    [Fact]
    public async Task A_refused_hold_throws_keeps_the_hold_and_the_catalog_cannot_be_held()
    {
        Camera.SubscribeStatus = SipStatus.BadEvent;

        var refused = await Assert.ThrowsAsync<DeviceRequestException>(() => Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.Alarm, "province"));

        Assert.Equal(DeviceRequestError.Rejected, refused.Error);
        Assert.Equal(["province"], Gateway.Subscriptions.HoldersOf(CameraId, ManscdpCmdType.Alarm));
        var catalog = await Assert.ThrowsAsync<ArgumentException>(() => Gateway.Client.HoldSubscriptionAsync(CameraId, SubscriptionPackage.Catalog, "province"));
        Assert.Contains("Catalog", catalog.Message, StringComparison.Ordinal);
    }

    private static int? Interval(SipRequest subscribe) => Assert.IsType<MobilePositionQuery>(ManscdpCodec.Parse(subscribe.Body.Span)).Interval;
}
