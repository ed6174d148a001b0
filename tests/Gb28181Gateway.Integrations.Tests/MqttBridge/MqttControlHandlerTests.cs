using System.Text;
using System.Text.Json;
using Gb28181Gateway.Integrations.MqttBridge;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>The methods' mapping to the device client and streams, called directly (the broker round trip is covered by the control tests).</summary>
public sealed class MqttControlHandlerTests
{
    private const string Camera = MqttBridgeHarness.Camera;
    private const string Channel = MqttBridgeHarness.CameraChannel;
    private const string ResponseTopic = "gb28181/gw-1/control/response";

    private readonly BridgeTestDevices _devices = new();
    private readonly BridgeTestDeviceClient _client = new();
    private readonly BridgeTestStreams _streams = new();
    private readonly MqttControlHandler _handler;

    public MqttControlHandlerTests()
    {
        _devices.Add(Camera, online: true, Channel);
        _handler = new MqttControlHandler(new MqttControlServices(_devices, _client, new BridgeTestPlatforms(), _streams, _streams), NullLogger.Instance);
    }

    private async Task<JsonElement> CallAsync(string method, string @params)
    {
        var (topic, payload) = await _handler.HandleAsync(Encoding.UTF8.GetBytes($$$"""{"id":"t","method":"{{{method}}}","params":{{{@params}}}}"""), ResponseTopic, CancellationToken.None);
        Assert.Equal(ResponseTopic, topic);
        using var document = JsonDocument.Parse(payload);
        Assert.Equal("t", document.RootElement.GetProperty("id").GetString());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Records_query_asks_the_channel_for_the_time_range_and_type_and_returns_every_record()
    {
        var answer = await CallAsync("records.query", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","start":"2024-05-01T08:00:00","end":"2024-05-01T09:00:00","type":"ALARM"}""");

        var (deviceId, query) = Assert.Single(_client.RecordQueries);
        Assert.Equal(Camera, deviceId);
        Assert.Equal(Channel, query.DeviceId);
        Assert.Equal((new DateTime(2024, 5, 1, 8, 0, 0), new DateTime(2024, 5, 1, 9, 0, 0)), (query.StartTime, query.EndTime));
        Assert.Equal("alarm", query.Type);
        var result = answer.GetProperty("result");
        Assert.Equal(2, result.GetProperty("sumNum").GetInt32());
        Assert.Equal(["time", "alarm"], result.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("type").GetString()));
        Assert.Equal("1048576", result.GetProperty("records")[1].GetProperty("fileSize").GetString());
    }

    [Theory]
    [InlineData("""{"start":"2024-05-01T09:00:00","end":"2024-05-01T08:00:00"}""", "must be after")]
    [InlineData("""{"start":"2024-05-01T08:00:00"}""", "params.end is required")]
    [InlineData("""{"start":"2024-05-01T08:00:00","end":"2024-05-01T09:00:00","type":"motion"}""", "params.type must be one of all, time, alarm, manual")]
    public async Task Records_query_refuses_bad_ranges_before_asking_the_device(string range, string message)
    {
        var @params = range.Replace("{", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}",""", StringComparison.Ordinal);

        var answer = await CallAsync("records.query", @params);

