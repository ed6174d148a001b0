using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// Shutdown ends the subscriptions to devices with SUBSCRIBE Expires: 0 in their dialogs (RFC 6665 §4.1.2.3),
/// and a device that never answers cannot hold it past the deadline.
/// </summary>
public sealed class LowerShutdownTests
{
    private const string CameraId = LowerVectors.SeedCameraId;

    [Fact]
    public async Task Stop_ends_every_subscription_with_expires_0_in_its_dialog()
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.CatalogSubscriptionSeconds = 3600;
        await using var gateway = await LowerHarness.StartAsync(options);
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        await camera.RegisterAsync();
        var catalog = await camera.NextRequestAsync(SipMethod.Subscribe);
        await LowerHarness.UntilAsync(() => gateway.Subscriptions.IsSubscribed(CameraId, "Catalog"), "subscribed to the catalog");
        await gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600));
        var alarm = await camera.NextRequestAsync(SipMethod.Subscribe);
        var deviceDialogs = camera.Agent.Dialogs.Where(d => d.Method == SipMethod.Subscribe).ToDictionary(d => d.CallId);

        await gateway.Service.StopAsync(CancellationToken.None);

        var ends = new[] { await camera.NextRequestAsync(SipMethod.Subscribe), await camera.NextRequestAsync(SipMethod.Subscribe) };
        foreach (var (initial, package) in new[] { (catalog, "Catalog"), (alarm, "Alarm") })
        {
            var end = Assert.Single(ends, r => r.CallId == initial.CallId);
            Assert.Equal(0, end.Expires);
            Assert.StartsWith(package + ";id=", end.Headers.GetFirst(SipHeaderKind.Event), StringComparison.Ordinal);
            Assert.Equal(initial.Headers.GetFirst(SipHeaderKind.Event), end.Headers.GetFirst(SipHeaderKind.Event)); // same package and id: the same subscription
            Assert.Equal(initial.FromTag, end.FromTag);
            Assert.Equal(deviceDialogs[initial.CallId].Id.LocalTag, end.ToTag);
            Assert.Equal(initial.CSeq.Number + 1, end.CSeq.Number);
            Assert.Equal(SipMethod.Subscribe, end.CSeq.Method);
        }

        Assert.False(gateway.Subscriptions.IsSubscribed(CameraId, "Catalog"));
        Assert.False(gateway.Subscriptions.IsSubscribed(CameraId, "Alarm"));
    }

    [Fact]
    public async Task A_device_that_never_answers_holds_shutdown_only_until_the_deadline()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog), IgnoreUnsubscribe = true };
        await camera.RegisterAndSyncAsync(gateway);
        await gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600));
        await gateway.Client.SubscribeMobilePositionAsync(CameraId, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(600));
        camera.DrainReceived();

        var stop = gateway.Subscriptions.EndAllAsync(LowerShutdownDeadline, CancellationToken.None);
        var first = await camera.NextRequestAsync(SipMethod.Subscribe);
        var second = await camera.NextRequestAsync(SipMethod.Subscribe);
        Assert.Equal([0, 0], new[] { first.Expires, second.Expires });
        Assert.False(stop.IsCompleted); // nothing answered and the (manual) clock has not moved

        gateway.Time.Advance(LowerShutdownDeadline);
        var ended = await stop.WaitAsync(LowerHarness.Wait);

        Assert.Equal(new SubscriptionsEnded(Ended: 0, Refused: 0, Unanswered: 2), ended);
        Assert.False(gateway.Subscriptions.IsSubscribed(CameraId, "Alarm"));
        Assert.False(gateway.Subscriptions.IsSubscribed(CameraId, "MobilePosition"));
    }

    [Fact]
    public async Task The_host_shutdown_timeout_cuts_the_wait_short()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog), IgnoreUnsubscribe = true };
        await camera.RegisterAndSyncAsync(gateway);
        await gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600));
        camera.DrainReceived();
        using var hostTimeout = new CancellationTokenSource();

        var stop = gateway.Service.StopAsync(hostTimeout.Token);
        Assert.Equal(0, (await camera.NextRequestAsync(SipMethod.Subscribe)).Expires);
        await hostTimeout.CancelAsync(); // the host's shutdown timeout ran out before our 2 s

        await stop.WaitAsync(LowerHarness.Wait);
        Assert.False(gateway.Subscriptions.IsSubscribed(CameraId, "Alarm"));
    }

    [Fact]
    public async Task Answers_are_counted_ended_or_refused()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        await camera.RegisterAndSyncAsync(gateway);
        await gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600));
        await gateway.Client.SubscribeMobilePositionAsync(CameraId, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(600));
        camera.SubscribeStatus = SipStatus.Forbidden;

        var ended = await gateway.Subscriptions.EndAllAsync(LowerShutdownDeadline, CancellationToken.None).WaitAsync(LowerHarness.Wait);

        Assert.Equal(new SubscriptionsEnded(Ended: 0, Refused: 2, Unanswered: 0), ended);
        Assert.Equal(default, await gateway.Subscriptions.EndAllAsync(LowerShutdownDeadline, CancellationToken.None)); // nothing left to end
    }

    private static TimeSpan LowerShutdownDeadline => LowerDomainService.UnsubscribeDeadline;
}
