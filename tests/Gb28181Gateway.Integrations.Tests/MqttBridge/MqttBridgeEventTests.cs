using System.Text.Json;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Integrations.Tests.Mqtt;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>Events and status as a real mosquitto_sub sees them.</summary>
public sealed class MqttBridgeEventTests
{
    private static readonly DateTimeOffset At = new(2024, 5, 1, 8, 30, 15, TimeSpan.FromHours(8));

    private static DeviceAlarmEvent Alarm(int n) => new(MqttBridgeHarness.Camera, new AlarmNotify
    {
        Sn = n,
        DeviceId = MqttBridgeHarness.CameraChannel,
        AlarmPriority = 1,
        AlarmMethod = 5,
        AlarmTime = new DateTime(2024, 5, 1, 8, 30, 14),
        AlarmDescription = "移动侦测 " + n,
        Longitude = 116.397128,
        Latitude = 39.916527,
        Info = new AlarmInfo { AlarmType = 2 },
    })
    { Timestamp = At };

    [Fact]
    public async Task Alarm_on_the_bus_arrives_on_events_alarm_as_the_documented_json_at_qos_1()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-alarm");
        await using var sink = await broker.SubscribeAsync("gb28181/gw-alarm/events/alarm", qos: 1);

        bridge.Bus.Publish(Alarm(7));

