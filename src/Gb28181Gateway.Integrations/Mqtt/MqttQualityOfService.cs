namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>MQTT 3.1.1 delivery guarantee (section 4.3).</summary>
public enum MqttQualityOfService
{
    /// <summary>QoS 0: delivered at most once, no acknowledgement.</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: delivered at least once, acknowledged by PUBACK; duplicates are possible.</summary>
    AtLeastOnce = 1,

    /// <summary>QoS 2: delivered exactly once (PUBREC/PUBREL/PUBCOMP). Received and used for wills; never published by this client.</summary>
    ExactlyOnce = 2,
}
