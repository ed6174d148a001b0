using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Ptz;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Tests;

/// <summary>The real device and platform bodies of the seed captures (tests/vectors/manscdp).</summary>
public sealed class ManscdpSeedTests
{
    [Theory]
    [MemberData(nameof(Vectors.ManscdpNames), MemberType = typeof(Vectors))]
    public void Vector_round_trips_in_every_charset_and_peek_agrees_with_parse(string name)
    {
        var bytes = Vectors.Manscdp(name);
        var message = ManscdpCodec.Parse(bytes);

        Assert.Equal(message.Header, ManscdpCodec.Peek(bytes));
        foreach (var charset in Enum.GetValues<GbCharset>())
        {
            var encoded = ManscdpCodec.Encode(message, charset);
            Assert.Equal(message, ManscdpCodec.Parse(encoded));
        }
    }

    [Theory]
    [MemberData(nameof(Vectors.ManscdpNames), MemberType = typeof(Vectors))]
    public void Vector_split_at_every_offset_and_byte_by_byte_reads_the_same(string name)
    {
        var bytes = Vectors.Manscdp(name);
        var expected = ManscdpCodec.Parse(bytes);
        for (var at = 1; at < bytes.Length; at++)
        {
            var sequence = Vectors.Split(bytes, at);
            Assert.Equal(expected, ManscdpCodec.Parse(sequence));
            Assert.Equal(expected.Header, ManscdpCodec.Peek(sequence));
        }

        Assert.Equal(expected, ManscdpCodec.Parse(Vectors.OneByteSegments(bytes)));
    }

    [Fact]
    public void Dahua_keepalive()
    {
        var keepalive = Assert.IsType<KeepaliveNotify>(ManscdpCodec.Parse(Vectors.Manscdp("000-dahua-keepalive.xml")));
        Assert.Equal(new ManscdpHeader(ManscdpRoot.Notify, "Keepalive", 539, "34020000001320000002"), keepalive.Header);
        Assert.Equal("OK", keepalive.Status);
        Assert.Empty(keepalive.FaultDeviceIds);
    }

    [Fact]
    public void Hikvision_keepalive_with_18_digit_id_no_declaration_and_trailing_nul()
    {
        var bytes = Vectors.Manscdp("004-hikvision-keepalive-18digit.xml");
        Assert.Equal(0, bytes[^1]);
        var keepalive = Assert.IsType<KeepaliveNotify>(ManscdpCodec.Parse(bytes));
        Assert.Equal("130909113319427420", keepalive.DeviceId);
        Assert.Equal(2749, keepalive.Sn);
    }

