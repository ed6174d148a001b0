using System.Text;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>Every IDeviceClient method against an in-test camera: the MESSAGE body on the wire (bytes) and the typed result.</summary>
public sealed class LowerDeviceClientTests : LowerCameraTestBase
{
    private const string ChannelId = "34020000001310000001";

    [Fact]
    public async Task QueryDeviceInfo_sends_the_query_to_the_device_and_returns_its_answer()
    {
        Camera.Answer = _ => [LowerVectors.Manscdp("000-dahua-response-deviceinfo.xml")];

        var info = await Gateway.Client.QueryDeviceInfoAsync(CameraId);

        var sent = await Camera.NextRequestAsync();
        AssertQuery(sent, "DeviceInfo", CameraId, string.Empty);
        Assert.Equal(CameraId, sent.RequestUri.User);
        Assert.Equal(LowerHarness.ServerId, sent.From.Uri.User);
        Assert.Equal(CameraId, sent.To.Uri.User);
        Assert.Equal(ManscdpCodec.ContentType, sent.ContentType);
        Assert.Equal("Dahua", info.Manufacturer);
        Assert.Equal("2.623.0000000.17.R,2019-01-19", info.Firmware);
    }

    [Fact]
    public async Task QueryCatalog_aggregates_every_message_of_the_answer()
    {
        Camera.Answer = _ => LowerVectors.DahuaCatalog;

        var items = await Gateway.Client.QueryCatalogAsync(CameraId);

        AssertQuery(await Camera.NextRequestAsync(), "Catalog", CameraId, string.Empty);
        Assert.Equal(["停车场\U00020BB7入口", "东门通道", "西门㐀岗亭"], items.OrderBy(i => i.DeviceId, StringComparer.Ordinal).Select(i => i.Name));
    }

    [Fact]
    public async Task QueryDeviceStatus_targets_the_given_id()
    {
        Camera.Answer = _ => [LowerVectors.Manscdp("000-dahua-response-devicestatus.xml")];

        var status = await Gateway.Client.QueryDeviceStatusAsync(CameraId, ChannelId);

        AssertQuery(await Camera.NextRequestAsync(), "DeviceStatus", ChannelId, string.Empty);
        Assert.Equal("ONLINE", status.Online);
        Assert.Equal("OK", status.Result);
    }

