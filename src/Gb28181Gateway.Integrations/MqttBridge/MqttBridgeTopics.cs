using Gb28181Gateway.Cascade.Configuration;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>The bridge's topic names, all under <c>{TopicPrefix}/{InstanceId}/</c>.</summary>
internal sealed class MqttBridgeTopics
{
    public MqttBridgeTopics(string prefix, string instanceId)
    {
        var root = string.IsNullOrEmpty(prefix) ? instanceId : prefix.TrimEnd('/') + "/" + instanceId;
        Root = root;
        Status = root + "/status";
        Alarm = root + "/events/alarm";
        Position = root + "/events/position";
        Device = root + "/events/device";
        Platform = root + "/events/platform";
        Session = root + "/events/session";
        ControlRequest = root + "/control/request";
        ControlResponse = root + "/control/response";
    }

    public MqttBridgeTopics(GatewayOptions options)
        : this(options.Mqtt.TopicPrefix, options.InstanceId)
    {
    }

    /// <summary><c>{TopicPrefix}/{InstanceId}</c>.</summary>
    public string Root { get; }

    /// <summary>Retained <c>online</c> / <c>offline</c>; the offline one is also the last will.</summary>
    public string Status { get; }

    public string Alarm { get; }

    /// <summary>MobilePosition reports, one message per position.</summary>
    public string Position { get; }

    public string Device { get; }

    public string Platform { get; }

    public string Session { get; }

    public string ControlRequest { get; }

    /// <summary>Where answers go when a request names no <c>replyTo</c> (or is too broken to name one).</summary>
    public string ControlResponse { get; }
}
