using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Integrations.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>
/// A meter of its own (unique name) and a collector that exports only it, so a test's exposition holds exactly
/// its own instruments even while other tests record on other meters in the same process.
/// </summary>
internal sealed class MetricsScope : IDisposable
{
    public MetricsScope(int maxSeries = 10_000, bool processMetrics = false, bool runtime = false, IEnumerable<KeyValuePair<string, object?>>? meterTags = null)
    {
        MeterName = "Gb28181Gateway.Tests." + Guid.NewGuid().ToString("N");
        Meter = new Meter(MeterName, null, meterTags);
        Collector = new PrometheusMetricsCollector(
            new PrometheusMetricsOptions
            {
                Meters = runtime ? [MeterName, "System.Runtime"] : [MeterName],
                MaxSeriesPerMetric = maxSeries,
                ProcessMetrics = processMetrics,
            },
            NullLogger<PrometheusMetricsCollector>.Instance);
    }

    public string MeterName { get; }

    public Meter Meter { get; }

    public PrometheusMetricsCollector Collector { get; }

    public byte[] ScrapeBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Collector.Write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public string Scrape() => Encoding.UTF8.GetString(ScrapeBytes());

    /// <summary>The value of the sample line <c>series</c> (name plus braces, exactly as written), or null.</summary>
    public static double? Sample(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                var text = line[(series.Length + 1)..];
                return text switch
                {
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    _ => double.Parse(text, CultureInfo.InvariantCulture),
                };
            }
        }

        return null;
    }

    public void Dispose()
    {
        Collector.Dispose();
        Meter.Dispose();
    }
}