        Assert.Equal(MqttControlError.InvalidParams, answer.ErrorCode());
        Assert.Contains(message, answer.ErrorMessage(), StringComparison.Ordinal);
        Assert.Empty(_client.RecordQueries);
    }

    [Fact]
    public async Task Device_query_info_returns_what_the_device_said()
    {
        var result = (await CallAsync("device.query", $$$"""{"deviceId":"{{{Camera}}}","what":"info"}""")).GetProperty("result");

        Assert.Equal("大门", result.GetProperty("deviceName").GetString());
        Assert.Equal("V5.5", result.GetProperty("firmware").GetString());
    }

    [Fact]
    public async Task A_channel_the_device_does_not_report_is_refused()
    {
        var answer = await CallAsync("ptz.control", $$$"""{"deviceId":"{{{Camera}}}","channelId":"34020000001310000099","command":"up"}""");

        Assert.Equal(MqttControlError.UnknownChannel, answer.ErrorCode());
        Assert.Empty(_client.Controls);
    }

    [Fact]
    public async Task A_device_answering_ERROR_to_a_preset_is_reported_as_rejected()
    {
        _client.ControlAnswer = new ManscdpResult("DeviceControl") { Sn = 1, DeviceId = Channel, Result = "ERROR", Reason = "no such preset" };

        var answer = await CallAsync("preset.control", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","action":"delete","presetId":200}""");

        Assert.Equal(MqttControlError.DeviceRejected, answer.ErrorCode());
        Assert.Contains("no such preset", answer.ErrorMessage(), StringComparison.Ordinal);
        Assert.Equal("A50F008300C800FF", Assert.Single(_client.Controls).Control.PtzCmd);
    }

    [Fact]
    public async Task Playback_control_needs_a_playback_session()
    {
        var live = (await CallAsync("stream.start", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","targetHost":"10.0.0.1","targetPort":5000}""")).GetProperty("result");
        Assert.Equal("Play", live.GetProperty("kind").GetString());
        Assert.Equal("udp", Assert.Single(_streams.Started).Transport);

        var sessionId = live.GetProperty("sessionId").GetString();
        var refused = await CallAsync("playback.control", $$$"""{"sessionId":"{{{sessionId}}}","action":"pause"}""");
        Assert.Equal(MqttControlError.InvalidParams, refused.ErrorCode());

        var missingScale = await CallAsync("playback.control", $$$"""{"sessionId":"{{{sessionId}}}","action":"scale"}""");
        Assert.Contains("params.scale is required", missingScale.ErrorMessage(), StringComparison.Ordinal);

        var unknown = await CallAsync("playback.control", """{"sessionId":"nope","action":"pause"}""");
        Assert.Equal(MqttControlError.UnknownSession, unknown.ErrorCode());
    }

    [Fact]
    public async Task Stream_start_for_playback_needs_the_time_range_and_a_valid_ssrc()
    {
        var noRange = await CallAsync("stream.start", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","kind":"Playback","targetHost":"10.0.0.1","targetPort":5000}""");
        Assert.Contains("params.start and params.end are required for kind=Playback", noRange.ErrorMessage(), StringComparison.Ordinal);

        var badSsrc = await CallAsync("stream.start", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","targetHost":"10.0.0.1","targetPort":5000,"ssrc":"12345"}""");
        Assert.Contains("params.ssrc must be 10 digits", badSsrc.ErrorMessage(), StringComparison.Ordinal);

        var badPort = await CallAsync("stream.start", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","targetHost":"10.0.0.1","targetPort":70000}""");
        Assert.Contains("params.targetPort must be a whole number 1-65535", badPort.ErrorMessage(), StringComparison.Ordinal);

        // Refused by the stream service itself: still an invalid-params answer with its reason.
        var hostName = await CallAsync("stream.start", $$$"""{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","targetHost":"media.example","targetPort":5000}""");
        Assert.Equal(MqttControlError.InvalidParams, hostName.ErrorCode());
        Assert.Contains("media.example:5000 is not an IP address", hostName.ErrorMessage(), StringComparison.Ordinal);
        Assert.Empty(_streams.Started);
    }

    [Fact]
    public async Task Methods_needing_a_part_that_is_not_running_answer_unavailable()
    {
        var bare = new MqttControlHandler(new MqttControlServices(null, null, null, null, null), NullLogger.Instance);

        foreach (var method in new[] { "devices.list", "platforms.list", "sessions.list" })
        {
            var (_, payload) = await bare.HandleAsync(Encoding.UTF8.GetBytes($$$"""{"id":1,"method":"{{{method}}}"}"""), ResponseTopic, CancellationToken.None);
            using var document = JsonDocument.Parse(payload);
            Assert.Equal(MqttControlError.Unavailable, document.RootElement.ErrorCode());
        }
    }

    [Fact]
    public async Task Platforms_and_sessions_are_listed()
    {
        var platforms = (await CallAsync("platforms.list", "{}")).GetProperty("result");
        Assert.Equal("Registered", platforms[0].GetProperty("state").GetString());
        Assert.Equal(2, platforms[0].GetProperty("sharedChannelCount").GetInt32());
        Assert.Equal("4101050000", platforms[0].GetProperty("serverDomain").GetString());   // the same document as GET /api/platforms
        Assert.False(platforms[0].TryGetProperty("password", out _));
        Assert.Empty((await CallAsync("sessions.list", "null")).GetProperty("result").EnumerateArray());
    }

    [Fact]
    public async Task A_request_that_outlives_its_deadline_is_answered_with_a_timeout_and_the_device_call_is_cancelled()
    {
        var time = new ManualTimeProvider();
        var handler = new MqttControlHandler(new MqttControlServices(_devices, _client, null, null, null), NullLogger.Instance, time, TimeSpan.FromSeconds(60));
        _client.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = handler.HandleAsync(Encoding.UTF8.GetBytes($$$"""{"id":"slow","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"up"}}"""), ResponseTopic, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var (_, payload) = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        using var document = JsonDocument.Parse(payload);
        Assert.Equal(MqttControlError.DeviceTimeout, document.RootElement.ErrorCode());
        Assert.Equal("ptz.control did not complete within 60 s", document.RootElement.ErrorMessage());
        Assert.Empty(_client.Controls);
    }
}
