using System.Text;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>Bad input from devices: the status on the wire and the state afterwards.</summary>
public sealed class LowerFaultTests : LowerCameraTestBase
{
    [Theory]
    [InlineData("<?xml version=\"1.0\"?><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>34020000001320000002</DeviceID>")] // truncated
    [InlineData("<?xml version=\"1.0\"?><Notify><CmdType>Keepalive</CmdType><SN>x1</SN></Notify>")] // SN not a number
    [InlineData("hello")]
    public async Task A_malformed_body_gets_400_and_the_device_stays_registered_with_its_catalog(string body)
    {
        var response = await Camera.SendAsync(body);

        Assert.Equal(SipStatus.BadRequest, response.StatusCode);
        Assert.StartsWith("Malformed MANSCDP body: ", response.ReasonPhrase, StringComparison.Ordinal);
        Assert.True(response.ReasonPhrase.Length > "Malformed MANSCDP body: ".Length + 5, response.ReasonPhrase);
        Assert.True(Gateway.Directory.FindDevice(CameraId)!.Online);
        Assert.Equal(2, Gateway.Directory.GetChannels(CameraId).Count);
        Assert.Equal(SipStatus.Ok, (await Camera.KeepaliveAsync()).StatusCode);
    }

    [Fact]
    public async Task An_answer_with_a_different_sn_is_not_matched_the_query_times_out_and_the_next_one_works()
    {
        Camera.KeepAnswerSn = true;
        Camera.Answer = q => [LowerTestDevice.WithSn(LowerVectors.Manscdp("000-dahua-response-deviceinfo.xml"), q.Sn + 1000)];
        var query = Gateway.Client.QueryDeviceInfoAsync(CameraId);
        await LowerHarness.UntilAsync(() => Camera.AnswersAcknowledged >= 1 + 2 + 1, "the wrong answer was taken in"); // sync: DeviceInfo + 2 catalog parts

        Assert.False(query.IsCompleted, query.Exception?.ToString() ?? query.Status.ToString());
        Gateway.Time.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<DeviceRequestException>(() => query);
        Assert.Equal(DeviceRequestError.Timeout, error.Error);
        Assert.Equal(0, Gateway.Correlator.PendingCount);
        Assert.True(Gateway.Directory.FindDevice(CameraId)!.Online);
        Camera.KeepAnswerSn = false;
        Camera.Answer = _ => [LowerVectors.Manscdp("000-dahua-response-deviceinfo.xml")];
        Assert.Equal("Dahua", (await Gateway.Client.QueryDeviceInfoAsync(CameraId)).Manufacturer);
    }

    [Fact]
    public async Task An_alarm_is_published_and_answered_with_a_response_alarm_result_ok()
    {
        var response = await Camera.SendAsync(LowerVectors.Manscdp("001-hikvision-notify-alarm.xml"));

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        var alarm = await Gateway.NextEventAsync<DeviceAlarmEvent>();
        Assert.Equal(CameraId, alarm.DeviceId);
        Assert.Equal(5, alarm.Alarm.AlarmMethod);
        var answer = await Camera.NextRequestAsync(cmdType: ManscdpCmdType.Alarm);
        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response>\r\n<CmdType>Alarm</CmdType>\r\n<SN>99</SN>\r\n<DeviceID>34020000001310000001</DeviceID>\r\n" +
            "<Result>OK</Result>\r\n</Response>\r\n",
            Encoding.ASCII.GetString(answer.Body.Span));
    }

    [Fact]
    public async Task Media_status_and_mobile_position_become_typed_events()
    {
        var media = Encoding.ASCII.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>MediaStatus</CmdType>\r\n<SN>8</SN>\r\n<DeviceID>34020000001310000001</DeviceID>\r\n<NotifyType>121</NotifyType>\r\n</Notify>\r\n");
        var position = Encoding.ASCII.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>MobilePosition</CmdType>\r\n<SN>9</SN>\r\n<DeviceID>{CameraId}</DeviceID>\r\n" +
            "<Time>2026-01-02T03:04:05</Time>\r\n<Longitude>116.397</Longitude>\r\n<Latitude>39.909</Latitude>\r\n</Notify>\r\n");

        Assert.Equal(SipStatus.Ok, (await Camera.SendAsync(media)).StatusCode);
        Assert.Equal(SipStatus.Ok, (await Camera.SendAsync(position)).StatusCode);

        var status = await Gateway.NextEventAsync<MediaStatusEvent>();
        Assert.True(status.Notify.IsEndOfFile);
        Assert.False(string.IsNullOrEmpty(status.CallId));
        var moved = await Gateway.NextEventAsync<MobilePositionEvent>();
        Assert.Equal(116.397, Assert.Single(moved.Position.Positions).Longitude);
    }
}
