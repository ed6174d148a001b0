using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>MQTT instruments on the Integrations meter (names per docs/CONVENTIONS.md: the exporter appends _total to counters).</summary>
internal sealed class MqttMetrics : IDisposable
{
    public const string MeterName = "Gb28181Gateway.Integrations";

    private static readonly KeyValuePair<string, object?> Qos0 = new("qos", "0");
    private static readonly KeyValuePair<string, object?> Qos1 = new("qos", "1");
    private static readonly KeyValuePair<string, object?> Qos2 = new("qos", "2");

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _received;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _dropped;

    public MqttMetrics(IMeterFactory? meterFactory, Func<bool> connected, Func<int> queued)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _published = _meter.CreateCounter<long>("gb28181_mqtt_published_messages", description: "Messages delivered to the MQTT broker (QoS 0 written, QoS 1 acknowledged), by QoS.");
        _received = _meter.CreateCounter<long>("gb28181_mqtt_received_messages", description: "Messages received from the MQTT broker, by QoS.");
        _errors = _meter.CreateCounter<long>("gb28181_mqtt_errors", description: "MQTT connection and protocol errors, by reason.");
        _dropped = _meter.CreateCounter<long>("gb28181_mqtt_queue_dropped_messages", description: "Publishes refused because the MQTT outgoing queue was full.");
        _meter.CreateObservableGauge("gb28181_mqtt_connected", () => connected() ? 1 : 0, description: "1 while connected to the MQTT broker.");
        _meter.CreateObservableGauge("gb28181_mqtt_queued_messages", queued, description: "Messages waiting in the MQTT outgoing queue.");
    }

    public Meter Meter => _meter;

    public void Published(MqttQualityOfService qos) => _published.Add(1, Tag(qos));

    public void Received(MqttQualityOfService qos) => _received.Add(1, Tag(qos));

    public void Dropped(MqttQualityOfService qos) => _dropped.Add(1, Tag(qos));

    /// <param name="reason">One of the <see cref="MqttErrorReason"/> values.</param>
    public void Error(string reason) => _errors.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static KeyValuePair<string, object?> Tag(MqttQualityOfService qos) => qos switch
    {
        MqttQualityOfService.AtMostOnce => Qos0,
        MqttQualityOfService.AtLeastOnce => Qos1,
        _ => Qos2,
    };
}

/// <summary>Values of the <c>reason</c> label of gb28181_mqtt_errors.</summary>
internal static class MqttErrorReason
{
    /// <summary>TCP connect, TLS handshake or CONNACK wait failed or timed out.</summary>
    public const string ConnectFailed = "connect_failed";

    /// <summary>CONNACK with a non-zero return code.</summary>
    public const string ConnectRefused = "connect_refused";

    /// <summary>An established connection broke (reset, closed by the broker, write failure).</summary>
    public const string ConnectionLost = "connection_lost";

    /// <summary>No PINGRESP within PingResponseTimeout.</summary>
    public const string KeepAliveTimeout = "keepalive_timeout";

    /// <summary>The broker sent a malformed or unexpected packet.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>SUBACK 0x80 for a filter.</summary>
    public const string SubscribeRejected = "subscribe_rejected";
}
