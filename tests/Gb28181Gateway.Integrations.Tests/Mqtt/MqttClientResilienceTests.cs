using System.Globalization;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Faults: connections killed under the client, broker restarts, a full queue, shutdown with work pending.</summary>
public sealed class MqttClientResilienceTests
{
    private const string Status = "gb28181/gw-1/status";
    private const string Alarms = "gb28181/gw-1/events/alarm";

    [Fact]
    public async Task Will_is_published_when_the_connection_is_reset_and_the_client_reconnects()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var relay = new MqttTcpRelay(broker.Port);
        var options = MqttTest.Options(broker, "gw-will", relay.Port);
        options.Will = MqttApplicationMessage.FromString(Status, "offline", MqttQualityOfService.AtLeastOnce, retain: true);
        await using var client = new MqttClient(options);
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);
        await client.StartAsync();
        await client.PublishAsync(MqttApplicationMessage.FromString(Status, "online", MqttQualityOfService.AtLeastOnce, retain: true));
        await using var watcher = await broker.SubscribeAsync(Status);
        await watcher.WaitForMessagesAsync(1);

        var lost = states.Next(MqttConnectionState.WaitingToReconnect);
        var back = states.Next(MqttConnectionState.Connected);
        relay.ResetAll();

        Assert.IsAssignableFrom<IOException>((await lost).Error);
        var seen = await watcher.WaitForMessagesAsync(2);
        Assert.Equal([new MosquittoMessage(Status, "online", 1, true), new MosquittoMessage(Status, "offline", 1, false)], seen);
        await using var late = await broker.SubscribeAsync(Status);
        Assert.Equal(new MosquittoMessage(Status, "offline", 1, true), (await late.WaitForMessagesAsync(1))[0]);

        await back;
        Assert.Equal(2, relay.Accepted);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "connection_lost"));
    }

    [Fact]
    public async Task Graceful_disconnect_sends_disconnect_so_the_will_is_not_published()
    {
        await using var broker = await Mosquitto.StartAsync();
        var options = MqttTest.Options(broker, "gw-graceful");
        options.Will = MqttApplicationMessage.FromString(Status, "offline", MqttQualityOfService.AtLeastOnce, retain: true);
        await using var client = new MqttClient(options);
        await client.StartAsync();
        await client.PublishAsync(MqttApplicationMessage.FromString(Status, "online", MqttQualityOfService.AtLeastOnce, retain: true));
        await using var watcher = await broker.SubscribeAsync(Status);

        await client.DisconnectAsync();
        await broker.WaitForLogAsync("Client gw-graceful disconnected.");
        Assert.Equal(1, broker.CountInLog("Received DISCONNECT from gw-graceful"));
        await broker.PublishAsync(Status, "marker");

        Assert.Equal(["online", "marker"], (await watcher.WaitForMessagesAsync(2)).Select(m => m.Payload));
        // The retained status is still the last one the client published, not the will.
        await using var late = await broker.SubscribeAsync(Status);
        Assert.Equal(new MosquittoMessage(Status, "online", 1, true), (await late.WaitForMessagesAsync(1))[0]);
    }

    [Fact]
    public async Task Broker_restart_mid_stream_loses_nothing_and_duplicates_nothing_published_while_it_was_down()
    {
        await using var broker = await Mosquitto.StartAsync();
        // A persistent subscriber: the broker keeps its session and queue across the restart.
        await using var sink = await broker.SubscribeAsync(Alarms, qos: 1, clientId: "alarm-sink", cleanSession: false);
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-restart"));
        var states = new MqttStateLog(client);
        await client.StartAsync();

        for (var i = 0; i < 50; i++)
        {
            await client.PublishAsync(Alarm(i));
        }

        await sink.WaitForMessagesAsync(50);
        var down = states.Next(MqttConnectionState.WaitingToReconnect);
        await broker.StopAsync();
        await down;

        var whileDown = Enumerable.Range(50, 100).Select(i => client.PublishAsync(Alarm(i))).ToArray();
        Assert.Equal(100, client.QueuedMessageCount);
        Assert.DoesNotContain(whileDown, t => t.IsCompleted);

        var back = states.Next(MqttConnectionState.Connected);
        await broker.RestartAsync();
        await back;
        await Task.WhenAll(whileDown).WaitAsync(TimeSpan.FromSeconds(20));

        var received = (await sink.WaitForMessagesAsync(150, TimeSpan.FromSeconds(20))).Select(m => int.Parse(m.Payload, CultureInfo.InvariantCulture)).ToList();
        // Every message arrived, first copies in publish order.
        Assert.Equal(Enumerable.Range(0, 150), received.Distinct());
        // QoS 1 may repeat what the broker had not seen acknowledged before it stopped, never what was queued while it was down.
        Assert.All(Enumerable.Range(50, 100), i => Assert.Single(received, i));
        Assert.Equal(0, client.QueuedMessageCount);
    }

    [Fact]
    public async Task Unacknowledged_qos1_message_is_resent_with_dup_after_reconnect()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var relay = new MqttTcpRelay(broker.Port);
        await using var sink = await broker.SubscribeAsync("dup/test");
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-dup", relay.Port));
        await client.StartAsync();

        relay.Blackhole = true;
        var publishing = client.PublishAsync(MqttApplicationMessage.FromString("dup/test", "in flight", MqttQualityOfService.AtLeastOnce));
        await MqttTest.WaitUntilAsync(() => relay.DroppedBytes > 0, "the PUBLISH fell into the black hole");
        Assert.False(publishing.IsCompleted);

        relay.ResetAll();
        relay.Blackhole = false;
        await publishing.WaitAsync(MqttTest.Timeout);

        // The broker only ever saw the re-sent copy: same packet identifier, DUP set.
        await broker.WaitForLogAsync("Received PUBLISH from gw-dup (d1, q1, r0, m1, 'dup/test'");
        Assert.Equal(1, broker.CountInLog("Received PUBLISH from gw-dup (d1, q1, r0, m1, 'dup/test'"));
        Assert.Equal(0, broker.CountInLog("Received PUBLISH from gw-dup (d0"));
        Assert.Equal(["in flight"], (await sink.WaitForMessagesAsync(1)).Select(m => m.Payload));
    }

    [Fact]
    public async Task Full_queue_refuses_and_counts_new_messages_and_delivers_the_accepted_ones()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var sink = await broker.SubscribeAsync(Alarms, qos: 1, clientId: "overflow-sink", cleanSession: false);
        var options = MqttTest.Options(broker, "gw-overflow");
        options.QueueCapacity = 3;
        await using var client = new MqttClient(options);
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);
        await client.StartAsync();
        var down = states.Next(MqttConnectionState.WaitingToReconnect);
        await broker.StopAsync();
        await down;

        var accepted = Enumerable.Range(0, 3).Select(i => client.PublishAsync(Alarm(i))).ToArray();
        var full = Assert.Throws<MqttQueueFullException>(() => { _ = client.PublishAsync(Alarm(3)); });
        Assert.Throws<MqttQueueFullException>(() => { _ = client.PublishAsync(MqttApplicationMessage.FromString(Alarms, "qos0")); });

        Assert.Equal(3, full.Capacity);
        Assert.Contains($"'{Alarms}' was not accepted", full.Message, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_queue_dropped_messages", "qos", "1"));
        Assert.Equal(1, metrics.Get("gb28181_mqtt_queue_dropped_messages", "qos", "0"));
        Assert.Equal(3, metrics.Get("gb28181_mqtt_queued_messages"));

        await broker.RestartAsync();
        await Task.WhenAll(accepted).WaitAsync(MqttTest.Timeout);
        Assert.Equal(["0", "1", "2"], (await sink.WaitForMessagesAsync(3)).Select(m => m.Payload));
        Assert.Equal(0, metrics.Get("gb28181_mqtt_queued_messages"));
        await client.PublishAsync(Alarm(4));
    }

    [Fact]
    public async Task Disconnect_delivers_everything_accepted_before_saying_goodbye()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var sink = await broker.SubscribeAsync(Alarms);
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-drain"));
        await client.StartAsync();

        var publishing = Enumerable.Range(0, 500).Select(i => client.PublishAsync(Alarm(i))).ToArray();
        await client.DisconnectAsync();

        Assert.All(publishing, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(500, (await sink.WaitForMessagesAsync(500)).Count);
        await broker.WaitForLogAsync("Received DISCONNECT from gw-drain");
        Assert.Equal(500, broker.CountInLog("Received PUBLISH from gw-drain"));
    }

    [Fact]
    public async Task Messages_accepted_but_undelivered_fail_loudly_when_the_client_is_disposed()
    {
        var client = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = LoopbackPorts.Next(), ClientId = "gw-dispose" });
        var pending = client.PublishAsync(Alarm(1));
        var subscribing = client.SubscribeAsync("gb28181/gw-1/control/request");

        await client.DisposeAsync();

        var ex = await Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.Contains("disposed before the message was delivered", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => subscribing);
        Assert.Throws<ObjectDisposedException>(() => { _ = client.PublishAsync(Alarm(2)); });
        Assert.False(await client.Messages.WaitToReadAsync());
    }

    [Fact]
    public async Task Slow_reader_gets_every_message_in_order()
    {
        await using var broker = await Mosquitto.StartAsync();
        var options = MqttTest.Options(broker, "gw-slow-reader");
        options.InboundCapacity = 2;
        await using var client = new MqttClient(options);
        await client.StartAsync();
        await client.SubscribeAsync("control/#");

        for (var i = 0; i < 10; i++)
        {
            await broker.PublishAsync("control/request", i.ToString(CultureInfo.InvariantCulture));
        }

        var read = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            read.Add((await client.ReadAsync()).Text());
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), read);
    }

    private static MqttApplicationMessage Alarm(int sequence) =>
        MqttApplicationMessage.FromString(Alarms, sequence.ToString(CultureInfo.InvariantCulture), MqttQualityOfService.AtLeastOnce);
}
