using System.Diagnostics.Metrics;
using Gb28181Gateway.Integrations.Mqtt;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>
/// The control protocol's instruments (on the Integrations meter): requests by method and result, and how long
/// they took. Labels are bounded: <c>method</c> is one of the documented methods, <c>unknown</c> (a well-formed
/// request naming no such method) or <c>invalid</c> (a request too broken to name one); <c>result</c> is
/// <c>ok</c> or the error's name (<see cref="ResultName"/>).
/// </summary>
internal sealed class MqttControlMetrics : IDisposable
{
    /// <summary>The method label values besides the method names themselves.</summary>
    public const string UnknownMethod = "unknown";

    public const string InvalidRequest = "invalid";

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal)
    {
        "devices.list", "channels.list", "device.query", "ptz.control", "preset.control", "records.query",
        "stream.start", "stream.stop", "playback.control", "platforms.list", "sessions.list",
    };

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;

    public MqttControlMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MqttMetrics.MeterName)) ?? new Meter(MqttMetrics.MeterName);
        _requests = _meter.CreateCounter<long>("gb28181_mqtt_control_requests", description: "Control requests answered, by method and result (ok or the error's name).");
        _duration = _meter.CreateHistogram<double>("gb28181_mqtt_control_request_duration_seconds", unit: "s", description: "Control requests: received to answered, by method.");
    }

    public Meter Meter => _meter;

    /// <summary>The method label for a request's method name.</summary>
    public static string MethodLabel(string? method) =>
        method is null ? InvalidRequest : Methods.TryGetValue(method, out var known) ? known : UnknownMethod;

    /// <summary>The result label for an error code of <see cref="MqttControlError"/>, or <c>ok</c> for null.</summary>
    public static string ResultName(int? code) => code switch
    {
        null => "ok",
        MqttControlError.ParseError => "parse_error",
        MqttControlError.InvalidRequest => "invalid_request",
        MqttControlError.MethodNotFound => "method_not_found",
        MqttControlError.InvalidParams => "invalid_params",
        MqttControlError.UnknownDevice => "unknown_device",
        MqttControlError.DeviceOffline => "device_offline",
        MqttControlError.DeviceTimeout => "device_timeout",
        MqttControlError.DeviceRejected => "device_rejected",
        MqttControlError.DeviceBadAnswer => "device_bad_answer",
        MqttControlError.UnknownChannel => "unknown_channel",
        MqttControlError.UnknownSession => "unknown_session",
        MqttControlError.Unavailable => "unavailable",
        MqttControlError.Failed => "failed",
        _ => "internal",
    };

    public void Answered(string? method, int? errorCode, TimeSpan elapsed)
    {
        var label = new KeyValuePair<string, object?>("method", MethodLabel(method));
        _requests.Add(1, label, new KeyValuePair<string, object?>("result", ResultName(errorCode)));
        _duration.Record(elapsed.TotalSeconds, label);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
