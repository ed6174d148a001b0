namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>What <see cref="PrometheusMetricsCollector"/> exports.</summary>
public sealed class PrometheusMetricsOptions
{
    /// <summary>The meters exported when <see cref="Meters"/> is not set: every gateway layer and the .NET runtime.</summary>
    public static readonly IReadOnlyList<string> DefaultMeters = ["Gb28181Gateway.", "System.Runtime"];

    /// <summary>
    /// Meters to export. An entry ending in <c>.</c> is a prefix (<c>Gb28181Gateway.</c> matches
    /// <c>Gb28181Gateway.Sip</c>); any other entry is an exact meter name; <c>*</c> matches every meter.
    /// <see langword="null"/> means <see cref="DefaultMeters"/>.
    /// </summary>
    public IReadOnlyList<string>? Meters { get; set; }

    /// <summary>
    /// Most label sets kept per metric. Measurements with a new label set beyond it are not recorded and are
    /// counted in <c>gb28181_metrics_measurements_dropped_total{reason="series_limit"}</c>; series already kept
    /// go on counting.
    /// </summary>
    public int MaxSeriesPerMetric { get; set; } = 10_000;

    /// <summary>Export the standard <c>process_*</c> metrics (CPU, memory, file descriptors, start time).</summary>
    public bool ProcessMetrics { get; set; } = true;
}
