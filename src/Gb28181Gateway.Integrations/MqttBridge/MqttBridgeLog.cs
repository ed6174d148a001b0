using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>MQTT bridge log messages, event IDs 7150-7199 (the client uses 7100-7149).</summary>
internal static partial class MqttBridgeLog
{
    [LoggerMessage(7150, LogLevel.Information, "MQTT bridge starting: broker {Broker}, client '{ClientId}', topics under '{Root}'")]
    public static partial void Starting(ILogger logger, string broker, string clientId, string root);

    [LoggerMessage(7151, LogLevel.Error, "MQTT bridge stopped: the broker refused the connection and retrying cannot help")]
    public static partial void ConnectRefused(ILogger logger, Exception exception);

    [LoggerMessage(7152, LogLevel.Warning, "MQTT bridge could not subscribe to '{Topic}'; control requests are not served")]
    public static partial void SubscribeFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(7153, LogLevel.Warning, "MQTT bridge dropped a {EventType} event: the outgoing queue is full")]
    public static partial void EventDropped(ILogger logger, string eventType);

    [LoggerMessage(7154, LogLevel.Warning, "MQTT bridge could not deliver a message to '{Topic}'")]
    public static partial void PublishFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(7155, LogLevel.Warning, "MQTT control request {Id} is malformed ({Code}): {Message}")]
    public static partial void MalformedRequest(ILogger logger, string id, int code, string message);

    [LoggerMessage(7156, LogLevel.Information, "MQTT control {Method} (id {Id}) failed ({Code}): {Message}")]
    public static partial void RequestFailed(ILogger logger, string method, string id, int code, string message);

    [LoggerMessage(7157, LogLevel.Error, "MQTT control {Method} (id {Id}) failed unexpectedly")]
    public static partial void RequestCrashed(ILogger logger, string method, string id, Exception exception);

    [LoggerMessage(7158, LogLevel.Error, "MQTT bridge event loop failed")]
    public static partial void EventLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(7159, LogLevel.Error, "MQTT bridge control loop failed; control requests are no longer served")]
    public static partial void ControlLoopFailed(ILogger logger, Exception exception);
}
