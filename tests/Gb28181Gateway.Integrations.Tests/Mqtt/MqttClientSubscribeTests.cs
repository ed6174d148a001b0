using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Subscribing and receiving from a real mosquitto_pub.</summary>
public sealed class MqttClientSubscribeTests
{
    private const string ControlRequest = "gb28181/gw-1/control/request";

    [Fact]
    public async Task Receives_qos0_1_2_publishes_from_mosquitto_pub_at_the_granted_qos()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-subscribe"));
        using var metrics = new MqttMetricsRecorder(client);
        await client.StartAsync();

        var granted = await client.SubscribeAsync(ControlRequest, MqttQualityOfService.AtLeastOnce);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, granted);

        await broker.PublishAsync(ControlRequest, "{\"id\":\"0\"}", qos: 0);
        await broker.PublishAsync(ControlRequest, "{\"id\":\"1\"}", qos: 1);
        await broker.PublishAsync(ControlRequest, "{\"id\":\"2\"}", qos: 2);

        var messages = new[] { await client.ReadAsync(), await client.ReadAsync(), await client.ReadAsync() };
        Assert.Equal(["{\"id\":\"0\"}", "{\"id\":\"1\"}", "{\"id\":\"2\"}"], messages.Select(m => m.Text()));
        Assert.All(messages, m => Assert.Equal(ControlRequest, m.Topic));
        // QoS 2 is downgraded to the subscription's maximum.
        Assert.Equal([MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce, MqttQualityOfService.AtLeastOnce], messages.Select(m => m.QualityOfService));
        Assert.Equal(2, metrics.Get("gb28181_mqtt_received_messages", "qos", "1"));
        await broker.WaitForLogAsync("Received PUBACK from gw-subscribe");
    }

    [Fact]
    public async Task Qos2_delivery_is_completed_with_pubrec_and_pubcomp_and_delivered_once()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-qos2"));
        await client.StartAsync();
        await client.SubscribeAsync(ControlRequest, MqttQualityOfService.ExactlyOnce);

        await broker.PublishAsync(ControlRequest, "first", qos: 2);
        await broker.PublishAsync(ControlRequest, "second", qos: 2);

        var first = await client.ReadAsync();
        var second = await client.ReadAsync();
        Assert.Equal(("first", MqttQualityOfService.ExactlyOnce), (first.Text(), first.QualityOfService));
        Assert.Equal("second", second.Text());
        await broker.WaitForLogCountAsync("Received PUBCOMP from gw-qos2", 2);
        Assert.Equal(2, broker.CountInLog("Received PUBREC from gw-qos2"));
        Assert.False(client.Messages.TryRead(out _));
    }

    [Fact]
    public async Task Refused_filter_is_reported_and_the_granted_one_still_works()
    {
        await using var broker = await Mosquitto.StartAsync(new MosquittoOptions { DeniedSubscriptions = ["denied/#"] });
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-denied"));
        using var metrics = new MqttMetricsRecorder(client);
        await client.StartAsync();

        var ex = await Assert.ThrowsAsync<MqttSubscribeException>(() => client.SubscribeAsync(
            [new MqttTopicSubscription(ControlRequest), new MqttTopicSubscription("denied/x")]));

        Assert.Equal(
            [new MqttSubscribeResult(ControlRequest, MqttQualityOfService.AtLeastOnce), new MqttSubscribeResult("denied/x", null)],
            ex.Results);
        Assert.Contains("'denied/x'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "subscribe_rejected"));

        await broker.PublishAsync(ControlRequest, "still subscribed");
        Assert.Equal("still subscribed", (await client.ReadAsync()).Text());
    }

    [Fact]
    public async Task Unsubscribed_topic_is_no_longer_delivered()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-unsubscribe"));
        await client.StartAsync();
        await client.SubscribeAsync("a/+");
        await client.SubscribeAsync("b/+");

        await client.UnsubscribeAsync("a/+");
        await broker.PublishAsync("a/1", "after unsubscribe");
        await broker.PublishAsync("b/1", "marker");

        // Same publisher order, same connection to us: the marker would come second if a/1 were still delivered.
        Assert.Equal("marker", (await client.ReadAsync()).Text());
        await broker.WaitForLogAsync("Received UNSUBSCRIBE from gw-unsubscribe");
    }

    [Fact]
    public async Task Subscription_made_before_connecting_is_sent_on_connect()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-early"));

        var subscribing = client.SubscribeAsync(ControlRequest);
        Assert.False(subscribing.IsCompleted);
        await client.StartAsync();
        await subscribing.WaitAsync(MqttTest.Timeout);

        await broker.PublishAsync(ControlRequest, "hello");
        Assert.Equal("hello", (await client.ReadAsync()).Text());
    }

    [Fact]
    public async Task Clean_session_subscriptions_are_renewed_after_the_broker_restarts()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-renew"));
        var states = new MqttStateLog(client);
        await client.StartAsync();
        await client.SubscribeAsync(ControlRequest);

        var reconnected = states.Next(MqttConnectionState.Connected);
        await broker.StopAsync();
        await broker.RestartAsync();
        Assert.False((await reconnected).SessionPresent);
        await broker.WaitForLogAsync("Sending SUBACK to gw-renew");

        await broker.PublishAsync(ControlRequest, "after restart");
        Assert.Equal("after restart", (await client.ReadAsync()).Text());
    }

    [Fact]
    public async Task Persistent_session_keeps_subscriptions_and_queues_messages_while_away()
    {
        await using var broker = await Mosquitto.StartAsync();
        var options = MqttTest.Options(broker, "gw-persistent");
        options.CleanSession = false;
        await using var client = new MqttClient(options);
        var states = new MqttStateLog(client);
        await client.StartAsync();
        await client.SubscribeAsync(ControlRequest);
        await client.DisconnectAsync();

        await broker.PublishAsync(ControlRequest, "while away", qos: 1);
        var reconnected = states.Next(MqttConnectionState.Connected);
        await client.StartAsync();

        Assert.True((await reconnected).SessionPresent);
        var message = await client.ReadAsync();
        Assert.Equal("while away", message.Text());
        // The broker kept the subscription: none was sent again.
        await broker.WaitForLogAsync("Received PUBACK from gw-persistent");
        Assert.Equal(1, broker.CountInLog("Received SUBSCRIBE from gw-persistent"));
    }
}
