using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>MQTT client log messages, event IDs 7100-7199.</summary>
internal static partial class Log
{
    [LoggerMessage(7100, LogLevel.Debug, "MQTT connecting to {Broker} as '{ClientId}'")]
    public static partial void Connecting(ILogger logger, string broker, string clientId);

    [LoggerMessage(7101, LogLevel.Information, "MQTT connected to {Broker} (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string broker, bool sessionPresent);

    [LoggerMessage(7102, LogLevel.Warning, "MQTT connection to {Broker} failed; next attempt in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string broker, TimeSpan delay, Exception exception);

    [LoggerMessage(7103, LogLevel.Error, "MQTT broker {Broker} refused the connection: {Reason}")]
    public static partial void ConnectRefused(ILogger logger, string broker, string reason);

    [LoggerMessage(7104, LogLevel.Warning, "MQTT connection to {Broker} lost; reconnecting in {Delay}")]
    public static partial void ConnectionLost(ILogger logger, string broker, TimeSpan delay, Exception exception);

    [LoggerMessage(7105, LogLevel.Warning, "MQTT broker {Broker} did not answer PINGREQ within {Timeout}; closing the connection")]
    public static partial void KeepAliveTimeout(ILogger logger, string broker, TimeSpan timeout);

    [LoggerMessage(7106, LogLevel.Error, "MQTT protocol error from {Broker}; closing the connection")]
    public static partial void ProtocolError(ILogger logger, string broker, Exception exception);

    [LoggerMessage(7107, LogLevel.Warning, "MQTT outgoing queue full ({Capacity} messages); refusing new messages until the broker catches up")]
    public static partial void QueueFull(ILogger logger, int capacity);

    [LoggerMessage(7108, LogLevel.Warning, "MQTT refused {Count} messages while the outgoing queue was full")]
    public static partial void QueueDropsSummary(ILogger logger, long count);

    [LoggerMessage(7109, LogLevel.Information, "MQTT disconnected from {Broker}")]
    public static partial void Disconnected(ILogger logger, string broker);

    [LoggerMessage(7110, LogLevel.Warning, "MQTT broker {Broker} refused the subscription to '{TopicFilter}' (SUBACK 0x80)")]
    public static partial void SubscriptionRejected(ILogger logger, string broker, string topicFilter);

    [LoggerMessage(7111, LogLevel.Information, "MQTT session not kept by {Broker}; renewing {Count} subscriptions")]
    public static partial void Resubscribing(ILogger logger, string broker, int count);

    [LoggerMessage(7112, LogLevel.Information, "MQTT re-sending {Count} unacknowledged QoS 1 messages to {Broker}")]
    public static partial void Resending(ILogger logger, string broker, int count);

    [LoggerMessage(7113, LogLevel.Error, "MQTT connection state handler threw")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(7114, LogLevel.Debug, "MQTT {PacketType} for unknown packet identifier {PacketId} ignored")]
    public static partial void UnknownPacketId(ILogger logger, string packetType, ushort packetId);

    [LoggerMessage(7115, LogLevel.Warning, "MQTT client disposed with {Count} messages undelivered; their publishes fail")]
    public static partial void UndeliveredAtDispose(ILogger logger, int count);

    [LoggerMessage(7116, LogLevel.Warning, "MQTT disconnecting with {Count} messages undelivered; they stay queued for the next connection")]
    public static partial void UndeliveredAtDisconnect(ILogger logger, int count);

    [LoggerMessage(7117, LogLevel.Warning, "MQTT QoS 0 message to '{Topic}' may not have reached the broker: the connection broke while it was written")]
    public static partial void Qos0WriteFailed(ILogger logger, string topic);
}
