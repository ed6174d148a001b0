using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>The upper domain end to end on loopback: real SIP endpoints, a platform on the SIP stack, seed catalogs below.</summary>
public sealed class UpperDomainTests : IAsyncLifetime
{
    private const string Camera = FakeDeviceDirectory.CameraId;
    private UpperTestPlatform _platform = null!;
    private UpperTestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _platform = new UpperTestPlatform();
        _gateway = await UpperTestGateway.StartAsync(_platform.Port, p => p.KeepaliveIntervalSeconds = 60);
        _gateway.Devices.Add(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.LoadCatalog("000-dahua-response-catalog.xml")
            .Select(i => i with { Name = "大门", Password = "12345678", IpAddress = "10.0.0.5", Port = "5060" }));
        await Wait.UntilAsync(() => _gateway.Context.Session.IsRegistered, "registration");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _platform.DisposeAsync();
    }

    private int GatewayPort => _gateway.Platform.LocalPort;

    /// <summary>The Hikvision NVR sorts first and keeps the camera ID; the Dahua IPC's camera with the same ID is renumbered.</summary>
    private string DahuaCameraUpperId
    {
        get
        {
            Assert.True(_gateway.Upper.TryMapUp("province", new(FakeDeviceDirectory.Dahua, Camera), out var id));
            return id;
        }
    }

    [Fact]
    public async Task Catalog_query_returns_every_shared_channel_across_messages_with_sumnum_and_the_platform_sn()
    {
        var status = await _platform.SendAsync(GatewayPort, new CatalogQuery { Sn = 31, DeviceId = UpperTestGateway.GatewayDeviceId });

        Assert.Equal(SipStatus.Ok, status);
        await Wait.UntilAsync(() => _platform.Received<CatalogResponse>().Count() == 3, "three catalog messages");
        var answers = _platform.Received<CatalogResponse>().ToList();
        Assert.All(answers, a => Assert.Equal(31, a.Sn));
        Assert.All(answers, a => Assert.Equal(3, a.SumNum));
        Assert.All(answers, a => Assert.Equal(UpperTestGateway.GatewayDeviceId, a.DeviceId));
        var items = answers.SelectMany(a => a.Items).ToList();
        Assert.Equal(3, items.Select(i => i.DeviceId).Distinct().Count());
        Assert.Contains(items, i => i.DeviceId == Camera && i.Manufacturer == "Hikvision");
        Assert.Contains(items, i => i.DeviceId == FakeDeviceDirectory.AlarmInputId);
        var dahua = Assert.Single(items, i => i.Manufacturer == "Dahua");
        Assert.Equal(DahuaCameraUpperId, dahua.DeviceId);
        Assert.StartsWith("4101050000131", dahua.DeviceId, StringComparison.Ordinal);
        Assert.Equal("大门", dahua.Name);
        Assert.All(items, i => Assert.Equal(UpperTestGateway.GatewayDeviceId, i.ParentId));
        Assert.All(items, i => Assert.True(i.Password is null && i.IpAddress is null && i.Port is null, "secrets and addresses must be stripped"));
        var raw = _platform.Messages.Select(m => m.Raw).Single(r => ManscdpCodec.Parse(r) is CatalogResponse c && c.Items[0].Manufacturer == "Dahua");
        Assert.True(raw.AsSpan().IndexOf(new byte[] { 0xB4, 0xF3, 0xC3, 0xC5 }) >= 0, "the name goes out in GB2312");
        Assert.All(_platform.Messages, m => Assert.True(m.Raw.Length < 1300, $"a UDP body of {m.Raw.Length} bytes"));
    }

    [Fact]
    public async Task A_platform_that_registers_again_and_reuses_an_sn_before_its_200_arrives_is_answered_again()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => (p.KeepaliveIntervalSeconds, p.KeepaliveMaxMisses) = (1, 1));
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");
        var port = gateway.Platform.LocalPort;
        Assert.Equal(SipStatus.Ok, await platform.SendAsync(port, new CatalogQuery { Sn = 1, DeviceId = UpperTestGateway.GatewayDeviceId }));
        await Wait.UntilAsync(() => platform.Received<CatalogResponse>().Count(c => c.Sn == 1) == 3, "the first answer to SN 1");

        // The platform restarts: keepalives fail, the gateway registers again, and the restarted platform asks with
        // SN 1 again while its 200 to that REGISTER is still on the way (before the gateway has stored it).
        platform.BeforeRegisterAnswer = async () =>
        {
            platform.BeforeRegisterAnswer = null;
            platform.MessageStatus = SipStatus.Ok;
            Assert.Equal(SipStatus.Ok, await platform.SendAsync(port, new CatalogQuery { Sn = 1, DeviceId = UpperTestGateway.GatewayDeviceId }));
        };
        platform.MessageStatus = SipStatus.ServiceUnavailable;

        await Wait.UntilAsync(() => platform.Received<CatalogResponse>().Count(c => c.Sn == 1) == 6, "the second answer to SN 1");
    }

    [Fact]
    public async Task A_repeated_catalog_query_with_the_same_sn_gets_one_answer_stream()
    {
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, new CatalogQuery { Sn = 40, DeviceId = UpperTestGateway.GatewayDeviceId }));
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, new CatalogQuery { Sn = 40, DeviceId = UpperTestGateway.GatewayDeviceId }));
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, new CatalogQuery { Sn = 41, DeviceId = UpperTestGateway.GatewayDeviceId }));

        await Wait.UntilAsync(() => _platform.Received<CatalogResponse>().Count(c => c.Sn == 41) == 3, "the answer to SN 41");
        await Wait.UntilAsync(() => _platform.Received<CatalogResponse>().Count(c => c.Sn == 40) >= 3, "the answer to SN 40");
        await _gateway.Upper.StopAsync(TimeSpan.FromSeconds(2)); // every answer stream finished

        Assert.Equal(3, _platform.Received<CatalogResponse>().Count(c => c.Sn == 40));
    }

    [Fact]
    public async Task DeviceInfo_and_DeviceStatus_of_the_gateway_are_answered_by_the_gateway()
    {
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, new DeviceInfoQuery { Sn = 5, DeviceId = UpperTestGateway.GatewayDeviceId }));
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, new DeviceStatusQuery { Sn = 6, DeviceId = UpperTestGateway.GatewayDeviceId }));

        await Wait.UntilAsync(() => _platform.Received<DeviceInfoResponse>().Any() && _platform.Received<DeviceStatusResponse>().Any(), "both answers");
        var info = _platform.Received<DeviceInfoResponse>().Single();
        Assert.Equal((5, UpperTestGateway.GatewayDeviceId, "OK", 3), (info.Sn, info.DeviceId, info.Result, info.Channel));
        var status = _platform.Received<DeviceStatusResponse>().Single();
        Assert.Equal((6, "ONLINE", "OK"), (status.Sn, status.Online, status.Result));
        Assert.Empty(_gateway.DeviceClient.Requests);
    }

    [Fact]
    public async Task RecordInfo_goes_to_the_owning_device_with_its_own_channel_id_and_comes_back_mapped()
    {
        var upperId = DahuaCameraUpperId;
        var query = new RecordInfoQuery { Sn = 77, DeviceId = upperId, StartTime = new DateTime(2024, 5, 4), EndTime = new DateTime(2024, 5, 5), Type = "all" };

        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, query));

        await Wait.UntilAsync(() => _platform.Received<RecordInfoResponse>().Count() == 2, "two RecordInfo messages");
        var (device, request) = Assert.Single(_gateway.DeviceClient.Requests);
        Assert.Equal(FakeDeviceDirectory.Dahua, device);
        var forwarded = Assert.IsType<RecordInfoQuery>(request);
        Assert.Equal(Camera, forwarded.DeviceId);
        Assert.Equal("all", forwarded.Type);
        var answers = _platform.Received<RecordInfoResponse>().ToList();
        Assert.All(answers, a => Assert.Equal((77L, upperId, 2), (a.Sn, a.DeviceId, a.SumNum ?? -1)));
        Assert.All(answers.SelectMany(a => a.Items), i => Assert.Equal(upperId, i.DeviceId));
        Assert.Equal(2, answers.SelectMany(a => a.Items).Select(i => i.FilePath).Distinct().Count());
    }

    [Fact]
    public async Task Ptz_reaches_the_device_with_the_original_channel_id()
    {
        var control = new DeviceControl { Sn = 9, DeviceId = DahuaCameraUpperId, PtzCmd = "A50F01021F0000D6" };

        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, control));

        await Wait.UntilAsync(() => !_gateway.DeviceClient.Requests.IsEmpty, "the control at the device");
        var (device, request) = Assert.Single(_gateway.DeviceClient.Requests);
        Assert.Equal(FakeDeviceDirectory.Dahua, device);
        var forwarded = Assert.IsType<DeviceControl>(request);
        Assert.Equal((Camera, "A50F01021F0000D6"), (forwarded.DeviceId, forwarded.PtzCmd));
    }

    [Fact]
    public async Task Ptz_is_refused_with_403_when_the_platform_may_not_steer()
    {
        _gateway.Platform.AllowPtz = false;

        var status = await _platform.SendAsync(GatewayPort, new DeviceControl { Sn = 10, DeviceId = Camera, PtzCmd = "A50F01021F0000D6" });

        Assert.Equal(SipStatus.Forbidden, status);
        Assert.Empty(_gateway.DeviceClient.Requests);
    }

    [Theory]
    [InlineData("34020000001310009999")] // nobody's channel
    [InlineData("34020000001320000002")] // a device, not a shared channel
    public async Task A_query_for_an_unknown_channel_gets_404(string target)
    {
        Assert.Equal(SipStatus.NotFound, await _platform.SendAsync(GatewayPort, new RecordInfoQuery { Sn = 12, DeviceId = target }));
        Assert.Equal(SipStatus.NotFound, await _platform.SendAsync(GatewayPort, new DeviceControl { Sn = 13, DeviceId = target, PtzCmd = "A50F01021F0000D6" }));
        Assert.Empty(_gateway.DeviceClient.Requests);
    }

    [Fact]
    public async Task An_alarm_from_below_reaches_the_platform_with_the_mapped_channel_id()
    {
        var seed = (AlarmNotify)ManscdpCodec.Parse(File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "manscdp", "001-hikvision-notify-alarm.xml")));
        var alarm = seed with { DeviceId = Camera };

        _gateway.Bus.Publish(new DeviceAlarmEvent(FakeDeviceDirectory.Dahua, alarm) { Timestamp = DateTimeOffset.UtcNow });

        await Wait.UntilAsync(() => _platform.Received<AlarmNotify>().Any(), "the alarm at the platform");
        var received = _platform.Received<AlarmNotify>().Single();
        Assert.Equal(DahuaCameraUpperId, received.DeviceId);
        Assert.Equal((seed.AlarmPriority, seed.AlarmMethod, seed.AlarmDescription), (received.AlarmPriority, received.AlarmMethod, received.AlarmDescription));
    }

    [Fact]
    public async Task A_device_going_offline_produces_a_catalog_notify_in_the_subscription()
    {
        var subscribed = await _platform.SubscribeAsync(GatewayPort, "Catalog;id=1", new CatalogQuery { Sn = 50, DeviceId = UpperTestGateway.GatewayDeviceId }, 600);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        Assert.Equal(600, subscribed.Response.Expires);
        await Wait.UntilAsync(() => _platform.Notifies.Count == 3, "the initial NOTIFYs (three shared channels, one per message)");

        var off = _gateway.Devices.GetChannels(FakeDeviceDirectory.Dahua).Select(i => i with { Event = "OFF", Status = "OFF" }).ToList();
        _gateway.Bus.Publish(new ChannelsChangedEvent(FakeDeviceDirectory.Dahua, off) { Timestamp = DateTimeOffset.UtcNow });

        await Wait.UntilAsync(() => _platform.Notifies.Count >= 4, "the OFF NOTIFY");
        var (state, message) = _platform.Notifies.Last();
        Assert.StartsWith("active;expires=", state, StringComparison.Ordinal);
        var notify = Assert.IsType<CatalogNotify>(message);
        var item = Assert.Single(notify.Items);
        Assert.Equal((DahuaCameraUpperId, CatalogEvent.Off, UpperTestGateway.GatewayDeviceId), (item.DeviceId, item.EventKind, item.ParentId));
        Assert.Null(item.Password);

        await _gateway.Upper.StopAsync(TimeSpan.FromSeconds(2)); // the gateway going down ends the subscription
        Assert.StartsWith("terminated", _platform.Notifies.Last().SubscriptionState, StringComparison.Ordinal);
        Assert.Equal(0, _platform.RegisterRequests.Last().Expires);
    }

    [Fact]
    public void The_platform_directory_shows_the_registration_and_shared_channels()
    {
        var view = Assert.Single(_gateway.Upper.GetPlatforms());

        Assert.Equal(("province", "Registered", 3), (view.Options.Name, view.State.State, view.State.SharedChannelCount));
        Assert.True(_gateway.Upper.TryMapDown("province", DahuaCameraUpperId, out var channel));
        Assert.Equal(new Cascade.State.ChannelRef(FakeDeviceDirectory.Dahua, Camera), channel);
        Assert.False(_gateway.Upper.TryMapDown("city", Camera, out _));
    }

    [Fact]
    public async Task A_channel_that_appears_later_is_mapped_for_alarms_and_counted_after_its_add()
    {
        const string Late = "34020000001180000010";
        _gateway.Devices.Add(Late, [new CatalogItem { DeviceId = "34020000001320000077", Name = "late" }]);

        _gateway.Bus.Publish(new DeviceAlarmEvent(Late, new AlarmNotify { Sn = 1, DeviceId = "34020000001320000077", AlarmPriority = 1 }) { Timestamp = DateTimeOffset.UtcNow });
        await Wait.UntilAsync(() => _platform.Received<AlarmNotify>().Any(), "the alarm of the new channel");
        Assert.Equal("34020000001320000077", _platform.Received<AlarmNotify>().Single().DeviceId);

        _gateway.Bus.Publish(new ChannelsChangedEvent(Late, [new CatalogItem { DeviceId = "34020000001320000077", Event = "ADD" }]) { Timestamp = DateTimeOffset.UtcNow });
        await Wait.UntilAsync(() => _gateway.Upper.GetPlatforms()[0].State.SharedChannelCount == 4, "the shared count to follow");
    }

    [Fact]
    public async Task A_catalog_query_for_one_channel_answers_that_channel()
    {
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(GatewayPort, new CatalogQuery { Sn = 60, DeviceId = DahuaCameraUpperId }));

        await Wait.UntilAsync(() => _platform.Received<CatalogResponse>().Any(), "the answer");
        var answer = _platform.Received<CatalogResponse>().Single();
        Assert.Equal((60L, DahuaCameraUpperId, 1), (answer.Sn, answer.DeviceId, answer.SumNum ?? -1));
        Assert.Equal((DahuaCameraUpperId, "Dahua"), (answer.Items[0].DeviceId, answer.Items[0].Manufacturer));
    }
}
