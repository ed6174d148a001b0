using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>The lower domain's instruments (docs/METRICS.md, "Devices, lower domain").</summary>
internal sealed class LowerMetrics
{
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _keepalives;
    private readonly Counter<long> _queries;
    private readonly Counter<long> _manscdpErrors;
    private readonly Counter<long> _alarms;

    public LowerMetrics(DeviceDirectory directory)
    {
        var meter = CascadeMeter.Meter;
        meter.CreateObservableGauge("gb28181_devices_registered", directory.CountRegistered, description: "devices with a live registration");
        meter.CreateObservableGauge("gb28181_devices_online", directory.CountOnline, description: "registered devices whose keepalives are current");
        meter.CreateObservableGauge("gb28181_channels", directory.MeasureChannels, description: "channels known below");
        _registrations = meter.CreateCounter<long>("gb28181_device_registrations", description: "REGISTER outcomes");
        _keepalives = meter.CreateCounter<long>("gb28181_device_keepalives", description: "keepalives received");
        _queries = meter.CreateCounter<long>("gb28181_device_queries", description: "queries sent to devices");
        _manscdpErrors = meter.CreateCounter<long>("gb28181_manscdp_errors", description: "MANSCDP bodies that did not parse");
        _alarms = meter.CreateCounter<long>("gb28181_alarms", description: "alarms received from devices");
    }

    /// <param name="result">ok, challenged, forbidden, rejected, unregistered.</param>
    public void Registration(string result) => _registrations.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <param name="result">ok, unknown.</param>
    public void Keepalive(string result) => _keepalives.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <param name="result">ok, timeout, error.</param>
    public void Query(string cmd, string result) =>
        _queries.Add(1, new KeyValuePair<string, object?>("cmd", cmd), new KeyValuePair<string, object?>("result", result));

    /// <param name="kind">parse, oversize.</param>
    public void ManscdpError(string kind) => _manscdpErrors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Alarm(int? method) => _alarms.Add(1, new KeyValuePair<string, object?>("method", method?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"));
}
