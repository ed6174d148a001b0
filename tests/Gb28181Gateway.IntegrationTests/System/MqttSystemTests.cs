using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging;
using static Gb28181Gateway.IntegrationTests.System.SystemTestSupport;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// Issues 3-6 end to end over a real mosquitto: a simulated device below the real host raises an alarm that an MQTT
/// subscriber sees, and MQTT control requests list the devices, move a camera and start / stop a stream to a socket here.
/// </summary>
public sealed class MqttSystemTests : IAsyncLifetime
{
    private const string Password = "12345678";
    private const string Prefix = "gb28181/gw-1/";
    private const string ReplyTopic = "app/system/answers";

    private readonly RecordingLoggerProvider _deviceLog = new();
    private readonly ILoggerFactory _deviceLoggerFactory;
    private Mosquitto _broker = null!;
    private GatewayHost _gateway = null!;
    private DeviceFarm _devices = null!;
    private MosquittoSubscriber _answers = null!;
    private int _requests;

    public MqttSystemTests()
    {
        _deviceLoggerFactory = LoggerFactory.Create(b => b.AddProvider(_deviceLog).SetMinimumLevel(LogLevel.Information));
    }

    public async Task InitializeAsync()
    {
        _broker = await Mosquitto.StartAsync();
        var mediaPorts = LoopbackPorts.NextRange(20);
        _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Mqtt:Host"] = _broker.Host,
            ["Gateway:Mqtt:Port"] = _broker.Port.ToString(),
            ["Gateway:Media:PortMin"] = mediaPorts.ToString(),
            ["Gateway:Media:PortMax"] = (mediaPorts + 19).ToString(),
        });
        _devices = new DeviceFarm(SystemTestSupport.Devices(_gateway.SipPort, 2, 2, Password), loggerFactory: _deviceLoggerFactory);
        _devices.Start();
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        await WaitUntilAsync(() => AllOnlineWithChannelsAsync(http, _devices.Devices.Select(d => d.Id), 2), "the devices online with their catalogs");

        // Requests published before the gateway has subscribed are lost (clean session): wait for its SUBACK.
        await _broker.WaitForLogAsync("Sending SUBACK to gb28181-gw-1", TimeSpan.FromSeconds(15));
        _answers = await _broker.SubscribeAsync(ReplyTopic);
    }

    public async Task DisposeAsync()
    {
        await _devices.DisposeAsync();
        await _gateway.DisposeAsync();
        await _broker.DisposeAsync();
        _deviceLoggerFactory.Dispose();
    }

    [Fact]
    public async Task An_alarm_from_a_device_below_is_published_on_events_alarm()
    {
        await using var alarms = await _broker.SubscribeAsync(Prefix + "events/alarm");
        var device = _devices.Devices[1];
        var alarm = new AlarmNotify
        {
            Sn = device.NextSn(),
            DeviceId = device.ChannelIds[0],
            AlarmPriority = 1,
            AlarmMethod = 5,
            AlarmTime = new DateTime(2024, 5, 1, 8, 30, 14),
            AlarmDescription = "移动侦测",
            Info = new AlarmInfo { AlarmType = 2 },
        };

        var response = await device.SendMessageAsync(ManscdpCodec.Encode(alarm, _devices.Options.Charset), CancellationToken.None);

        Assert.True(response.IsSuccess, $"Notify Alarm answered {response.StatusCode}");
        var message = Assert.Single(await alarms.WaitForMessagesAsync(1));
        Assert.Equal(1, message.Qos);
        using var json = JsonDocument.Parse(message.Payload);
        var e = json.RootElement;
        Assert.Equal(device.Id, e.GetProperty("deviceId").GetString());
        Assert.Equal(device.ChannelIds[0], e.GetProperty("channelId").GetString());
        Assert.Equal(1, e.GetProperty("priority").GetInt32());
        Assert.Equal(5, e.GetProperty("method").GetInt32());
        Assert.Equal(2, e.GetProperty("type").GetInt32());
        Assert.Equal("2024-05-01T08:30:14", e.GetProperty("time").GetString());
        Assert.Equal("移动侦测", e.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_device_registering_and_unregistering_below_is_published_on_events_device()
    {
        await using var events = await _broker.SubscribeAsync(Prefix + "events/device");
        await using var farm = new DeviceFarm(SystemTestSupport.Devices(_gateway.SipPort, 1, 1, Password) with { FirstId = "34020000001320000201" });
        farm.Start();
        var id = farm.Devices[0].Id;

        await WaitUntilAsync(() => Events(events, id).Any(e => e.GetProperty("event").GetString() == "online"), $"{id} online on events/device");
        var online = Events(events, id).First(e => e.GetProperty("event").GetString() == "online");
        Assert.StartsWith("udp:127.0.0.1:", online.GetProperty("endpoint").GetString());
        await farm.StopAsync(TimeSpan.FromSeconds(5));
        Assert.False(farm.Devices[0].IsRegistered, "the device's REGISTER Expires: 0 was not accepted");

        await WaitUntilAsync(() => Events(events, id).Any(e => e.GetProperty("event").GetString() == "offline"), $"{id} offline on events/device");
        var offline = Events(events, id).First(e => e.GetProperty("event").GetString() == "offline");
        Assert.Equal("unregistered", offline.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Devices_list_over_MQTT_returns_the_devices_below()
    {
        var answer = await RequestAsync("devices.list", null);

        var listed = answer.GetProperty("result").EnumerateArray().ToDictionary(d => d.GetProperty("deviceId").GetString()!, StringComparer.Ordinal);
        Assert.Equal(_devices.Devices.Select(d => d.Id).Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        Assert.All(listed.Values, d =>
        {
            Assert.True(d.GetProperty("online").GetBoolean());
            Assert.Equal(2, d.GetProperty("channelCount").GetInt32());
        });
    }

    [Fact]
    public async Task Ptz_control_over_MQTT_reaches_the_device_as_the_PTZCmd_answered()
    {
        var device = _devices.Devices[0];
        var channel = device.ChannelIds[1];

        var answer = await RequestAsync("ptz.control", new { deviceId = device.Id, channelId = channel, command = "left", speed = 200 });

        var ptzCmd = answer.GetProperty("result").GetProperty("ptzCmd").GetString();
        Assert.Equal("A50F0002C800007E", ptzCmd);
        var received = $"Device {device.Id}: DeviceControl for {channel}: PTZCmd {ptzCmd}";
        await WaitUntilAsync(() => _deviceLog.Messages.Contains(received), $"the device to log '{received}'");
    }

    [Fact]
    public async Task Stream_start_over_MQTT_delivers_RTP_with_the_answered_SSRC_and_stream_stop_ends_it()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var device = _devices.Devices[0];
        await using var sessions = await _broker.SubscribeAsync(Prefix + "events/session");

        var started = await RequestAsync("stream.start", new { deviceId = device.Id, channelId = device.ChannelIds[0], targetHost = "127.0.0.1", targetPort = port, transport = "udp" });

        var result = started.GetProperty("result");
        var sessionId = result.GetProperty("sessionId").GetString()!;
        var ssrc = uint.Parse(result.GetProperty("ssrc").GetString()!);
        var buffer = new byte[65536];
        var packets = 0;
        using (var receiving = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            while (packets < 20)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, receiving.Token);
                Assert.True(n >= 12, $"{n}-byte datagram is not RTP");
                Assert.Equal(2, buffer[0] >> 6);
                Assert.Equal(ssrc, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8, 4)));
                packets++;
            }
        }

        var stopped = await RequestAsync("stream.stop", new { sessionId });

        Assert.True(stopped.GetProperty("result").GetProperty("stopped").GetBoolean());
        var events = (await sessions.WaitForMessagesAsync(2)).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToArray();
        Assert.Equal(["started", "stopped"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.All(events, e => Assert.Equal(sessionId, e.GetProperty("sessionId").GetString()));
        Assert.Equal(device.ChannelIds[0], events[0].GetProperty("channelId").GetString());
        Assert.Equal(result.GetProperty("ssrc").GetString(), events[0].GetProperty("platformSsrc").GetString());
        Assert.Equal("mqtt", events[0].GetProperty("platform").GetString());
        await WaitUntilAsync(() => _devices.Statistics.ActiveStreams == 0, "the device to receive the BYE and stop streaming");
        // Drain what was in flight, then nothing more arrives.
        socket.ReceiveTimeout = 500;
        while (TryReceive(socket, buffer))
        {
        }

        socket.ReceiveTimeout = 1500;
        Assert.False(TryReceive(socket, buffer), "RTP still arrives after stream.stop");
    }

    private static IEnumerable<JsonElement> Events(MosquittoSubscriber subscriber, string deviceId) =>
        subscriber.Messages.Select(m => JsonDocument.Parse(m.Payload).RootElement).Where(e => e.GetProperty("deviceId").GetString() == deviceId);

    private static bool TryReceive(Socket socket, byte[] buffer)
    {
        try
        {
            socket.Receive(buffer);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    /// <summary>Publishes a control request with a unique id and returns its answer (asserting it is not an error).</summary>
    private async Task<JsonElement> RequestAsync(string method, object? parameters)
    {
        var id = "sys-" + Interlocked.Increment(ref _requests);
        var request = JsonSerializer.Serialize(new { id, method, @params = parameters, replyTo = ReplyTopic });
        var seen = _answers.Messages.Count;
        await _broker.PublishAsync(Prefix + "control/request", request);
        JsonElement? answer = null;
        await WaitUntilAsync(() =>
        {
            foreach (var m in _answers.Messages.Skip(seen))
            {
                var root = JsonDocument.Parse(m.Payload).RootElement;
                if (root.GetProperty("id").ValueKind == JsonValueKind.String && root.GetProperty("id").GetString() == id)
                {
                    answer = root;
                    return true;
                }
            }

            return false;
        }, $"the answer to {method}", TimeSpan.FromSeconds(20));
        Assert.False(answer!.Value.TryGetProperty("error", out var error), $"{method} answered {error}");
        return answer.Value;
    }
}
