using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>The platform series of docs/METRICS.md.</summary>
internal sealed class UpperMetrics
{
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _keepaliveMisses;
    private readonly Counter<long> _requests;

    public UpperMetrics(Func<IEnumerable<(string Platform, bool Registered, int SharedChannels)>> platforms)
    {
        var meter = CascadeMeter.Meter;
        _registrations = meter.CreateCounter<long>("gb28181_platform_registrations_total", description: "REGISTER attempts to superior platforms");
        _keepaliveMisses = meter.CreateCounter<long>("gb28181_platform_keepalive_misses_total", description: "Keepalives to a platform without a 200");
        _requests = meter.CreateCounter<long>("gb28181_platform_requests_total", description: "Queries and controls from superior platforms");
        meter.CreateObservableGauge("gb28181_platform_registered",
            () => platforms().Select(p => new Measurement<int>(p.Registered ? 1 : 0, new KeyValuePair<string, object?>("platform", p.Platform))),
            description: "1 while registered to the platform");
        meter.CreateObservableGauge("gb28181_platform_shared_channels",
            () => platforms().Select(p => new Measurement<int>(p.SharedChannels, new KeyValuePair<string, object?>("platform", p.Platform))),
            description: "Channels shared to the platform");
    }

    /// <summary><paramref name="result"/>: ok, rejected, timeout or error.</summary>
    public void Registration(string platform, string result) =>
        _registrations.Add(1, new("platform", platform), new("result", result));

    public void KeepaliveMiss(string platform) => _keepaliveMisses.Add(1, new KeyValuePair<string, object?>("platform", platform));

    /// <summary><paramref name="result"/>: ok, not_found, forbidden, error.</summary>
    public void Request(string platform, string cmd, string result) =>
        _requests.Add(1, new("platform", platform), new("cmd", cmd), new("result", result));
}
