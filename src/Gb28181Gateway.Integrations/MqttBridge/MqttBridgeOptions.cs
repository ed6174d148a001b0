using System.Text;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Integrations.Mqtt;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>How the bridge uses the <c>Gateway:Mqtt</c> section.</summary>
internal static class MqttBridgeOptions
{
    public static readonly byte[] Online = Encoding.ASCII.GetBytes("online");
    public static readonly byte[] Offline = Encoding.ASCII.GetBytes("offline");

    /// <summary>Requests served at the same time; further requests wait (and the broker's delivery slows down).</summary>
    public const int MaxConcurrentRequests = 16;

    public static bool IsEnabled(GatewayOptions options) => !string.IsNullOrWhiteSpace(options.Mqtt.Host);

    /// <summary>The client options: credentials, client ID (default <c>gb28181-{InstanceId}</c>), keep alive, queue, and the retained "offline" will.</summary>
    public static MqttClientOptions CreateClientOptions(GatewayOptions options, MqttBridgeTopics topics)
    {
        var mqtt = options.Mqtt;
        return new MqttClientOptions
        {
            Host = mqtt.Host,
            Port = mqtt.Port,
            ClientId = string.IsNullOrWhiteSpace(mqtt.ClientId) ? "gb28181-" + options.InstanceId : mqtt.ClientId,
            Username = mqtt.Username,
            Password = mqtt.Password,
            KeepAlive = TimeSpan.FromSeconds(mqtt.KeepaliveSeconds),
            QueueCapacity = mqtt.MaxQueuedMessages,
            CleanSession = true,
            Will = new MqttApplicationMessage(topics.Status, Offline, MqttQualityOfService.AtLeastOnce, retain: true),
        };
    }
}
