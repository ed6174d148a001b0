using Gb28181Gateway.Integrations.Mqtt;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>The client's pieces without a broker: backoff, option checks, the outbox and the subscription book.</summary>
public sealed class MqttClientPartsTests
{
    [Fact]
    public void Backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half_and_restarts_after_reset()
    {
        var backoff = new MqttReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));
        double[] ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60];

        var delays = ceilings.Select(_ => backoff.Next().TotalSeconds).ToArray();

        for (var i = 0; i < ceilings.Length; i++)
        {
            Assert.InRange(delays[i], ceilings[i] / 2, ceilings[i]);
        }

        // Jitter: the capped attempts are not all the same.
        Assert.True(delays[^3..].Distinct().Count() > 1);
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void Backoff_never_overflows_after_many_failures()
    {
        var backoff = new MqttReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), new Random(1));
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5));
        }
    }

    [Theory]
    [InlineData(nameof(MqttClientOptions.Host), "Host is empty")]
    [InlineData(nameof(MqttClientOptions.Port), "Port is 0")]
    [InlineData(nameof(MqttClientOptions.ClientId), "ClientId is empty, which MQTT allows only with CleanSession = true")]
    [InlineData(nameof(MqttClientOptions.Password), "Password is set without a Username")]
    [InlineData(nameof(MqttClientOptions.KeepAlive), "KeepAlive is 00:00:01.5000000; it must be whole seconds")]
    [InlineData(nameof(MqttClientOptions.ReconnectDelayMax), "ReconnectDelayMax is 00:00:00.1000000, below ReconnectDelayMin")]
    [InlineData(nameof(MqttClientOptions.QueueCapacity), "QueueCapacity is 0")]
    [InlineData(nameof(MqttClientOptions.MaxInFlight), "MaxInFlight is 70000")]
    public void Invalid_options_name_the_property(string property, string message)
    {
        var options = new MqttClientOptions { Host = "broker", ClientId = "gw" };
        switch (property)
        {
            case nameof(MqttClientOptions.Host): options.Host = " "; break;
            case nameof(MqttClientOptions.Port): options.Port = 0; break;
            case nameof(MqttClientOptions.ClientId): options.ClientId = ""; options.CleanSession = false; break;
            case nameof(MqttClientOptions.Password): options.Password = "secret"; break;
            case nameof(MqttClientOptions.KeepAlive): options.KeepAlive = TimeSpan.FromSeconds(1.5); break;
            case nameof(MqttClientOptions.ReconnectDelayMax): options.ReconnectDelayMax = TimeSpan.FromMilliseconds(100); break;
            case nameof(MqttClientOptions.QueueCapacity): options.QueueCapacity = 0; break;
            case nameof(MqttClientOptions.MaxInFlight): options.MaxInFlight = 70_000; break;
        }

        var ex = Assert.Throws<ArgumentException>(() => new MqttClient(options));
        Assert.Equal(property, ex.ParamName);
        Assert.Contains($"MqttClientOptions.{message}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outbox_keeps_order_and_the_in_flight_window()
    {
        var outbox = new MqttOutbox(capacity: 10, maxInFlight: 2, new MqttPacketIdPool());
        var messages = new[] { Message(1), Message(0), Message(1), Message(1), Message(0) };
        Assert.All(messages, m => Assert.True(outbox.TryEnqueue(m)));

        var batch = new List<MqttOutgoingMessage>();
        outbox.TakeWritable(batch, 100);

        // Two QoS 1 fill the window; the third QoS 1 waits and so does the QoS 0 behind it (order is kept).
        Assert.Equal(messages[..3], batch);
        Assert.Equal([1, 2], batch.Where(m => m.PacketId != 0).Select(m => (int)m.PacketId));
        Assert.Equal(2, outbox.QueuedCount);

        Assert.Same(messages[2], outbox.Acknowledge(2));
        Assert.Null(outbox.Acknowledge(2));
        batch.Clear();
        outbox.TakeWritable(batch, 100);
        Assert.Equal(messages[3..], batch);
        Assert.Equal(3, messages[3].PacketId);
        Assert.Equal([messages[0], messages[3]], outbox.InFlightInOrder());
    }

    [Fact]
    public void Outbox_refuses_beyond_capacity_and_gives_everything_back_on_dispose()
    {
        var ids = new MqttPacketIdPool();
        var outbox = new MqttOutbox(capacity: 2, maxInFlight: 1, ids);
        var a = Message(1);
        var b = Message(1);
        Assert.True(outbox.TryEnqueue(a));
        Assert.True(outbox.TryEnqueue(b));
        Assert.False(outbox.TryEnqueue(Message(0)));
        outbox.TakeWritable([], 100);

        Assert.Equal([a, b], outbox.RemoveAll());
        Assert.True(outbox.IsEmpty);

        // a's identifier came back with it: all 65535 can be rented again, and not one more.
        for (var i = 0; i < ushort.MaxValue; i++)
        {
            ids.Rent();
        }

        var ex = Assert.Throws<InvalidOperationException>(() => ids.Rent());
        Assert.Contains("all 65535 MQTT packet identifiers are in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packet_ids_wrap_and_skip_those_in_use()
    {
        var ids = new MqttPacketIdPool();
        var first = ids.Rent();
        for (var i = 2; i <= ushort.MaxValue; i++)
        {
            ids.Return(ids.Rent());
        }

        // Wrapped: 1 is still in use, so the next is 2.
        Assert.Equal(1, first);
        Assert.Equal(2, ids.Rent());
    }

    [Fact]
    public void Subscription_book_renews_granted_filters_first_and_forgets_refused_and_unsubscribed_ones()
    {
        var book = new MqttSubscriptionBook(new MqttPacketIdPool());
        var subscribe = book.AddSubscribe([new("a/+"), new("denied/x"), new("b/#", MqttQualityOfService.ExactlyOnce)]);
        var result = book.CompleteSubscribe(subscribe.PacketId, [1, 0x80, 2])!.Value;
        Assert.Equal([true, false, true], result.Results.Select(r => r.Succeeded));

        var unsubscribe = book.AddUnsubscribe(["a/+"]);
        var renewal = book.RenewAll()!;

        Assert.Equal([renewal, unsubscribe], book.Pending);
        Assert.Equal([new MqttTopicSubscription("b/#", MqttQualityOfService.ExactlyOnce)], renewal.Subscribe);
        Assert.True(renewal.IsRenewal);

        // A second loss before the renewal is answered replaces it rather than stacking another.
        var again = book.RenewAll()!;
        Assert.Equal([again, unsubscribe], book.Pending);
    }

    [Fact]
    public void Subscribe_answered_after_a_later_unsubscribe_of_the_same_filter_is_not_renewed()
    {
        var book = new MqttSubscriptionBook(new MqttPacketIdPool());
        var subscribe = book.AddSubscribe([new("a/+")]);
        book.AddUnsubscribe(["a/+"]);

        book.CompleteSubscribe(subscribe.PacketId, [1]);

        Assert.Equal(0, book.GrantedCount);
    }

    [Fact]
    public void Suback_with_the_wrong_number_of_codes_is_a_protocol_error()
    {
        var book = new MqttSubscriptionBook(new MqttPacketIdPool());
        var subscribe = book.AddSubscribe([new("a"), new("b")]);

        var ex = Assert.Throws<MqttProtocolException>(() => book.CompleteSubscribe(subscribe.PacketId, [1]));
        Assert.Contains("1 return codes for 2 topic filters", ex.Message, StringComparison.Ordinal);
        Assert.Null(book.CompleteSubscribe(999, [1]));
    }

    private static MqttOutgoingMessage Message(int qos) =>
        new(MqttApplicationMessage.FromString("t", "x", (MqttQualityOfService)qos));
}
