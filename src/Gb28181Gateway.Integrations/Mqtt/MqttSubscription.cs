namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>One topic filter of a SUBSCRIBE, with the maximum QoS the broker may deliver it at.</summary>
public sealed record MqttTopicSubscription
{
    /// <exception cref="ArgumentException">The filter is not a valid topic filter or the QoS is out of range.</exception>
    public MqttTopicSubscription(string topicFilter, MqttQualityOfService maximumQualityOfService = MqttQualityOfService.AtLeastOnce)
    {
        MqttTopic.ThrowIfInvalidTopicFilter(topicFilter, nameof(topicFilter));
        if ((uint)maximumQualityOfService > (uint)MqttQualityOfService.ExactlyOnce)
        {
            throw new ArgumentOutOfRangeException(nameof(maximumQualityOfService), maximumQualityOfService, "QoS must be 0, 1 or 2.");
        }

        TopicFilter = topicFilter;
        MaximumQualityOfService = maximumQualityOfService;
    }

    public string TopicFilter { get; }

    public MqttQualityOfService MaximumQualityOfService { get; }
}

/// <summary>The broker's answer for one requested filter: the granted QoS, or null when it refused (SUBACK 0x80).</summary>
public sealed record MqttSubscribeResult(string TopicFilter, MqttQualityOfService? GrantedQualityOfService)
{
    public bool Succeeded => GrantedQualityOfService is not null;
}
