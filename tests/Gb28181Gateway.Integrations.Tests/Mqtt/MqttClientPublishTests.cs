using System.Globalization;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Publishing, observed by a real mosquitto_sub.</summary>
public sealed class MqttClientPublishTests
{
    [Fact]
    public async Task Qos0_and_qos1_messages_reach_mosquitto_sub_in_order()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var subscriber = await broker.SubscribeAsync("gb28181/gw-1/events/#", qos: 1);
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-publish"));
        using var metrics = new MqttMetricsRecorder(client);
        await client.StartAsync();

        await client.PublishAsync(MqttApplicationMessage.FromString("gb28181/gw-1/events/device", "{\"online\":true}"));
        await client.PublishAsync(MqttApplicationMessage.FromString("gb28181/gw-1/events/alarm", "{\"alarm\":\"intrusion\"}", MqttQualityOfService.AtLeastOnce));

        var received = await subscriber.WaitForMessagesAsync(2);
        Assert.Equal(
            [
                new MosquittoMessage("gb28181/gw-1/events/device", "{\"online\":true}", 0, false),
                new MosquittoMessage("gb28181/gw-1/events/alarm", "{\"alarm\":\"intrusion\"}", 1, false),
            ],
            received);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_published_messages", "qos", "0"));
        Assert.Equal(1, metrics.Get("gb28181_mqtt_published_messages", "qos", "1"));
        // QoS 1 completes on PUBACK: the broker has acknowledged packet id 1.
        await broker.WaitForLogAsync("Sending PUBACK to gw-publish (m1, rc0)");
    }

    [Fact]
    public async Task Retained_message_is_given_to_later_subscribers()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-retain"));
        await client.StartAsync();

        await client.PublishAsync(MqttApplicationMessage.FromString("gb28181/gw-1/status", "online", MqttQualityOfService.AtLeastOnce, retain: true));
        await using var subscriber = await broker.SubscribeAsync("gb28181/gw-1/status");

        var received = await subscriber.WaitForMessagesAsync(1);
        Assert.Equal(new MosquittoMessage("gb28181/gw-1/status", "online", 1, Retained: true), received[0]);
    }

    [Fact]
    public async Task A_long_stream_through_a_small_in_flight_window_arrives_complete_and_in_order()
    {
        const int count = 2000;
        await using var broker = await Mosquitto.StartAsync();
        await using var subscriber = await broker.SubscribeAsync("stream/#", qos: 1);
        var options = MqttTest.Options(broker, "gw-stream");
        options.MaxInFlight = 8;
        await using var client = new MqttClient(options);
        await client.StartAsync();

        var published = Enumerable.Range(0, count)
            .Select(i => client.PublishAsync(MqttApplicationMessage.FromString($"stream/qos{i % 2}", i.ToString(CultureInfo.InvariantCulture), (MqttQualityOfService)(i % 2))))
            .ToArray();
        await Task.WhenAll(published).WaitAsync(TimeSpan.FromSeconds(30));

        // The broker orders messages per topic and QoS (MQTT-4.6.0-6), not across QoS levels.
        var received = await subscriber.WaitForMessagesAsync(count, TimeSpan.FromSeconds(30));
        foreach (var qos in new[] { 0, 1 })
        {
            Assert.Equal(
                Enumerable.Range(0, count).Where(i => i % 2 == qos).Select(i => i.ToString(CultureInfo.InvariantCulture)),
                received.Where(m => m.Topic == $"stream/qos{qos}").Select(m => m.Payload));
        }

        Assert.Equal(0, client.QueuedMessageCount);
    }

    [Fact]
    public async Task Large_payload_round_trips_through_the_broker()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-large"));
        await client.StartAsync();
        await client.SubscribeAsync("large/+", MqttQualityOfService.AtLeastOnce);
        var payload = new byte[300_000];
        new Random(28181).NextBytes(payload);

        await client.PublishAsync(new MqttApplicationMessage("large/1", payload, MqttQualityOfService.AtLeastOnce));

        var echo = await client.ReadAsync();
        Assert.Equal("large/1", echo.Topic);
        Assert.True(echo.Payload.Span.SequenceEqual(payload));
    }

    [Fact]
    public async Task Bad_publishes_are_refused_before_they_are_queued()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-bad-publish"));

        // Thrown by the call itself, not by the task: nothing was accepted.
        Assert.Throws<NotSupportedException>(() => { _ = client.PublishAsync(MqttApplicationMessage.FromString("a", "x", MqttQualityOfService.ExactlyOnce)); });
        Assert.Throws<ArgumentException>(() => MqttApplicationMessage.FromString("alarm/#", "x"));
        Assert.Throws<ArgumentNullException>(() => { _ = client.PublishAsync(null!); });
        Assert.Equal(0, client.QueuedMessageCount);
    }
}
