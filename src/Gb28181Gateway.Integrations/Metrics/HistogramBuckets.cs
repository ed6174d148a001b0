using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// Bucket upper bounds of a histogram: the instrument's <see cref="InstrumentAdvice{T}.HistogramBucketBoundaries"/>
/// when it gives them, otherwise chosen by the unit at the end of the metric name.
/// </summary>
internal static class HistogramBuckets
{
    /// <summary>1 ms to 10 s: SIP transactions, media set-up, Redis round trips.</summary>
    public static readonly double[] Seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The same range for instruments that measure in milliseconds.</summary>
    public static readonly double[] Milliseconds = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    /// <summary>Powers of 4 from 64 B to 16 MiB: RTP packets, SIP messages, catalog documents, key frames.</summary>
    public static readonly double[] Bytes = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];

    /// <summary>The Prometheus client libraries' default buckets, for any other unit.</summary>
    public static readonly double[] Default = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static double[] For(Instrument instrument, string metricName)
    {
        var advised = Advised(instrument);
        if (advised is not null)
        {
            // InstrumentAdvice already rejects unsorted and duplicate bounds. +Inf is implicit, and a NaN or -Inf
            // bound cannot hold a measurement.
            return advised.Where(double.IsFinite).Distinct().Order().ToArray();
        }

        return metricName.EndsWith("_seconds", StringComparison.Ordinal) ? Seconds
            : metricName.EndsWith("_milliseconds", StringComparison.Ordinal) ? Milliseconds
            : metricName.EndsWith("_bytes", StringComparison.Ordinal) ? Bytes
            : Default;
    }

    private static IEnumerable<double>? Advised(Instrument instrument) => instrument switch
    {
        Instrument<double> i => i.Advice?.HistogramBucketBoundaries,
        Instrument<float> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Instrument<long> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Instrument<short> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Instrument<byte> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        Instrument<decimal> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
        _ => null,
    };
}
