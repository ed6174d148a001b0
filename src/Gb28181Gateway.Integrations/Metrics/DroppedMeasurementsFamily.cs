using System.Text;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// <c>gb28181_metrics_measurements_dropped_total{metric,reason}</c>: what the exposition refused to record, so a
/// series limit or a misbehaving instrument shows on a dashboard instead of silently skewing totals. Only
/// metrics that dropped something appear.
/// </summary>
internal sealed class DroppedMeasurementsFamily : ExpositionFamily
{
    public const string MetricName = "gb28181_metrics_measurements_dropped_total";

    private static readonly byte[] Header = PrometheusTextWriter.EncodeHeader(
        MetricName,
        "Measurements the Prometheus exposition did not record, by metric and reason: series_limit (a new label set "
        + "beyond the metric's series limit), negative_increment (a counter given a negative value), not_finite (NaN "
        + "or infinity given to a counter, up-down counter or histogram).",
        "counter");

    private static readonly byte[] SampleName = Encoding.UTF8.GetBytes(MetricName);

    /// <summary>The instrument families of the current scrape, sorted by name.</summary>
    public MetricFamily[] Families { get; set; } = [];

    public override string Name => MetricName;

    public override void Write(PrometheusTextWriter writer)
    {
        var headerWritten = false;
        foreach (var family in Families)
        {
            foreach (var reason in DropReasons.All)
            {
                var dropped = family.Dropped(reason);
                if (dropped == 0)
                {
                    continue;
                }

                if (!headerWritten)
                {
                    writer.WriteRaw(Header);
                    headerWritten = true;
                }

                writer.WriteSample(SampleName, family.DroppedLabels[(int)reason], default, dropped);
            }
        }
    }
}
