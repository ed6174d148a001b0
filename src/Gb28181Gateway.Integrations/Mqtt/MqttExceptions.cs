namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>Base of every error the MQTT client reports.</summary>
public class MqttException : Exception
{
    public MqttException()
    {
    }

    public MqttException(string message)
        : base(message)
    {
    }

    public MqttException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The broker answered CONNECT with a non-zero CONNACK return code.</summary>
public sealed class MqttConnectException : MqttException
{
    public MqttConnectException()
    {
    }

    public MqttConnectException(string message)
        : base(message)
    {
    }

    public MqttConnectException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public MqttConnectException(MqttConnectReturnCode returnCode, string broker)
        : base($"MQTT broker {broker} refused the connection: {Describe(returnCode)} (CONNACK return code {(int)returnCode}).")
    {
        ReturnCode = returnCode;
    }

    public MqttConnectReturnCode ReturnCode { get; }

    /// <summary>
    /// True when retrying with the same options cannot succeed without a change on either side
    /// (protocol version, client identifier, credentials, authorization); false for "server unavailable".
    /// </summary>
    public bool IsPermanent => ReturnCode != MqttConnectReturnCode.ServerUnavailable;

    internal static string Describe(MqttConnectReturnCode code) => code switch
    {
        MqttConnectReturnCode.UnacceptableProtocolVersion => "unacceptable protocol version (the broker does not speak MQTT 3.1.1)",
        MqttConnectReturnCode.IdentifierRejected => "client identifier rejected (check Mqtt:ClientId)",
        MqttConnectReturnCode.ServerUnavailable => "server unavailable",
        MqttConnectReturnCode.BadUserNameOrPassword => "bad user name or password (check Mqtt:Username and Mqtt:Password)",
        MqttConnectReturnCode.NotAuthorized => "not authorized (wrong user name or password, or the user may not connect; mosquitto reports a bad password this way)",
        _ => "reserved return code",
    };
}

/// <summary>The broker sent bytes that are not valid MQTT 3.1.1; the connection is closed.</summary>
public sealed class MqttProtocolException : MqttException
{
    public MqttProtocolException()
    {
    }

    public MqttProtocolException(string message)
        : base(message)
    {
    }

    public MqttProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A publish was refused because the outgoing queue is full (the broker is unreachable or too slow).</summary>
public sealed class MqttQueueFullException : MqttException
{
    public MqttQueueFullException()
    {
    }

    public MqttQueueFullException(string message)
        : base(message)
    {
    }

    public MqttQueueFullException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public MqttQueueFullException(string topic, int capacity)
        : base($"MQTT outgoing queue is full ({capacity} messages waiting for the broker); the message to '{topic}' was not accepted.")
    {
        Capacity = capacity;
    }

    public int Capacity { get; }
}

/// <summary>The broker refused one or more of the requested subscriptions (SUBACK return code 0x80).</summary>
public sealed class MqttSubscribeException : MqttException
{
    public MqttSubscribeException()
    {
        Results = [];
    }

    public MqttSubscribeException(string message)
        : base(message)
    {
        Results = [];
    }

    public MqttSubscribeException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Results = [];
    }

    public MqttSubscribeException(IReadOnlyList<MqttSubscribeResult> results)
        : base("MQTT broker refused the subscription to " + string.Join(", ", results.Where(r => !r.Succeeded).Select(r => $"'{r.TopicFilter}'"))
            + " (SUBACK 0x80); the other filters of the request are subscribed.")
    {
        Results = results;
    }

    /// <summary>One result per requested filter, in request order; the granted ones stay subscribed.</summary>
    public IReadOnlyList<MqttSubscribeResult> Results { get; }
}
