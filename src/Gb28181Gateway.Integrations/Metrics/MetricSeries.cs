using System.Text;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// The aggregate of one metric for one label set. Recording is lock-free (<see cref="Interlocked"/>); a scrape
/// reads each value atomically, so it sees every measurement that completed before it started.
/// </summary>
internal abstract class MetricSeries
{
    protected MetricSeries(string labelKey)
    {
        LabelKey = labelKey;
        Labels = Encoding.UTF8.GetBytes(labelKey);
    }

    /// <summary>The canonical label set, escaped and sorted: <c>direction="in",transport="udp"</c> (empty when none).</summary>
    public string LabelKey { get; }

    /// <summary><see cref="LabelKey"/> as UTF-8, written between the braces.</summary>
    public byte[] Labels { get; }

    /// <summary>The scrape that last reported this series (observable instruments only).</summary>
    public int ObservedEpoch { get; private set; }

    /// <summary>Marks the series reported in scrape <paramref name="epoch"/>; false when it already was.</summary>
    protected bool BeginObservation(int epoch)
    {
        if (ObservedEpoch == epoch)
        {
            return false;
        }

        ObservedEpoch = epoch;
        return true;
    }
}

/// <summary>Counters and up-down counters: a sum kept exactly for integral measurements, as a double for the rest.</summary>
internal sealed class SumSeries(string labelKey) : MetricSeries(labelKey)
{
    private long _integral;
    private double _fractional;

    public void Add(long value) => Interlocked.Add(ref _integral, value);

    public void Add(double value) => AtomicDouble.Add(ref _fractional, value);

    /// <summary>
    /// An observable instrument's cumulative value: replaces the previous scrape's value, adds to one reported
    /// earlier in the same scrape (two callbacks, or two meters of the same name, reporting the same label set).
    /// </summary>
    /// <returns>Whether this is the first report of the series in scrape <paramref name="epoch"/>.</returns>
    public bool Observe(long value, int epoch)
    {
        if (!BeginObservation(epoch))
        {
            Add(value);
            return false;
        }

        Volatile.Write(ref _fractional, 0d);
        Volatile.Write(ref _integral, value);
        return true;
    }

    /// <inheritdoc cref="Observe(long, int)"/>
    public bool Observe(double value, int epoch)
    {
        if (!BeginObservation(epoch))
        {
            Add(value);
            return false;
        }

        Volatile.Write(ref _integral, 0L);
        Volatile.Write(ref _fractional, value);
        return true;
    }

    public void Write(PrometheusTextWriter writer, byte[] name)
    {
        var integral = Interlocked.Read(ref _integral);
        var fractional = Volatile.Read(ref _fractional);
        if (fractional == 0d)
        {
            writer.WriteSample(name, Labels, default, integral);
        }
        else
        {
            writer.WriteSample(name, Labels, default, integral + fractional);
        }
    }

}

/// <summary>Gauges: the last value recorded or observed.</summary>
internal sealed class GaugeSeries(string labelKey) : MetricSeries(labelKey)
{
    private double _value;

    public void Set(double value) => Interlocked.Exchange(ref _value, value);

    /// <returns>Whether this is the first report of the series in scrape <paramref name="epoch"/>.</returns>
    public bool Observe(double value, int epoch)
    {
        Set(value);
        return BeginObservation(epoch);
    }

    public void Write(PrometheusTextWriter writer, byte[] name) =>
        writer.WriteSample(name, Labels, default, Volatile.Read(ref _value));
}

/// <summary>Histograms: a count per bucket (not cumulative; the writer accumulates) and the sum of measurements.</summary>
internal sealed class HistogramSeries : MetricSeries
{
    private const int LinearSearchLimit = 16;

    private readonly double[] _bounds;
    private readonly long[] _counts;
    private double _sum;

    public HistogramSeries(string labelKey, double[] bounds)
        : base(labelKey)
    {
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    public void Record(double value)
    {
        Interlocked.Increment(ref _counts[BucketIndex(value)]);
        AtomicDouble.Add(ref _sum, value);
    }

    /// <summary>Copies the per-bucket counts (the last one is the +Inf bucket) and returns the sum.</summary>
    public double Snapshot(Span<long> counts)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
        }

        return Volatile.Read(ref _sum);
    }

    /// <summary>The first bucket whose upper bound is at least <paramref name="value"/> (<c>le</c> is inclusive).</summary>
    private int BucketIndex(double value)
    {
        var bounds = _bounds;
        if (bounds.Length <= LinearSearchLimit)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i])
                {
                    return i;
                }
            }

            return bounds.Length;
        }

        int low = 0, high = bounds.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (value <= bounds[middle])
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}

internal static class AtomicDouble
{
    public static void Add(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + value, current);
            // Compare bits, not values: NaN != NaN would spin forever.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }
}