        var message = Assert.Single(await sink.WaitForMessagesAsync(1));
        Assert.Equal("gb28181/gw-alarm/events/alarm", message.Topic);
        Assert.Equal(1, message.Qos);
        Assert.False(message.Retained);
        // Exactly the README's example: camelCase, in this order, times ISO 8601, no nulls.
        Assert.Equal(
            """{"deviceId":"34020000001320000001","channelId":"34020000001310000001","priority":1,"method":5,"type":2,"time":"2024-05-01T08:30:14","description":"移动侦测 7","longitude":116.397128,"latitude":39.916527,"timestamp":"2024-05-01T08:30:15+08:00"}""",
            message.Payload);
    }

    [Fact]
    public async Task Device_platform_and_session_events_go_to_their_topics()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-events");
        await using var sink = await broker.SubscribeAsync("gb28181/gw-events/events/#", qos: 1);
        var channel = new ChannelRef(MqttBridgeHarness.Camera, MqttBridgeHarness.CameraChannel);

        bridge.Bus.Publish(new DeviceOnlineEvent(MqttBridgeHarness.Camera, "udp:10.0.0.5:5060") { Timestamp = At });
        bridge.Bus.Publish(new DeviceOfflineEvent(MqttBridgeHarness.Camera, DeviceOfflineReason.KeepaliveTimeout) { Timestamp = At });
        bridge.Bus.Publish(new ChannelsChangedEvent(MqttBridgeHarness.Camera, [new CatalogItem { DeviceId = MqttBridgeHarness.CameraChannel, Event = "OFF", Name = "Gate", Status = "OFF" }]) { Timestamp = At });
        bridge.Bus.Publish(new PlatformRegisteredEvent("province") { Timestamp = At });
        bridge.Bus.Publish(new PlatformLostEvent("province", "408 timeout") { Timestamp = At });
        bridge.Bus.Publish(new SessionStartedEvent(new SessionRecord { SessionId = "s1", Kind = "Play", Platform = "province", UpperChannelId = MqttBridgeHarness.CameraChannel, Channel = channel, PlatformSsrc = "0100000001" }) { Timestamp = At });
        bridge.Bus.Publish(new SessionStoppedEvent("s1", channel, "platform BYE") { Timestamp = At });
        bridge.Bus.Publish(new MobilePositionEvent(MqttBridgeHarness.Camera, new MobilePositionNotify { Sn = 1, DeviceId = MqttBridgeHarness.Camera }) { Timestamp = At });

        var messages = await sink.WaitForMessagesAsync(7);
        Assert.Equal(   // a MobilePosition report without positions publishes nothing
            ["events/device", "events/device", "events/device", "events/platform", "events/platform", "events/session", "events/session"],
            messages.Select(m => m.Topic["gb28181/gw-events/".Length..]));
        Assert.Equal("""{"event":"online","deviceId":"34020000001320000001","endpoint":"udp:10.0.0.5:5060","timestamp":"2024-05-01T08:30:15+08:00"}""", messages[0].Payload);
        Assert.Equal("""{"event":"offline","deviceId":"34020000001320000001","reason":"keepaliveTimeout","timestamp":"2024-05-01T08:30:15+08:00"}""", messages[1].Payload);
        Assert.Equal("""{"event":"catalog","deviceId":"34020000001320000001","channels":[{"channelId":"34020000001310000001","change":"OFF","name":"Gate","status":"OFF"}],"timestamp":"2024-05-01T08:30:15+08:00"}""", messages[2].Payload);
        Assert.Equal("""{"event":"registered","platform":"province","timestamp":"2024-05-01T08:30:15+08:00"}""", messages[3].Payload);
        Assert.Equal("""{"event":"lost","platform":"province","reason":"408 timeout","timestamp":"2024-05-01T08:30:15+08:00"}""", messages[4].Payload);
        using var started = JsonDocument.Parse(messages[5].Payload);
        Assert.Equal("started", started.RootElement.GetProperty("event").GetString());
        Assert.Equal("s1", started.RootElement.GetProperty("sessionId").GetString());
        Assert.Equal("0100000001", started.RootElement.GetProperty("platformSsrc").GetString());
        Assert.Equal("""{"event":"stopped","sessionId":"s1","deviceId":"34020000001320000001","channelId":"34020000001310000001","reason":"platform BYE","timestamp":"2024-05-01T08:30:15+08:00"}""", messages[6].Payload);
    }

    [Fact]
    public async Task Mobile_positions_arrive_on_events_position_one_message_per_position()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-position");
        await using var sink = await broker.SubscribeAsync("gb28181/gw-position/events/position", qos: 1);

        // 2016 layout: one position, named by the report's DeviceID.
        bridge.Bus.Publish(new MobilePositionEvent(MqttBridgeHarness.Camera, new MobilePositionNotify
        {
            Sn = 3,
            DeviceId = MqttBridgeHarness.Camera,
            Positions = [new MobilePosition { DeviceId = MqttBridgeHarness.Camera, Time = new DateTime(2024, 5, 1, 8, 30, 14), Longitude = 116.397128, Latitude = 39.916527, Speed = 12.5, Direction = 90, Altitude = 44 }],
        })
        { Timestamp = At });
        // 2022 list: one message per item, in order, each with the item's own DeviceID.
        bridge.Bus.Publish(new MobilePositionEvent(MqttBridgeHarness.Camera, new MobilePositionNotify
        {
            Sn = 4,
            DeviceId = MqttBridgeHarness.Camera,
            Layout = MobilePositionLayout.List2022,
            Positions =
            [
                new MobilePosition { DeviceId = MqttBridgeHarness.CameraChannel, Longitude = 116.1, Latitude = 39.1, Height = 3.5 },
                new MobilePosition { DeviceId = "34020000001310000002", Longitude = 116.2, Latitude = 39.2 },
            ],
        })
        { Timestamp = At });

        var messages = await sink.WaitForMessagesAsync(3);
        Assert.All(messages, m => Assert.Equal((1, false), (m.Qos, m.Retained)));
        Assert.Equal(
            """{"deviceId":"34020000001320000001","channelId":"34020000001320000001","time":"2024-05-01T08:30:14","longitude":116.397128,"latitude":39.916527,"speed":12.5,"direction":90,"altitude":44,"timestamp":"2024-05-01T08:30:15+08:00"}""",
            messages[0].Payload);
        Assert.Equal(
            """{"deviceId":"34020000001320000001","channelId":"34020000001310000001","longitude":116.1,"latitude":39.1,"height":3.5,"timestamp":"2024-05-01T08:30:15+08:00"}""",
            messages[1].Payload);
        using var third = JsonDocument.Parse(messages[2].Payload);
        Assert.Equal("34020000001310000002", third.RootElement.GetProperty("channelId").GetString());
    }

    [Fact]
    public async Task Status_is_retained_online_the_will_says_offline_when_the_connection_dies_and_a_clean_stop_leaves_offline()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var relay = new MqttTcpRelay(broker.Port);
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-status", relay.Port);

        // A subscriber arriving later gets the retained "online".
        await using (var late = await broker.SubscribeAsync("gb28181/gw-status/status"))
        {
            var retained = Assert.Single(await late.WaitForMessagesAsync(1));
            Assert.Equal(new MosquittoMessage("gb28181/gw-status/status", "online", 1, Retained: true), retained);
        }

        await using var watcher = await broker.SubscribeAsync("gb28181/gw-status/status");
        await watcher.WaitForMessagesAsync(1);
        var subAcks = broker.CountInLog(MqttBridgeHarness.SubAck("gw-status"));

        // Kill the bridge's TCP connection: the broker publishes the will, the bridge reconnects and says online again.
        relay.ResetAll();
        var seen = await watcher.WaitForMessagesAsync(3);
        Assert.Equal(["online", "offline", "online"], seen.Take(3).Select(m => m.Payload));
        await broker.WaitForLogCountAsync(MqttBridgeHarness.SubAck("gw-status"), subAcks + 1);

        await bridge.StopAsync();
        await using var after = await broker.SubscribeAsync("gb28181/gw-status/status");
        Assert.Equal(new MosquittoMessage("gb28181/gw-status/status", "offline", 1, Retained: true), Assert.Single(await after.WaitForMessagesAsync(1)));
        Assert.Equal(MqttConnectionState.Disconnected, bridge.Service.Client!.State);
    }

    [Fact]
    public async Task Alarms_published_while_the_broker_is_down_all_arrive_after_it_restarts()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var sink = await broker.SubscribeAsync("gb28181/gw-restart/events/alarm", qos: 1, clientId: "alarm-sink", cleanSession: false);
        await using var bridge = await MqttBridgeHarness.StartAsync(broker, "gw-restart");
        var client = bridge.Service.Client!;
        var states = new MqttStateLog(client);

        bridge.Bus.Publish(Alarm(0));
        await sink.WaitForMessagesAsync(1);

        var down = states.Next(MqttConnectionState.WaitingToReconnect);
        await broker.StopAsync();
        await down;
        for (var i = 1; i <= 20; i++)
        {
            bridge.Bus.Publish(Alarm(i));
        }

        await MqttTest.WaitUntilAsync(() => client.QueuedMessageCount == 20, "the 20 alarms are queued in the client");
        var back = states.Next(MqttConnectionState.Connected);
        await broker.RestartAsync();
        await back;

        var received = await sink.WaitForMessagesAsync(21, TimeSpan.FromSeconds(30));
        var numbers = received.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("description").GetString()!).Distinct().ToList();
        Assert.Equal(Enumerable.Range(0, 21).Select(i => "移动侦测 " + i), numbers);
    }
}
