using System.Text;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Tests;

/// <summary>Typed models built in code survive encode → parse, and bodies written by hand read into the right fields.</summary>
public sealed class ManscdpModelTests
{
    private const string Device = "34020000001320000001";

    private static T RoundTrip<T>(T message, GbCharset charset = GbCharset.Gb2312)
        where T : ManscdpMessage
    {
        var parsed = Assert.IsType<T>(ManscdpCodec.Parse(ManscdpCodec.Encode(message, charset)));
        Assert.Equal(message, parsed);
        return parsed;
    }

    private static ManscdpMessage Parse(string xml) => ManscdpCodec.Parse(Encoding.UTF8.GetBytes(xml));

    public static TheoryData<ManscdpMessage> Messages() =>
    [
        new KeepaliveNotify { Sn = 1, DeviceId = Device, FaultDeviceIds = ["34020000001310000009"] },
        new CatalogQuery { Sn = 2, DeviceId = Device, StartTime = new DateTime(2024, 5, 4, 8, 0, 0), EndTime = new DateTime(2024, 5, 4, 9, 0, 0) },
        new DeviceInfoQuery { Sn = 3, DeviceId = Device },
        new DeviceStatusQuery { Sn = 4, DeviceId = Device },
        new PresetQuery { Sn = 5, DeviceId = Device },
        new RecordInfoQuery { Sn = 6, DeviceId = Device, StartTime = new DateTime(2024, 5, 4, 0, 0, 0), EndTime = new DateTime(2024, 5, 4, 23, 59, 59), Type = "all", Secrecy = 0, StreamNumber = 1, AlarmMethod = "2", AlarmType = "1" },
        new ConfigDownloadQuery { Sn = 7, DeviceId = Device, ConfigType = "BasicParam/SVACEncodeConfig" },
        new AlarmQuery { Sn = 8, DeviceId = Device, StartAlarmPriority = 1, EndAlarmPriority = 4, AlarmMethod = "0", StartAlarmTime = new DateTime(2024, 5, 4, 0, 0, 0) },
        new MobilePositionQuery { Sn = 9, DeviceId = Device, Interval = 5 },
        new DeviceControl { Sn = 10, DeviceId = Device, PtzCmd = "A50F010800FA00B7", Info = new DeviceControlInfo { ControlPriority = 5 } },
        new DeviceControl { Sn = 11, DeviceId = Device, TeleBoot = "Boot" },
        new DeviceControl { Sn = 12, DeviceId = Device, RecordCmd = "Record", StreamNumber = 0 },
        new DeviceControl { Sn = 13, DeviceId = Device, GuardCmd = "SetGuard" },
        new DeviceControl { Sn = 14, DeviceId = Device, AlarmCmd = "ResetAlarm", Info = new DeviceControlInfo { AlarmMethod = "2", AlarmType = "1" } },
        new DeviceControl { Sn = 15, DeviceId = Device, IFrameCmd = "Send" },
        new DeviceControl { Sn = 16, DeviceId = Device, DragZoomIn = new DragZoom { Length = 1920, Width = 1080, MidPointX = 960, MidPointY = 540, LengthX = 200, LengthY = 100 } },
        new DeviceControl { Sn = 17, DeviceId = Device, DragZoomOut = new DragZoom { Length = 1920, Width = 1080, MidPointX = 10, MidPointY = 20, LengthX = 30, LengthY = 40 } },
        new DeviceControl { Sn = 18, DeviceId = Device, HomePosition = new HomePosition { Enabled = 1, ResetTime = 60, PresetIndex = 3 } },
        new DeviceControl { Sn = 19, DeviceId = Device, PtzPreciseCtrl = new PtzPreciseControl { Pan = 120.5, Tilt = -10.25, Zoom = 4 } },
        new DeviceControl { Sn = 20, DeviceId = Device, DeviceUpgrade = new DeviceUpgrade { Firmware = "V5.7.3", FileUrl = "http://10.0.0.1/fw.bin", Manufacturer = "Hikvision", SessionId = "abc" } },
        new DeviceControl { Sn = 21, DeviceId = Device, FormatSdCard = 1 },
        new DeviceControl { Sn = 22, DeviceId = Device, TargetTrack = "Auto" },
        new DeviceConfig { Sn = 23, DeviceId = Device, BasicParam = new BasicParam { Name = "西门", Expiration = 3600, HeartBeatInterval = 60, HeartBeatCount = 3 } },
        new DeviceConfig { Sn = 24, DeviceId = Device, SnapShotConfig = new SnapShotConfig { SnapNum = 3, Interval = 1, UploadUrl = "http://10.0.0.1/snap", SessionId = "s1" } },
        new DeviceConfig { Sn = 25, DeviceId = Device, SvacEncodeConfig = new ManscdpElement("SVACEncodeConfig") { Children = [new ManscdpElement("ROIParam") { Children = [new ManscdpElement("ROIFlag", "1")] }] } },
        new AlarmNotify { Sn = 26, DeviceId = Device, AlarmPriority = 1, AlarmMethod = 5, AlarmTime = new DateTime(2024, 5, 4, 12, 0, 1), AlarmDescription = "移动侦测", Longitude = 116.3, Latitude = 39.9, Info = new AlarmInfo { AlarmType = 2 } },
        new MediaStatusNotify { Sn = 27, DeviceId = Device, NotifyType = 121 },
        new MobilePositionNotify { Sn = 28, DeviceId = Device, Layout = MobilePositionLayout.Flat2016, Positions = [new MobilePosition { DeviceId = Device, Time = new DateTime(2024, 5, 4, 12, 0, 0), Longitude = 116.1, Latitude = 39.2, Speed = 0, Direction = 90, Altitude = 50 }] },
        new MobilePositionNotify { Sn = 29, DeviceId = Device, Layout = MobilePositionLayout.List2022, SumNum = 2, Positions = [new MobilePosition { DeviceId = "34020000001320000002", Time = new DateTime(2024, 5, 4, 12, 0, 0), Longitude = 1, Latitude = 2 }, new MobilePosition { DeviceId = "34020000001320000003", Longitude = 3, Latitude = 4 }] },
        new CatalogNotify { Sn = 30, DeviceId = Device, SumNum = 2, Items = [new CatalogItem { DeviceId = "34020000001310000001", Event = "OFF" }, new CatalogItem { DeviceId = "34020000001310000002", Event = "ADD", Name = "新增通道", Status = "ON" }] },
        new BroadcastNotify { Sn = 31, SourceId = "34020000002000000001", TargetId = "34020000001370000001" },
        new UploadSnapShotFinishedNotify { Sn = 32, DeviceId = Device, SessionId = "s1", SnapShotFileIds = ["a1", "a2"] },
        new DeviceInfoResponse { Sn = 33, DeviceId = Device, DeviceName = "IPC", Result = "OK", Manufacturer = "Hikvision", Model = "DS-2CD", Firmware = "V5", Channel = 1 },
        new DeviceStatusResponse { Sn = 34, DeviceId = Device, Result = "OK", Online = "ONLINE", Status = "OK", Encode = "ON", Record = "OFF", DeviceTime = new DateTime(2024, 5, 4, 1, 2, 3), AlarmStatus = [new AlarmStatusItem("34020000001340000001", "OFFDUTY")] },
        new PresetQueryResponse { Sn = 35, DeviceId = Device, Items = [new PresetItem("1", "大门"), new PresetItem("2", "停车场")] },
        new ConfigDownloadResponse { Sn = 36, DeviceId = Device, Result = "OK", BasicParam = new BasicParam { Name = "IPC", HeartBeatInterval = 30, HeartBeatCount = 3 } },
        new RecordInfoResponse { Sn = 37, DeviceId = Device, Name = "IPC", SumNum = 1, Items = [new RecordItem { DeviceId = Device, StartTime = "2024-05-04T00:00:00", EndTime = "2024-05-04T01:00:00", Type = "time" }] },
        ManscdpResult.Ok(ManscdpCmdType.DeviceControl, 38, Device),
        ManscdpResult.Error(ManscdpCmdType.DeviceConfig, 39, Device, "not supported"),
        ManscdpResult.Ok(ManscdpCmdType.Alarm, 40, Device),
        ManscdpResult.Ok(ManscdpCmdType.Broadcast, 41, Device),
        ManscdpResult.Ok(ManscdpCmdType.Keepalive, 42, Device),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Typed_message_round_trips_in_every_charset_and_peek_finds_its_header(ManscdpMessage message)
    {
        foreach (var charset in Enum.GetValues<GbCharset>())
        {
            var bytes = ManscdpCodec.Encode(message, charset);
            Assert.Equal(message, ManscdpCodec.Parse(bytes));
            Assert.Equal(message.Header, ManscdpCodec.Peek(bytes));
        }
    }

    [Theory]
    [InlineData("IFameCmd")]
    [InlineData("IFrameCmd")]
    public void Iframe_command_is_read_under_both_spellings_and_written_as_the_standard_does(string element)
    {
        var control = Assert.IsType<DeviceControl>(Parse($"<Control><CmdType>DeviceControl</CmdType><SN>1</SN><DeviceID>{Device}</DeviceID><{element}>Send</{element}></Control>"));

        Assert.Equal("Send", control.IFrameCmd);
        Assert.Contains("<IFameCmd>Send</IFameCmd>", Encoding.ASCII.GetString(ManscdpCodec.Encode(control, GbCharset.Utf8)), StringComparison.Ordinal);
    }

    [Fact]
    public void Mobile_position_2016_flat_takes_the_message_device_id()
    {
        var notify = Assert.IsType<MobilePositionNotify>(Parse(
            $"<Notify><CmdType>MobilePosition</CmdType><SN>5</SN><DeviceID>{Device}</DeviceID><Time>2024-05-04T12:00:00</Time><Longitude>116.397</Longitude><Latitude>39.908</Latitude><Speed>12.5</Speed><Direction>270</Direction><Altitude>40</Altitude></Notify>"));

        Assert.Equal(MobilePositionLayout.Flat2016, notify.Layout);
        var position = Assert.Single(notify.Positions);
        Assert.Equal((Device, 116.397, 39.908, 12.5, 270.0), (position.DeviceId, position.Longitude!.Value, position.Latitude!.Value, position.Speed!.Value, position.Direction!.Value));
        Assert.Equal(new DateTime(2024, 5, 4, 12, 0, 0), position.Time);
    }

    [Fact]
    public void Mobile_position_2022_list_reads_capture_time_per_item()
    {
        var notify = Assert.IsType<MobilePositionNotify>(Parse(
            $"<Notify><CmdType>MobilePosition</CmdType><SN>6</SN><DeviceID>{Device}</DeviceID><SumNum>2</SumNum><DeviceList Num=\"2\">"
            + "<Item><DeviceID>34020000001320000002</DeviceID><CaptureTime>2024-05-04T12:00:01</CaptureTime><Longitude>1.5</Longitude><Latitude>2.5</Latitude></Item>"
            + "<Item><DeviceID>34020000001320000003</DeviceID><CaptureTime>2024-05-04 12:00:02</CaptureTime><Longitude>3</Longitude><Latitude>4</Latitude></Item>"
            + "</DeviceList></Notify>"));

        Assert.Equal(MobilePositionLayout.List2022, notify.Layout);
        Assert.Equal(["34020000001320000002", "34020000001320000003"], notify.Positions.Select(p => p.DeviceId));
        Assert.Equal(new DateTime(2024, 5, 4, 12, 0, 2), notify.Positions[1].Time);
    }

    [Theory]
    [InlineData("ON", CatalogEvent.On)]
    [InlineData("OFF", CatalogEvent.Off)]
    [InlineData("VLOST", CatalogEvent.VideoLost)]
    [InlineData("DEFECT", CatalogEvent.Defect)]
    [InlineData("ADD", CatalogEvent.Add)]
    [InlineData("DEL", CatalogEvent.Delete)]
    [InlineData("UPDATE", CatalogEvent.Update)]
    [InlineData("SOMETHING", CatalogEvent.None)]
    public void Catalog_notify_item_events(string value, CatalogEvent expected)
    {
        var notify = Assert.IsType<CatalogNotify>(Parse(
            $"<Notify><CmdType>Catalog</CmdType><SN>7</SN><DeviceID>{Device}</DeviceID><SumNum>1</SumNum><DeviceList Num=\"1\"><Item><DeviceID>34020000001310000001</DeviceID><Event>{value}</Event></Item></DeviceList></Notify>"));

        var item = Assert.Single(notify.Items);
        Assert.Equal(expected, item.EventKind);
        Assert.Equal(value, item.Event);
    }

    [Fact]
    public void Catalog_item_2022_fields_and_vendor_elements_survive_an_edit_and_re_encode()
    {
        var response = Assert.IsType<CatalogResponse>(Parse(
            $"<Response><CmdType>Catalog</CmdType><SN>8</SN><DeviceID>{Device}</DeviceID><SumNum>1</SumNum><DeviceList Num=\"1\"><Item>"
            + "<DeviceID>34020000001310000001</DeviceID><Name>北门</Name><VendorA>1</VendorA><ParentID>34020000002160000001/34020000002150000001</ParentID>"
            + "<BusinessGroupID>34020000002150000001</BusinessGroupID><SecurityLevelCode>2</SecurityLevelCode><Status>ON</Status>"
            + "<Info><PTZType>1</PTZType><StreamNumberList>0/1/2</StreamNumberList><VendorInfo x=\"y\">z</VendorInfo></Info><VendorB><Sub>2</Sub></VendorB>"
            + "</Item></DeviceList></Response>"));
        var item = Assert.Single(response.Items);

        Assert.Equal(["34020000002160000001", "34020000002150000001"], item.ParentIds);
        Assert.Equal("34020000002150000001", item.BusinessGroupId);
        Assert.Equal("2", item.SecurityLevelCode);
        Assert.Equal("0/1/2", item.Info!.StreamNumberList);
        Assert.Equal(["VendorA", "VendorB"], item.Extensions.Select(e => e.Name));
        Assert.Equal("VendorInfo", Assert.Single(item.Info.Extensions).Name);
        Assert.True(item.IsOnline);

        // Renumbered and re-parented upward, the password removed: everything else goes with it.
        var upward = item with { DeviceId = "44010000001310000001", ParentId = "4401000000", Password = null };
        var reread = Assert.Single(RoundTrip(response with { Items = [upward] }, GbCharset.Gb18030).Items);
        Assert.Equal(upward, reread);
        Assert.Equal("2", reread.Extensions[1].Child("Sub")?.Text);
    }

    [Fact]
    public void Device_status_alarm_status_is_read_with_its_lower_case_spelling()
    {
        var status = Assert.IsType<DeviceStatusResponse>(Parse(
            $"<Response><CmdType>DeviceStatus</CmdType><SN>9</SN><DeviceID>{Device}</DeviceID><Result>OK</Result><Online>ONLINE</Online><Status>OK</Status>"
            + "<Alarmstatus Num=\"1\"><Item><DeviceID>34020000001340000001</DeviceID><DutyStatus>ONDUTY</DutyStatus></Item></Alarmstatus></Response>"));

        Assert.Equal(new AlarmStatusItem("34020000001340000001", "ONDUTY"), Assert.Single(status.AlarmStatus!));
    }

    [Fact]
    public void Results_answer_control_and_say_ok_or_error()
    {
        var ok = Assert.IsType<ManscdpResult>(Parse($"<Response><CmdType>DeviceControl</CmdType><SN>10</SN><DeviceID>{Device}</DeviceID><Result>OK</Result></Response>"));
        var error = Assert.IsType<ManscdpResult>(Parse($"<Response><CmdType>DeviceConfig</CmdType><SN>11</SN><DeviceID>{Device}</DeviceID><Result>ERROR</Result><Reason>busy</Reason></Response>"));

        Assert.True(ok.IsOk);
        Assert.False(error.IsOk);
        Assert.Equal("busy", error.Reason);
    }

    [Fact]
    public void Writer_refuses_a_model_it_cannot_write_correctly()
    {
        var flatWithTwo = new MobilePositionNotify
        {
            Sn = 1,
            DeviceId = Device,
            Layout = MobilePositionLayout.Flat2016,
            Positions = [new MobilePosition { DeviceId = Device }, new MobilePosition { DeviceId = Device }],
        };

        Assert.Throws<ArgumentException>(() => ManscdpCodec.Encode(flatWithTwo, GbCharset.Utf8));
        Assert.Throws<ArgumentException>(() => ManscdpCodec.Encode(new CatalogResponse { Sn = 1, DeviceId = Device, Items = [new CatalogItem { DeviceId = string.Empty }] }, GbCharset.Utf8));
    }
}
