using System.Threading.Channels;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>
/// An MQTT 3.1.1 client that keeps its connection up by itself: once <see cref="ConnectAsync"/> has succeeded, a lost
/// connection is re-established with capped exponential backoff, unacknowledged QoS 1 messages are re-sent, and
/// subscriptions are renewed when the broker did not keep the session. Small enough for MQTTnet to implement later.
/// </summary>
public interface IMqttClient : IAsyncDisposable
{
    MqttConnectionState State { get; }

    /// <summary>Raised on every state change (for logs, metrics, re-announcing a retained status after a reconnect).</summary>
    event EventHandler<MqttConnectionStateChangedEventArgs>? ConnectionStateChanged;

    /// <summary>
    /// Messages from the broker on the client's subscriptions, in arrival order. Bounded: a reader that falls behind
    /// slows the connection down (TCP back-pressure) rather than losing messages. Completes when the client is disposed.
    /// </summary>
    ChannelReader<MqttApplicationMessage> Messages { get; }

    /// <summary>Number of messages accepted but not yet written to the broker (the bounded queue).</summary>
    int QueuedMessageCount { get; }

    /// <summary>
    /// Starts the client and waits for the first CONNACK. Transient failures (broker down, timeouts, "server unavailable")
    /// are retried with backoff until <paramref name="cancellationToken"/> is cancelled, which stops the client.
    /// </summary>
    /// <exception cref="MqttConnectException">The broker refused the connection for a reason retrying cannot fix (credentials, client identifier, authorization); the client is stopped.</exception>
    /// <exception cref="InvalidOperationException">The client is already started.</exception>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes at QoS 0 or 1 and completes when delivered: QoS 0 once written to the connection, QoS 1 once the
    /// broker's PUBACK arrives. While disconnected the message waits in the bounded queue. Once accepted, a message is
    /// delivered even if <paramref name="cancellationToken"/> is cancelled (cancellation only stops the waiting);
    /// it fails only if the client is disposed first.
    /// </summary>
    /// <exception cref="MqttQueueFullException">The queue is full; the message was not accepted (counted in gb28181_mqtt_queue_dropped_messages).</exception>
    /// <exception cref="NotSupportedException">QoS 2 publishing.</exception>
    Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes and completes with the broker's SUBACK. Subscriptions are remembered and renewed after a reconnect
    /// when the broker did not keep the session. May be called before the first connection.
    /// </summary>
    /// <exception cref="MqttSubscribeException">The broker refused some of the filters (SUBACK 0x80); the others are subscribed.</exception>
    Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IReadOnlyList<MqttTopicSubscription> subscriptions, CancellationToken cancellationToken = default);

    /// <summary>Unsubscribes (forgotten at once, so never renewed) and completes with the broker's UNSUBACK.</summary>
    Task UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Graceful stop: waits (until <paramref name="cancellationToken"/>) for queued and unacknowledged messages to be
    /// delivered while connected, then sends DISCONNECT, so the broker discards the will. Messages still undelivered
    /// stay queued for a later <see cref="ConnectAsync"/>. Cancellation shortens the wait; the disconnect still happens.
    /// </summary>
    Task DisconnectAsync(CancellationToken cancellationToken = default);
}
