using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// The aggregation of one Prometheus metric: its series by canonical label set, capped at a maximum number of
/// series, fed by the bindings of every instrument exported under this name. Measurements are validated here
/// (a counter never goes down, only gauges hold NaN) before any series is created for them.
/// </summary>
internal sealed class MetricFamily : ExpositionFamily
{
    private const int StackCountsLimit = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly List<InstrumentBinding> _bindings = [];
    private readonly ScrapeEpoch _epoch;
    private readonly int _maxSeries;
    private readonly ILogger _logger;
    private readonly byte[] _header;
    private readonly byte[] _sampleName;
    private readonly byte[] _bucketName = [];
    private readonly byte[] _sumName = [];
    private readonly byte[] _countName = [];
    private readonly byte[][] _leLabels = [];
    private readonly long[] _dropped = new long[DropReasons.All.Length];
    private MetricSeries[] _sorted = [];
    private int _version;
    private int _sortedVersion = -1;
    private int _loggedReasons;
    private int _countedEpoch;
    private int _observedCount;

    public MetricFamily(string name, MetricKind kind, string help, double[]? bounds, ScrapeEpoch epoch, int maxSeries, ILogger logger)
    {
        Name = name;
        Kind = kind;
        Bounds = bounds;
        _epoch = epoch;
        _maxSeries = maxSeries;
        _logger = logger;
        _header = PrometheusTextWriter.EncodeHeader(name, help, kind.PrometheusType());
        _sampleName = Encoding.UTF8.GetBytes(name);
        DroppedLabels = DropReasons.All
            .Select(r => Encoding.UTF8.GetBytes($"metric=\"{name}\",reason=\"{r.Label()}\""))
            .ToArray();
        if (bounds is not null)
        {
            _bucketName = Encoding.UTF8.GetBytes(name + "_bucket");
            _sumName = Encoding.UTF8.GetBytes(name + "_sum");
            _countName = Encoding.UTF8.GetBytes(name + "_count");
            _leLabels = bounds
                .Select(b => Encoding.UTF8.GetBytes($"le=\"{PrometheusTextWriter.FormatDouble(b)}\""))
                .Append("le=\"+Inf\""u8.ToArray())
                .ToArray();
        }
    }

    public override string Name { get; }

    public MetricKind Kind { get; }

    /// <summary>Bucket upper bounds (histograms only), without +Inf.</summary>
    public double[]? Bounds { get; }

    /// <summary><c>metric="…",reason="…"</c> for each <see cref="DropReason"/>, for the dropped-measurements family.</summary>
    public byte[][] DroppedLabels { get; }

    public long Dropped(DropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    /// <summary>Whether another instrument of this kind and these buckets can share the family.</summary>
    public bool Accepts(MetricKind kind, double[]? bounds) =>
        kind == Kind && (bounds is null || Bounds is null ? bounds == Bounds : bounds.AsSpan().SequenceEqual(Bounds));

    public void Record(InstrumentBinding binding, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Kind is MetricKind.Gauge or MetricKind.ObservableGauge or MetricKind.Histogram)
        {
            Record(binding, (double)value, tags); // these hold doubles; only sums keep integral values exactly
        }
        else if (value < 0 && Kind.IsMonotonic())
        {
            Drop(DropReason.NegativeIncrement);
        }
        else if (Kind.IsObservable())
        {
            CountObserved(binding.Find(tags) is SumSeries sum && sum.Observe(value, _epoch.Value));
        }
        else
        {
            ((SumSeries?)binding.Find(tags))?.Add(value);
        }
    }

    public void Record(InstrumentBinding binding, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A gauge may legitimately be NaN or infinite (a ratio with nothing to divide); a sum or a histogram
        // would stay NaN or infinite forever after one such value.
        if (Kind == MetricKind.Gauge)
        {
            ((GaugeSeries?)binding.Find(tags))?.Set(value);
        }
        else if (Kind == MetricKind.ObservableGauge)
        {
            CountObserved(binding.Find(tags) is GaugeSeries gauge && gauge.Observe(value, _epoch.Value));
        }
        else if (!double.IsFinite(value))
        {
            Drop(DropReason.NotFinite);
        }
        else if (Kind == MetricKind.Histogram)
        {
            ((HistogramSeries?)binding.Find(tags))?.Record(value);
        }
        else if (value < 0 && Kind.IsMonotonic())
        {
            Drop(DropReason.NegativeIncrement);
        }
        else if (Kind.IsObservable())
        {
            CountObserved(binding.Find(tags) is SumSeries sum && sum.Observe(value, _epoch.Value));
        }
        else
        {
            ((SumSeries?)binding.Find(tags))?.Add(value);
        }
    }

