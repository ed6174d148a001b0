using System.Text;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

public sealed class LowerCatalogTests
{
    private const string CameraId = LowerVectors.SeedCameraId;

    [Fact]
    public async Task A_catalog_split_over_gb18030_messages_is_aggregated_with_names_decoded_and_saved()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.DahuaCatalog) };

        await camera.RegisterAsync();

        var added = await gateway.NextEventAsync<ChannelsChangedEvent>();
        Assert.All(added.Changes, c => Assert.Equal("ADD", c.Event));
        var channels = gateway.Directory.GetChannels(CameraId);
        Assert.Equal(
            ["停车场\U00020BB7入口", "东门通道", "西门㐀岗亭"],
            channels.OrderBy(c => c.DeviceId, StringComparer.Ordinal).Select(c => c.Name));
        Assert.Equal(["ON", "ON", "OFF"], channels.OrderBy(c => c.DeviceId, StringComparer.Ordinal).Select(c => c.Status));
        var record = gateway.Directory.FindDevice(CameraId)!;
        Assert.Equal(3, record.ChannelCount);
        Assert.Equal("Dahua", record.Manufacturer); // from DeviceInfo
        Assert.Equal("GB18030", record.CharacterSet);
        Assert.Equal(3, (await gateway.Store.LoadCatalogAsync(CameraId)).Items.Count);
        Assert.Equal(CameraId, Assert.Single(gateway.Directory.FindChannel("34020000001310000002")).DeviceId);
    }

    [Fact]
    public async Task Repeated_items_are_counted_once_and_the_catalog_completes_at_sumnum_distinct_items()
    {
        await using var gateway = await LowerHarness.StartAsync();
        var parts = LowerVectors.DahuaCatalog;
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(parts[0], parts[0], parts[1]) };
        await camera.RegisterAsync();

        // three messages but two distinct items: only the third distinct item completes the catalog
        var query = ManscdpCodec.Parse((await camera.NextRequestAsync(cmdType: ManscdpCmdType.Catalog)).Body.Span);
        Assert.Equal(SipStatus.Ok, (await camera.SendAsync(LowerTestDevice.WithSn(parts[2], query.Sn))).StatusCode);

        var added = await gateway.NextEventAsync<ChannelsChangedEvent>();
        Assert.Equal(["34020000001310000001", "34020000001310000002", "34020000001310000003"], added.Changes.Select(c => c.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal(3, gateway.Directory.GetChannels(CameraId).Count);
    }

    [Fact]
    public async Task On_timeout_the_items_that_arrived_are_kept()
    {
        await using var gateway = await LowerHarness.StartAsync();
        var parts = LowerVectors.DahuaCatalog;
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(parts[0], parts[1]) };
        await camera.RegisterAsync();
        await LowerHarness.UntilAsync(() => camera.AnswersAcknowledged == 3, "DeviceInfo and two catalog parts were taken in");

        gateway.Time.Advance(TimeSpan.FromSeconds(30));

        await LowerHarness.UntilAsync(() => gateway.Directory.GetChannels(CameraId).Count == 2, "the partial catalog was kept");
        Assert.Equal(0, gateway.Correlator.PendingCount);
    }

    [Fact]
    public async Task An_oversize_catalog_is_refused_and_the_previous_catalog_kept()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        await camera.RegisterAsync();
        await LowerHarness.UntilAsync(() => gateway.Directory.GetChannels(CameraId).Count == 2, "the first catalog arrived");
        var absurd = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(LowerVectors.HikvisionCatalog[0]).Replace("<SumNum>2</SumNum>", "<SumNum>50000</SumNum>", StringComparison.Ordinal));
        camera.Answer = LowerVectors.Camera(absurd);
        gateway.Directory.TryGet(CameraId, out var entry);

        var refused = await Assert.ThrowsAsync<Cascade.Lower.DeviceRequestException>(() => gateway.Client.QueryCatalogAsync(CameraId));
        await gateway.Catalogs.RunAsync(entry!, withDeviceInfo: false);

        Assert.Equal(Cascade.Lower.DeviceRequestError.BadAnswer, refused.Error);
        Assert.Contains("50000", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, gateway.Directory.GetChannels(CameraId).Count);
        Assert.Equal(2, (await gateway.Store.LoadCatalogAsync(CameraId)).Items.Count);
        Assert.True(gateway.Directory.FindDevice(CameraId)!.Online);
    }

    [Fact]
    public async Task The_catalog_subscription_is_sent_and_its_notifications_update_the_channels()
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.CatalogSubscriptionSeconds = 3600;
        await using var gateway = await LowerHarness.StartAsync(options);
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        await camera.RegisterAsync();

        var subscribe = await camera.NextRequestAsync(SipMethod.Subscribe);
        Assert.StartsWith("Catalog;id=", subscribe.Headers.GetFirst(SipHeaderKind.Event), StringComparison.Ordinal);
        Assert.Equal(3600, subscribe.Expires);
        Assert.IsType<CatalogQuery>(ManscdpCodec.Parse(subscribe.Body.Span));
        await LowerHarness.UntilAsync(() => gateway.Subscriptions.IsSubscribed(CameraId, "Catalog"), "subscribed");
        await gateway.NextEventAsync<ChannelsChangedEvent>(); // the first catalog
        var dialog = camera.Agent.Dialogs.Single(d => d.Method == SipMethod.Subscribe);

        var notify = dialog.CreateRequest(SipMethod.Notify);
        notify.Headers.Add(SipHeaderKind.Event, "Catalog");
        notify.Headers.Add(SipHeaderKind.SubscriptionState, "active;expires=3500");
        notify.ContentType = ManscdpCodec.ContentType;
        notify.Body = Protocol.Text.GbEncodings.Gb18030.GetBytes(
            "<?xml version=\"1.0\" encoding=\"GB18030\"?>\r\n<Notify>\r\n<CmdType>Catalog</CmdType>\r\n<SN>5</SN>\r\n<DeviceID>" + CameraId + "</DeviceID>\r\n" +
            "<SumNum>2</SumNum>\r\n<DeviceList Num=\"2\">\r\n" +
            "<Item><DeviceID>34020000001310000001</DeviceID><Event>OFF</Event></Item>\r\n" +
            "<Item><DeviceID>34020000001310000009</DeviceID><Event>ADD</Event><Name>新增通道</Name><Status>ON</Status></Item>\r\n" +
            "</DeviceList>\r\n</Notify>\r\n");
        var response = await dialog.SendRequestAsync(notify);

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        var changed = await gateway.NextEventAsync<ChannelsChangedEvent>();
        Assert.Equal(["OFF", "ADD"], changed.Changes.Select(c => c.Event));
        var channels = gateway.Directory.GetChannels(CameraId);
        Assert.Equal("OFF", channels.Single(c => c.DeviceId == "34020000001310000001").Status);
        Assert.Equal("新增通道", channels.Single(c => c.DeviceId == "34020000001310000009").Name);
        Assert.Equal(3, (await gateway.Store.LoadCatalogAsync(CameraId)).Items.Count);
    }

    [Fact]
    public async Task A_device_refusing_the_subscribe_is_simply_not_subscribed()
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.CatalogSubscriptionSeconds = 3600;
        options.Sip.CatalogRefreshSeconds = 600;
        options.Sip.KeepaliveTimeoutSeconds = 3600;
        await using var gateway = await LowerHarness.StartAsync(options);
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog), SubscribeStatus = SipStatus.BadEvent };
        await camera.RegisterAsync();
        await camera.NextRequestAsync(SipMethod.Subscribe);
        gateway.Directory.TryGet(CameraId, out var entry);
        await LowerHarness.UntilAsync(() => entry!.CatalogTimer is not null, "the first sync finished");

        Assert.False(gateway.Subscriptions.IsSubscribed(CameraId, "Catalog"));
        Assert.Equal(2, gateway.Directory.GetChannels(CameraId).Count);
        Assert.Empty(camera.Agent.Dialogs);

        // the next catalog refresh queries the catalog again but does not ask for the subscription again
        var firstTimer = entry!.CatalogTimer;
        gateway.Time.Advance(TimeSpan.FromSeconds(600));
        await LowerHarness.UntilAsync(() => entry.CatalogTimer != firstTimer && !entry.Synchronizing, "the refresh finished");
        var requests = camera.DrainReceived();
        Assert.Contains(requests, r => r.Method == SipMethod.Message && ManscdpCodec.Peek(r.Body.Span).CmdType == ManscdpCmdType.Catalog);
        Assert.DoesNotContain(requests, r => r.Method == SipMethod.Subscribe);
    }

    [Fact]
    public async Task The_catalog_is_queried_again_every_refresh_interval_and_changes_are_published()
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.CatalogRefreshSeconds = 600;
        options.Sip.KeepaliveTimeoutSeconds = 3600;
        await using var gateway = await LowerHarness.StartAsync(options);
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        await camera.RegisterAsync();
        gateway.Directory.TryGet(CameraId, out var entry);
        await LowerHarness.UntilAsync(() => entry!.CatalogTimer is not null && !entry.Synchronizing, "the first sync finished");
        await gateway.NextEventAsync<ChannelsChangedEvent>();
        var onlyFirst = Encoding.Latin1.GetString(LowerVectors.HikvisionCatalog[0]).Replace("<SumNum>2</SumNum>", "<SumNum>1</SumNum>", StringComparison.Ordinal);
        camera.Answer = LowerVectors.Camera(Encoding.Latin1.GetBytes(onlyFirst));

        gateway.Time.Advance(TimeSpan.FromSeconds(600));

        var removed = await gateway.NextEventAsync<ChannelsChangedEvent>();
        Assert.True(removed.Changes.Count == 1, string.Join("\n", removed.Changes));
        Assert.Equal("34020000001340000001", Assert.Single(removed.Changes).DeviceId);
        Assert.Equal("DEL", removed.Changes[0].Event);
        Assert.Single(gateway.Directory.GetChannels(CameraId));
    }

    [Fact]
    public async Task A_device_that_restarts_while_its_catalog_is_being_queried_is_queried_again()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = _ => null }; // silent at first
        await camera.RegisterAsync(callId: "boot-1");
        await camera.NextRequestAsync(cmdType: ManscdpCmdType.DeviceInfo);
        camera.Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog);

        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync(callId: "boot-2")).StatusCode); // a new Call-ID: it rebooted
        gateway.Time.Advance(TimeSpan.FromSeconds(30)); // the first sync's queries time out

        await LowerHarness.UntilAsync(() => gateway.Directory.GetChannels(CameraId).Count == 2, "the catalog was queried again and arrived");
    }
}