    [Fact]
    public async Task QueryRecordInfo_sends_the_time_window_and_aggregates_the_records()
    {
        var full = Encoding.Latin1.GetString(LowerVectors.Manscdp("000-hikvision-nvr-response-recordinfo.xml"));
        var second = full.IndexOf("<Item>", full.IndexOf("<Item>", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        var end = full.IndexOf("</RecordList>", StringComparison.Ordinal);
        var start = full.IndexOf("<Item>", StringComparison.Ordinal);
        var part1 = full[..second] + full[end..]; // first record only, SumNum still 2
        var part2 = full[..start] + full[second..]; // second record only
        Camera.Answer = _ => [Encoding.Latin1.GetBytes(part1), Encoding.Latin1.GetBytes(part2)];
        var query = new RecordInfoQuery
        {
            Sn = 0,
            DeviceId = ChannelId,
            StartTime = new DateTime(2024, 5, 4, 0, 0, 0),
            EndTime = new DateTime(2024, 5, 4, 23, 59, 59),
            Type = "all",
        };

        var records = await Gateway.Client.QueryRecordInfoAsync(CameraId, query);

        AssertQuery(await Camera.NextRequestAsync(), "RecordInfo", ChannelId,
            "<StartTime>2024-05-04T00:00:00</StartTime>\r\n<EndTime>2024-05-04T23:59:59</EndTime>\r\n<Type>all</Type>\r\n");
        Assert.Equal(2, records.Items.Count);
        Assert.Equal(2, records.SumNum);
        Assert.Equal(["1714804996_1714806986", "1714806986_1714808977"], records.Items.Select(r => r.FilePath).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task QueryPresets_decodes_gb2312_preset_names()
    {
        Camera.Answer = _ => [LowerVectors.Manscdp("001-hikvision-response-preset.xml")];

        var presets = await Gateway.Client.QueryPresetsAsync(CameraId, ChannelId);

        AssertQuery(await Camera.NextRequestAsync(), "PresetQuery", ChannelId, string.Empty);
        Assert.Equal(new PresetItem("1", "预置点 1"), Assert.Single(presets.Items));
    }

    [Fact]
    public async Task QueryConfig_sends_the_config_type()
    {
        Camera.Answer = _ => [LowerVectors.Manscdp("001-hikvision-response-configdownload.xml")];

        var config = await Gateway.Client.QueryConfigAsync(CameraId, new ConfigDownloadQuery { Sn = 0, DeviceId = CameraId, ConfigType = "BasicParam" });

        AssertQuery(await Camera.NextRequestAsync(), "ConfigDownload", CameraId, "<ConfigType>BasicParam</ConfigType>\r\n");
        Assert.Equal(30, config.BasicParam!.HeartBeatInterval);
        Assert.Equal(3, config.BasicParam.HeartBeatCount);
    }

    [Fact]
    public async Task A_ptz_control_completes_on_the_200_without_a_manscdp_answer()
    {
        Camera.Answer = _ => null;

        var result = await Gateway.Client.SendControlAsync(CameraId, new DeviceControl { Sn = 0, DeviceId = ChannelId, PtzCmd = "A50F010800FA00B7" });

        Assert.Null(result);
        var sent = await Camera.NextRequestAsync();
        var sn = ManscdpCodec.Peek(sent.Body.Span).Sn;
        Assert.Equal(
            $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Control>\r\n<CmdType>DeviceControl</CmdType>\r\n<SN>{sn}</SN>\r\n<DeviceID>{ChannelId}</DeviceID>\r\n" +
            "<PTZCmd>A50F010800FA00B7</PTZCmd>\r\n</Control>\r\n",
            Encoding.ASCII.GetString(sent.Body.Span));
        Assert.Equal(0, Gateway.Correlator.PendingCount);
    }

    [Fact]
    public async Task Other_controls_return_the_device_result()
    {
        Camera.Answer = q => [Encoding.ASCII.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>DeviceControl</CmdType>\r\n<SN>{q.Sn}</SN>\r\n<DeviceID>{ChannelId}</DeviceID>\r\n<Result>ERROR</Result>\r\n</Response>\r\n")];

        var result = await Gateway.Client.SendControlAsync(CameraId, new DeviceControl { Sn = 0, DeviceId = ChannelId, RecordCmd = "Record" });

        Assert.NotNull(result);
        Assert.False(result.IsOk);
        Assert.Contains("<RecordCmd>Record</RecordCmd>", Encoding.ASCII.GetString((await Camera.NextRequestAsync()).Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendConfig_returns_the_device_result()
    {
        Camera.Answer = _ => [LowerVectors.Manscdp("001-device-response-deviceconfig.xml")];

        var result = await Gateway.Client.SendConfigAsync(CameraId, new DeviceConfig
        {
            Sn = 0, DeviceId = CameraId, BasicParam = new BasicParam { Name = "大门", Expiration = 3600 },
        });

        Assert.True(result.IsOk);
        var body = (await Camera.NextRequestAsync()).Body.ToArray();
        Assert.Contains("<Name>大门</Name>", Protocol.Text.GbEncodings.Gbk.GetString(body), StringComparison.Ordinal); // sent in the device's charset
    }

    [Fact]
    public async Task SubscribeAlarms_sends_an_alarm_subscribe_and_keeps_it()
    {
        await Gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600));

        var subscribe = await Camera.NextRequestAsync(SipMethod.Subscribe);
        Assert.StartsWith("Alarm;id=", subscribe.Headers.GetFirst(SipHeaderKind.Event), StringComparison.Ordinal);
        Assert.Equal(600, subscribe.Expires);
        var query = Assert.IsType<AlarmQuery>(ManscdpCodec.Parse(subscribe.Body.Span));
        Assert.Equal(CameraId, query.DeviceId);
        Assert.True(Gateway.Subscriptions.IsSubscribed(CameraId, "Alarm"));

        foreach (var step in new[] { 170, 170 })
        {
            Gateway.Time.Advance(TimeSpan.FromSeconds(step));
            Assert.Equal(SipStatus.Ok, (await Camera.KeepaliveAsync()).StatusCode);
        }

        Gateway.Time.Advance(TimeSpan.FromSeconds(140)); // refreshed at 4/5 of the 600 s, in the dialog
        var refresh = await Camera.NextRequestAsync(SipMethod.Subscribe);
        Assert.NotNull(refresh.To.Tag);
        Assert.Equal(subscribe.CallId, refresh.CallId);
        Assert.Equal(subscribe.Headers.GetFirst(SipHeaderKind.Event), refresh.Headers.GetFirst(SipHeaderKind.Event)); // the same subscription (RFC 6665 §4.1.2.1)
    }

    [Fact]
    public async Task SubscribeMobilePosition_sends_the_interval_and_a_refusal_throws_rejected()
    {
        await Gateway.Client.SubscribeMobilePositionAsync(CameraId, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3600));
        var subscribe = await Camera.NextRequestAsync(SipMethod.Subscribe);
        Assert.Equal(5, Assert.IsType<MobilePositionQuery>(ManscdpCodec.Parse(subscribe.Body.Span)).Interval);

        Camera.SubscribeStatus = SipStatus.BadEvent;
        var refused = await Assert.ThrowsAsync<DeviceRequestException>(() => Gateway.Client.SubscribeAlarmsAsync(CameraId, TimeSpan.FromSeconds(600)));
        Assert.Equal(DeviceRequestError.Rejected, refused.Error);
        Assert.Equal(SipStatus.BadEvent, refused.SipStatus);
        Assert.False(Gateway.Subscriptions.IsSubscribed(CameraId, "Alarm"));
    }

    [Fact]
    public async Task A_device_refusing_the_message_gives_rejected_with_its_status()
    {
        Camera.MessageStatus = SipStatus.Forbidden;

        var error = await Assert.ThrowsAsync<DeviceRequestException>(() => Gateway.Client.QueryDeviceInfoAsync(CameraId));

        Assert.Equal(DeviceRequestError.Rejected, error.Error);
        Assert.Equal(SipStatus.Forbidden, error.SipStatus);
        Assert.Equal(0, Gateway.Correlator.PendingCount);
    }

    [Fact]
    public async Task Unknown_and_offline_devices_are_refused_without_sending_anything()
    {
        var unknown = await Assert.ThrowsAsync<DeviceRequestException>(() => Gateway.Client.QueryDeviceInfoAsync("34020000001320000099"));
        Assert.Equal(DeviceRequestError.UnknownDevice, unknown.Error);

        Gateway.Time.Advance(TimeSpan.FromSeconds(181));
        await LowerHarness.UntilAsync(() => !Gateway.Directory.FindDevice(CameraId)!.Online, "the camera went offline");
        var offline = await Assert.ThrowsAsync<DeviceRequestException>(() => Gateway.Client.QueryDeviceInfoAsync(CameraId));
        Assert.Equal(DeviceRequestError.Offline, offline.Error);
    }

    [Fact]
    public async Task Sns_are_monotonic_across_requests()
    {
        Camera.Answer = _ => [LowerVectors.Manscdp("000-dahua-response-deviceinfo.xml")];
        await Gateway.Client.QueryDeviceInfoAsync(CameraId);
        await Gateway.Client.QueryDeviceInfoAsync(CameraId);

        var first = ManscdpCodec.Peek((await Camera.NextRequestAsync()).Body.Span).Sn;
        var second = ManscdpCodec.Peek((await Camera.NextRequestAsync()).Body.Span).Sn;

        Assert.True(second > first, $"{second} after {first}");
    }

    private static void AssertQuery(SipRequest sent, string cmdType, string deviceId, string rest)
    {
        var sn = ManscdpCodec.Peek(sent.Body.Span).Sn;
        Assert.Equal(
            $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Query>\r\n<CmdType>{cmdType}</CmdType>\r\n<SN>{sn}</SN>\r\n<DeviceID>{deviceId}</DeviceID>\r\n{rest}</Query>\r\n",
            Encoding.ASCII.GetString(sent.Body.Span));
    }
}