    [Fact]
    public void Dahua_catalog_keeps_every_field_and_the_vendor_StreamNum()
    {
        var catalog = Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(Vectors.Manscdp("000-dahua-response-catalog.xml")));
        Assert.Equal(1, catalog.SumNum);
        var item = Assert.Single(catalog.Items);
        Assert.Equal("34020000001310000001", item.DeviceId);
        Assert.Equal("DH71", item.Name);
        Assert.Equal("Dahua", item.Manufacturer);
        Assert.Equal("340200", item.CivilCode);
        Assert.Equal("axy", item.Address);
        Assert.Equal("0", item.Parental);
        Assert.Equal(["34020000001320000002"], item.ParentIds);
        Assert.True(item.IsOnline);
        Assert.Equal("3", item.Info?.PtzType);
        Assert.Equal("1/2/4/8", item.Info?.DownloadSpeed);
        var vendor = Assert.Single(item.Extensions);
        Assert.Equal(("StreamNum", "2"), (vendor.Name, vendor.Text));
    }

    [Fact]
    public void Hikvision_catalog_with_an_empty_name_and_an_alarm_input()
    {
        var catalog = Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(Vectors.Manscdp("001-hikvision-response-catalog.xml")));
        Assert.Equal(2, catalog.SumNum);
        Assert.Equal(["hikangname", string.Empty], catalog.Items.Select(i => i.Name));
        Assert.Equal(DeviceType.AlarmInput, DeviceId.Parse(catalog.Items[1].DeviceId).Type);
        Assert.Equal("0", catalog.Items[0].SafetyWay);
    }

    [Fact]
    public void Device_info_keeps_vendor_fields_as_extensions()
    {
        var info = Assert.IsType<DeviceInfoResponse>(ManscdpCodec.Parse(Vectors.Manscdp("000-dahua-response-deviceinfo.xml")));
        Assert.Equal(("DH-SD-6C3230UE-HN", "OK", 1, 2), (info.DeviceName, info.Result, info.Channel, info.MaxAlarm));
        Assert.Equal(["Port", "LoginName", "Password"], info.Extensions.Select(e => e.Name));

        var hik = Assert.IsType<DeviceInfoResponse>(ManscdpCodec.Parse(Vectors.Manscdp("001-hikvision-response-deviceinfo.xml")));
        Assert.Equal(("Hikvision", "DS-2CD5024EFWD", "V5.5.85"), (hik.Manufacturer, hik.Model, hik.Firmware));
    }

    [Fact]
    public void Device_status_with_alarm_inputs()
    {
        var status = Assert.IsType<DeviceStatusResponse>(ManscdpCodec.Parse(Vectors.Manscdp("000-dahua-response-devicestatus.xml")));
        Assert.Equal(("ONLINE", "OK", "ON", "OFF"), (status.Online, status.Status, status.Encode, status.Record));
        Assert.Equal(new DateTime(2024, 5, 17, 14, 24, 54), status.DeviceTime);
        Assert.Equal(
            [new AlarmStatusItem("34020000001340000001", "ONDUTY"), new AlarmStatusItem("34020000001340000002", "ONDUTY")],
            status.AlarmStatus);
    }

    [Fact]
    public void Config_download_basic_param_gives_the_heartbeat_settings()
    {
        var config = Assert.IsType<ConfigDownloadResponse>(ManscdpCodec.Parse(Vectors.Manscdp("001-hikvision-response-configdownload.xml")));
        var basic = Assert.IsType<BasicParam>(config.BasicParam);
        Assert.Equal((3600, 30, 3), (basic.Expiration, basic.HeartBeatInterval, basic.HeartBeatCount));
        Assert.Equal(("34020000002000000001", "192.168.0.110", 15060), (basic.SipServerId, basic.SipServerIp, basic.SipServerPort));

        var query = Assert.IsType<ConfigDownloadQuery>(ManscdpCodec.Parse(Vectors.Manscdp("001-server-query-configdownload.xml")));
        Assert.Equal(["BasicParam"], query.ConfigTypes);
    }

    [Fact]
    public void Preset_names_in_gb2312_are_decoded()
    {
        var presets = Assert.IsType<PresetQueryResponse>(ManscdpCodec.Parse(Vectors.Manscdp("001-hikvision-response-preset.xml")));
        Assert.Equal([new PresetItem("1", "预置点 1")], presets.Items);
    }

    [Fact]
    public void Record_info_items_and_a_partial_answer()
    {
        var records = Assert.IsType<RecordInfoResponse>(ManscdpCodec.Parse(Vectors.Manscdp("000-hikvision-nvr-response-recordinfo.xml")));
        Assert.Equal(("IPCamera 01", 2), (records.Name, records.SumNum));
        Assert.Equal(new DateTime(2024, 5, 4, 14, 43, 16), records.Items[0].Start);
        Assert.Equal("1714806986_1714808977", records.Items[1].FilePath);

        var partial = Assert.IsType<RecordInfoResponse>(ManscdpCodec.Parse(Vectors.Manscdp("001-hikvision-response-recordinfo-shortened.xml")));
        Assert.Equal(134, partial.SumNum);
        Assert.Equal(2, partial.Items.Count);
        Assert.Equal("263094272", partial.Items[0].FileSize);
    }

    [Fact]
    public void Record_info_query_keeps_empty_elements_as_empty()
    {
        var query = Assert.IsType<RecordInfoQuery>(ManscdpCodec.Parse(Vectors.Manscdp("000-exosip-query-recordinfo.xml")));
        Assert.Equal((new DateTime(2024, 5, 1), new DateTime(2024, 5, 4, 15, 41, 0)), (query.StartTime, query.EndTime));
        Assert.Equal((string.Empty, string.Empty, "all", 0), (query.FilePath, query.RecorderId, query.Type, query.Secrecy));
    }

    [Fact]
    public void Alarm_notify_and_alarm_subscription()
    {
        var alarm = Assert.IsType<AlarmNotify>(ManscdpCodec.Parse(Vectors.Manscdp("001-hikvision-notify-alarm.xml")));
        Assert.Equal((4, 5, 2), (alarm.AlarmPriority, alarm.AlarmMethod, alarm.Info?.AlarmType));
        Assert.Equal(new DateTime(2025, 4, 22, 11, 26, 2), alarm.AlarmTime);

        var subscription = Assert.IsType<AlarmQuery>(ManscdpCodec.Parse(Vectors.Manscdp("001-server-subscribe-alarm.xml")));
        Assert.Equal(("0", "all", 0), (subscription.AlarmMethod, subscription.AlarmType, subscription.StartAlarmPriority));
        Assert.Equal(new DateTime(2025, 4, 22, 23, 59, 59), subscription.EndAlarmTime);
    }

    [Theory]
    [InlineData("000-exosip-control-ptz-up.xml", "A50F000800640020", PtzCommandKind.PanTiltZoom, null)]
    [InlineData("000-exosip-control-ptz-stop.xml", "A50F0000000000B4", PtzCommandKind.Stop, null)]
    [InlineData("001-server-control-ptz-left.xml", "A50F01029600004D", PtzCommandKind.PanTiltZoom, 5)]
    [InlineData("001-server-control-preset-call.xml", "A50F018200020039", PtzCommandKind.Preset, 5)]
    public void Device_control_carries_the_ptz_command_verbatim(string name, string hex, PtzCommandKind kind, int? priority)
    {
        var control = Assert.IsType<DeviceControl>(ManscdpCodec.Parse(Vectors.Manscdp(name)));
        Assert.Equal(hex, control.PtzCmd);
        Assert.Equal(kind, control.Ptz?.Kind);
        Assert.Equal(priority, control.Info?.ControlPriority);
    }

    [Fact]
    public void Broadcast_has_no_device_id_and_its_answer_is_a_result()
    {
        var broadcast = Assert.IsType<BroadcastNotify>(ManscdpCodec.Parse(Vectors.Manscdp("001-server-notify-broadcast.xml")));
        Assert.Equal(("34020000002000000001", "34020000001310000001", string.Empty), (broadcast.SourceId, broadcast.TargetId, broadcast.DeviceId));

        var answer = Assert.IsType<ManscdpResult>(ManscdpCodec.Parse(Vectors.Manscdp("001-device-response-broadcast.xml")));
        Assert.Equal(("Broadcast", 10017L, true), (answer.CmdType, answer.Sn, answer.IsOk));
    }

    [Fact]
    public void Snapshot_configuration_its_gb18030_answer_and_the_upload_notify()
    {
        var config = Assert.IsType<DeviceConfig>(ManscdpCodec.Parse(Vectors.Manscdp("001-server-control-snapshot.xml")));
        Assert.Equal((1, 1, "http://192.168.0.110:9999/snap"), (config.SnapShotConfig?.SnapNum, config.SnapShotConfig?.Interval, config.SnapShotConfig?.UploadUrl));

        var answer = Assert.IsType<ManscdpResult>(ManscdpCodec.Parse(Vectors.Manscdp("001-device-response-deviceconfig.xml")));
        Assert.Equal(("DeviceConfig", true), (answer.CmdType, answer.IsOk));

        var finished = Assert.IsType<UploadSnapShotFinishedNotify>(ManscdpCodec.Parse(Vectors.Manscdp("001-device-notify-uploadsnapshotfinished.xml")));
        Assert.Equal("3cffba1f5df14a47acb6594b2375c5c7", finished.SessionId);
        Assert.Equal(["34020000001310000001022025081815045400000"], finished.SnapShotFileIds);
    }

    [Theory]
    [InlineData("000-exosip-query-catalog.xml", typeof(CatalogQuery))]
    [InlineData("001-server-query-deviceinfo.xml", typeof(DeviceInfoQuery))]
    [InlineData("001-server-query-devicestatus.xml", typeof(DeviceStatusQuery))]
    [InlineData("001-server-query-preset.xml", typeof(PresetQuery))]
    [InlineData("004-hikvision-query-catalog-18digit.xml", typeof(CatalogQuery))]
    public void Queries_map_to_their_models(string name, Type model)
    {
        Assert.IsType(model, ManscdpCodec.Parse(Vectors.Manscdp(name)));
    }
}