    /// <summary>The series of a canonical label set; <see langword="null"/> (and counted) when it is new and the family is full.</summary>
    public MetricSeries? GetOrAddSeries(string labelKey)
    {
        lock (_gate)
        {
            if (_series.TryGetValue(labelKey, out var existing))
            {
                return existing;
            }

            if (Full())
            {
                Drop(DropReason.SeriesLimit);
                return null;
            }

            MetricSeries series = Kind switch
            {
                MetricKind.Histogram => new HistogramSeries(labelKey, Bounds!),
                MetricKind.Gauge or MetricKind.ObservableGauge => new GaugeSeries(labelKey),
                _ => new SumSeries(labelKey),
            };
            _series.Add(labelKey, series);
            _version++;
            return series;
        }
    }

    public void AddBinding(InstrumentBinding binding)
    {
        lock (_gate)
        {
            _bindings.Add(binding);
        }
    }

    /// <summary>Detaches an instrument whose meter was disposed; returns how many instruments still feed the family.</summary>
    public int RemoveBinding(InstrumentBinding binding)
    {
        lock (_gate)
        {
            _bindings.Remove(binding);
            return _bindings.Count;
        }
    }

    /// <summary>
    /// After an observation pass: forgets the series no callback reported in it (a platform removed, a session
    /// ended), so they leave the output and free their place under the series limit.
    /// </summary>
    public void RemoveUnobserved()
    {
        var epoch = _epoch.Value;
        InstrumentBinding[] bindings;
        lock (_gate)
        {
            var stale = _series.Values.Where(s => s.ObservedEpoch != epoch).ToArray();
            if (stale.Length == 0)
            {
                return;
            }

            foreach (var series in stale)
            {
                _series.Remove(series.LabelKey);
            }

            _version++;
            bindings = _bindings.ToArray();
        }

        foreach (var binding in bindings)
        {
            binding.ForgetUnobserved(epoch);
        }
    }

    public override void Write(PrometheusTextWriter writer)
    {
        var series = Sorted();
        if (series.Length == 0)
        {
            return;
        }

        writer.WriteRaw(_header);
        switch (Kind)
        {
            case MetricKind.Histogram:
                WriteHistograms(writer, series);
                break;
            case MetricKind.Gauge or MetricKind.ObservableGauge:
                foreach (var s in series)
                {
                    ((GaugeSeries)s).Write(writer, _sampleName);
                }

                break;
            default:
                foreach (var s in series)
                {
                    ((SumSeries)s).Write(writer, _sampleName);
                }

                break;
        }
    }

    private void WriteHistograms(PrometheusTextWriter writer, MetricSeries[] series)
    {
        var bucketCount = _leLabels.Length;
        long[]? rented = null;
        var counts = bucketCount <= StackCountsLimit
            ? stackalloc long[bucketCount]
            : (rented = ArrayPool<long>.Shared.Rent(bucketCount)).AsSpan(0, bucketCount);
        foreach (var s in series)
        {
            var sum = ((HistogramSeries)s).Snapshot(counts);
            var cumulative = 0L;
            for (var i = 0; i < bucketCount; i++)
            {
                cumulative += counts[i];
                writer.WriteSample(_bucketName, s.Labels, _leLabels[i], cumulative);
            }

            writer.WriteSample(_sumName, s.Labels, default, sum);
            writer.WriteSample(_countName, s.Labels, default, cumulative);
        }

        if (rented is not null)
        {
            ArrayPool<long>.Shared.Return(rented);
        }
    }

    private MetricSeries[] Sorted()
    {
        lock (_gate)
        {
            if (_sortedVersion != _version)
            {
                _sorted = _series.Values.OrderBy(s => s.LabelKey, StringComparer.Ordinal).ToArray();
                _sortedVersion = _version;
            }

            return _sorted;
        }
    }

    /// <summary>
    /// Whether a new series would exceed the limit. An observable family counts only the series reported in the
    /// current scrape (the others are removed after it), so label sets that change completely between scrapes
    /// are not refused because of the previous scrape's; its dictionary is still bounded, at twice the limit.
    /// </summary>
    private bool Full() => Kind.IsObservable()
        ? ObservedThisScrape() >= _maxSeries || _series.Count >= 2 * _maxSeries
        : _series.Count >= _maxSeries;

    /// <summary>Observation happens on the scrape thread only: plain fields suffice.</summary>
    private void CountObserved(bool firstInScrape)
    {
        if (firstInScrape)
        {
            _observedCount = ObservedThisScrape() + 1;
        }
    }

    private int ObservedThisScrape()
    {
        var epoch = _epoch.Value;
        if (_countedEpoch != epoch)
        {
            _countedEpoch = epoch;
            _observedCount = 0;
        }

        return _observedCount;
    }

    private void Drop(DropReason reason)
    {
        Interlocked.Increment(ref _dropped[(int)reason]);
        var flag = 1 << (int)reason;
        if ((Interlocked.Or(ref _loggedReasons, flag) & flag) == 0)
        {
            if (reason == DropReason.SeriesLimit)
            {
                MetricsLog.SeriesLimitReached(_logger, Name, _maxSeries);
            }
            else
            {
                MetricsLog.InvalidMeasurement(_logger, Name, reason.Label());
            }
        }
    }
}
