namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>
/// A message published to, or received from, the broker. Immutable: the payload memory is referenced, not copied,
/// so a caller must not modify it until the publish has completed.
/// </summary>
public sealed class MqttApplicationMessage
{
    /// <param name="topic">A topic name: no wildcards, 1 to 65535 UTF-8 bytes, no U+0000.</param>
    /// <exception cref="ArgumentException">The topic is not a valid topic name.</exception>
    public MqttApplicationMessage(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qualityOfService = MqttQualityOfService.AtMostOnce, bool retain = false)
        : this(topic, payload, qualityOfService, retain, duplicate: false)
    {
        MqttTopic.ThrowIfInvalidTopicName(topic, nameof(topic));
        if ((uint)qualityOfService > (uint)MqttQualityOfService.ExactlyOnce)
        {
            throw new ArgumentOutOfRangeException(nameof(qualityOfService), qualityOfService, "QoS must be 0, 1 or 2.");
        }
    }

    /// <summary>Used by the decoder, which has already validated the topic.</summary>
    internal MqttApplicationMessage(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qualityOfService, bool retain, bool duplicate)
    {
        Topic = topic;
        Payload = payload;
        QualityOfService = qualityOfService;
        Retain = retain;
        Duplicate = duplicate;
    }

    public string Topic { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public MqttQualityOfService QualityOfService { get; }

    /// <summary>
    /// On publish: the broker keeps the message as the topic's retained message. On receipt: the message was
    /// retained by the broker and is delivered because a subscription was just made.
    /// </summary>
    public bool Retain { get; }

    /// <summary>Received messages only: the broker marked the PUBLISH as a possible re-delivery (DUP flag).</summary>
    public bool Duplicate { get; }

    /// <summary>A message whose payload is <paramref name="payload"/> encoded as UTF-8.</summary>
    public static MqttApplicationMessage FromString(string topic, string payload, MqttQualityOfService qualityOfService = MqttQualityOfService.AtMostOnce, bool retain = false)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new MqttApplicationMessage(topic, System.Text.Encoding.UTF8.GetBytes(payload), qualityOfService, retain);
    }

    public override string ToString() => $"{Topic} (QoS {(int)QualityOfService}{(Retain ? ", retained" : "")}, {Payload.Length} bytes)";
}
