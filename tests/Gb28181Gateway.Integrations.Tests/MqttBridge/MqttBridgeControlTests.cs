using System.Text.Json;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Integrations.MqttBridge;
using Gb28181Gateway.Protocol.Ptz;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>The control protocol end to end: requests with mosquitto_pub, answers read with mosquitto_sub.</summary>
public sealed class MqttBridgeControlTests
{
    private const string Camera = MqttBridgeHarness.Camera;
    private const string Channel = MqttBridgeHarness.CameraChannel;

    [Fact]
    public async Task Devices_list_is_answered_on_replyTo_with_the_request_id()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-list");
        await using var answers = await broker.SubscribeAsync("app/42/answers");

        await bridge.RequestAsync("""{"id":"r1","method":"devices.list","replyTo":"app/42/answers"}""");

        var answer = await answers.WaitForAnswerAsync("r1");
        Assert.False(answer.TryGetProperty("error", out _));
        var devices = answer.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal([Camera, MqttBridgeHarness.OfflineCamera], devices.Select(d => d.GetProperty("deviceId").GetString()));
        Assert.True(devices[0].GetProperty("online").GetBoolean());
        Assert.False(devices[1].GetProperty("online").GetBoolean());
        Assert.Equal("Hikvision", devices[0].GetProperty("manufacturer").GetString());
        Assert.Equal(1, devices[0].GetProperty("channelCount").GetInt32());
        Assert.Equal("GB2312", devices[0].GetProperty("characterSet").GetString());   // the same document as GET /api/devices
    }

    [Fact]
    public async Task Numeric_ids_come_back_as_numbers_and_answers_without_replyTo_go_to_the_default_topic()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-default");
        await using var answers = await broker.SubscribeAsync("gb28181/gw-default/control/response");

        await bridge.RequestAsync($$$"""{"id":17,"method":"channels.list","params":{"deviceId":"{{{Camera}}}"}}""");

        var message = Assert.Single(await answers.WaitForMessagesAsync(1));
        Assert.StartsWith("""{"id":17,"result":[{"channelId":"34020000001310000001","name":"Channel 001","status":"ON","online":true}]""", message.Payload);
    }

    [Fact]
    public async Task Ptz_control_sends_the_device_a_DeviceControl_with_the_PTZCmd_for_the_command_and_speed()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-ptz");
        await using var answers = await broker.SubscribeAsync("app/ptz");

        await bridge.RequestAsync($$$"""{"id":"p1","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"left","speed":200},"replyTo":"app/ptz"}""");
        var left = await answers.WaitForAnswerAsync("p1");
        await bridge.RequestAsync($$$"""{"id":"p2","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"zoomIn","zoomSpeed":3},"replyTo":"app/ptz"}""");
        await answers.WaitForAnswerAsync("p2");
        await bridge.RequestAsync($$$"""{"id":"p3","method":"preset.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","action":"goto","presetId":5},"replyTo":"app/ptz"}""");
        await answers.WaitForAnswerAsync("p3");
        await bridge.RequestAsync($$$"""{"id":"p4","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"stop"},"replyTo":"app/ptz"}""");
        await answers.WaitForAnswerAsync("p4");

        // A5 0F | addr 00 | cmd 02 (left) | pan speed C8 | tilt 00 | zoom 0/addr 0 | checksum (A5+0F+02+C8) & FF = 7E
        Assert.Equal("A50F0002C800007E", left.GetProperty("result").GetProperty("ptzCmd").GetString());
        var sent = bridge.DeviceClient.Controls.ToArray();
        Assert.Equal(4, sent.Length);
        Assert.All(sent, s => Assert.Equal(Camera, s.DeviceId));
        Assert.All(sent, s => Assert.Equal(Channel, s.Control.DeviceId));
        Assert.Equal("A50F0002C800007E", sent[0].Control.PtzCmd);
        Assert.Equal(PtzCommand.Move(PtzMotion.ZoomIn, 0, 0, 3), sent[1].Control.Ptz);
        Assert.Equal("A50F0010000030F4", sent[1].Control.PtzCmd);
        Assert.Equal(PtzCommand.Preset(PresetAction.Call, 5), sent[2].Control.Ptz);
        Assert.Equal("A50F00820005003B", sent[2].Control.PtzCmd);
        Assert.Equal("A50F0000000000B4", sent[3].Control.PtzCmd);
    }

    [Fact]
    public async Task Stream_start_returns_the_session_and_ssrc_and_stream_stop_ends_it()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-stream");
        await using var answers = await broker.SubscribeAsync("app/stream");

        await bridge.RequestAsync($$$"""
            {"id":"s1","method":"stream.start","replyTo":"app/stream","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}",
             "kind":"playback","start":"2024-05-01T08:00:00","end":"2024-05-01T09:00:00","targetHost":"10.9.8.7","targetPort":40000,"transport":"tcp-passive","ssrc":"1100000042"}}
            """.ReplaceLineEndings(""));
        var started = (await answers.WaitForAnswerAsync("s1")).GetProperty("result");

        var request = Assert.Single(bridge.Streams.Started);
        Assert.Equal((Camera, Channel, "Playback", "10.9.8.7", 40000, "tcp-passive", "1100000042"), (request.DeviceId, request.ChannelId, request.Kind, request.TargetHost, request.TargetPort, request.Transport, request.Ssrc));
        Assert.Equal(new DateTime(2024, 5, 1, 8, 0, 0), request.Start!.Value.DateTime);
        Assert.Equal(new DateTime(2024, 5, 1, 9, 0, 0), request.End!.Value.DateTime);
        var sessionId = started.GetProperty("sessionId").GetString()!;
        Assert.Equal("mqtt-1", sessionId);
        Assert.Equal("1100000042", started.GetProperty("ssrc").GetString());

        await bridge.RequestAsync($$$"""{"id":"s2","method":"stream.stop","replyTo":"app/stream","params":{"sessionId":"{{{sessionId}}}"}}""");
        var stopped = await answers.WaitForAnswerAsync("s2");
        Assert.True(stopped.GetProperty("result").GetProperty("stopped").GetBoolean());
        Assert.Equal(sessionId, Assert.Single(bridge.Streams.Stopped).SessionId);

        await bridge.RequestAsync($$$"""{"id":"s3","method":"stream.stop","replyTo":"app/stream","params":{"sessionId":"{{{sessionId}}}"}}""");
        var again = await answers.WaitForAnswerAsync("s3");
        Assert.Equal(MqttControlError.UnknownSession, again.ErrorCode());
        Assert.Contains(sessionId, again.ErrorMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_requests_and_failures_get_the_documented_errors()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-errors");
        await using var fallback = await broker.SubscribeAsync("gb28181/gw-errors/control/response");
        await using var answers = await broker.SubscribeAsync("app/errors");

        // Not JSON at all: no id or replyTo can be read, so the answer goes to the default topic with id null.
        await bridge.RequestAsync("""{"id":"x1","method":"devices.list",""");
        var parse = Assert.Single(await fallback.WaitForMessagesAsync(1));
        using (var doc = JsonDocument.Parse(parse.Payload))
        {
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("id").ValueKind);
            Assert.Equal(MqttControlError.ParseError, doc.RootElement.ErrorCode());
        }

        await bridge.RequestAsync("""{"id":"e1","method":"cameras.reboot","replyTo":"app/errors"}""");
        var unknownMethod = await answers.WaitForAnswerAsync("e1");
        Assert.Equal(MqttControlError.MethodNotFound, unknownMethod.ErrorCode());
        Assert.Contains("cameras.reboot", unknownMethod.ErrorMessage(), StringComparison.Ordinal);

        await bridge.RequestAsync("""{"id":"e2","method":"channels.list","params":{"deviceId":"34020000001320000999"},"replyTo":"app/errors"}""");
        var unknownDevice = await answers.WaitForAnswerAsync("e2");
        Assert.Equal(MqttControlError.UnknownDevice, unknownDevice.ErrorCode());
        Assert.Contains("34020000001320000999", unknownDevice.ErrorMessage(), StringComparison.Ordinal);

        await bridge.RequestAsync($$$"""{"id":"e3","method":"ptz.control","params":{"deviceId":"{{{MqttBridgeHarness.OfflineCamera}}}","channelId":"{{{MqttBridgeHarness.OfflineCamera}}}","command":"up"},"replyTo":"app/errors"}""");
        Assert.Equal(MqttControlError.DeviceOffline, (await answers.WaitForAnswerAsync("e3")).ErrorCode());

        await bridge.RequestAsync($$$"""{"id":"e4","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"sideways"},"replyTo":"app/errors"}""");
        var badParam = await answers.WaitForAnswerAsync("e4");
        Assert.Equal(MqttControlError.InvalidParams, badParam.ErrorCode());
        Assert.Contains("params.command", badParam.ErrorMessage(), StringComparison.Ordinal);

        await bridge.RequestAsync("""{"id":"e5","method":"channels.list","replyTo":"app/errors"}""");
        Assert.Equal(MqttControlError.InvalidParams, (await answers.WaitForAnswerAsync("e5")).ErrorCode());

        await bridge.RequestAsync("""{"id":"e6","params":{},"replyTo":"app/errors"}""");
        Assert.Equal(MqttControlError.InvalidRequest, (await answers.WaitForAnswerAsync("e6")).ErrorCode());

        bridge.DeviceClient.Failure = new DeviceRequestException(Camera, DeviceRequestError.Timeout, "device 34020000001320000001 did not answer Catalog within 10 s");
        await bridge.RequestAsync($$$"""{"id":"e7","method":"device.query","params":{"deviceId":"{{{Camera}}}","what":"catalog"},"replyTo":"app/errors"}""");
        var timeout = await answers.WaitForAnswerAsync("e7");
        Assert.Equal(MqttControlError.DeviceTimeout, timeout.ErrorCode());
        Assert.Contains("did not answer", timeout.ErrorMessage(), StringComparison.Ordinal);

        // Nothing above reached the device.
        Assert.Empty(bridge.DeviceClient.Controls);
        Assert.Single(fallback.Messages);
    }

    [Fact]
    public async Task A_slow_device_does_not_hold_up_other_requests()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-parallel");
        await using var answers = await broker.SubscribeAsync("app/parallel");
        bridge.DeviceClient.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await bridge.RequestAsync($$$"""{"id":"slow","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"up"},"replyTo":"app/parallel"}""");
        await bridge.RequestAsync("""{"id":"fast","method":"sessions.list","replyTo":"app/parallel"}""");

        // The list is answered while the PTZ request is still waiting for the device.
        var first = Assert.Single(await answers.WaitForMessagesAsync(1));
        Assert.StartsWith("""{"id":"fast","result":[]""", first.Payload);
        bridge.DeviceClient.Gate.SetResult();
        Assert.False((await answers.WaitForAnswerAsync("slow")).TryGetProperty("error", out _));
    }

    [Fact]
    public async Task With_one_request_slot_requests_are_served_one_after_another()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-serial", maxConcurrentRequests: 1);
        await using var answers = await broker.SubscribeAsync("app/serial");
        bridge.DeviceClient.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await bridge.RequestAsync($$$"""{"id":"slow","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"up"},"replyTo":"app/serial"}""");
        await bridge.RequestAsync("""{"id":"fast","method":"sessions.list","replyTo":"app/serial"}""");
        await broker.WaitForLogCountAsync("Sending PUBLISH to gb28181-gw-serial", 2); // both requests delivered to the bridge
        bridge.DeviceClient.Gate.SetResult();

        // The second request waited for the slot, so its answer comes second although it needs no device.
        var both = await answers.WaitForMessagesAsync(2);
        Assert.Equal(["slow", "fast"], both.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("id").GetString()));
    }
}
