namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>Single-filter shorthands for <see cref="IMqttClient"/>.</summary>
public static class MqttClientExtensions
{
    /// <summary>Subscribes to one filter; returns the granted QoS.</summary>
    /// <exception cref="MqttSubscribeException">The broker refused the filter (SUBACK 0x80).</exception>
    public static async Task<MqttQualityOfService> SubscribeAsync(this IMqttClient client, string topicFilter, MqttQualityOfService maximumQualityOfService = MqttQualityOfService.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var results = await client.SubscribeAsync([new MqttTopicSubscription(topicFilter, maximumQualityOfService)], cancellationToken);
        return results[0].GrantedQualityOfService!.Value;
    }

    public static Task UnsubscribeAsync(this IMqttClient client, string topicFilter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.UnsubscribeAsync([topicFilter], cancellationToken);
    }
}
