using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// Listens to the <see cref="System.Diagnostics.Metrics"/> instruments of the configured meters from construction
/// until <see cref="Dispose"/>, aggregates their measurements per label set, and writes them in the Prometheus
/// text format 0.0.4 on demand (the host's <c>GET /metrics</c>). Recording is lock-free and allocation-free for
/// label sets already seen; a scrape may run concurrently with recording and with other scrapes (scrapes are
/// serialised).
/// </summary>
public sealed class PrometheusMetricsCollector : IDisposable
{
    /// <summary>The <c>Content-Type</c> of what <see cref="Write"/> produces.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const int CacheFactor = 2;

    private readonly MeterListener _listener;
    private readonly ILogger _logger;
    private readonly string[] _meters;
    private readonly int _maxSeries;
    private readonly ProcessMetrics? _process;
    private readonly DroppedMeasurementsFamily _dropped = new();
    private readonly HashSet<string> _reservedNames = new(StringComparer.Ordinal);
    private readonly ScrapeEpoch _epoch = new();
    private readonly Lock _registryGate = new();
    private readonly Dictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _scrapeGate = new();
    private ExpositionFamily[] _snapshot = [];
    private MetricFamily[] _observable = [];
    private int _registryVersion;
    private int _snapshotVersion = -1;
    private int _lastScrapeBytes = 4096;
    private bool _disposed;

    /// <summary>Exports <see cref="PrometheusMetricsOptions.DefaultMeters"/> and the process metrics, without logging.</summary>
    public PrometheusMetricsCollector()
        : this(new PrometheusMetricsOptions(), NullLogger<PrometheusMetricsCollector>.Instance)
    {
    }

    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public PrometheusMetricsCollector(PrometheusMetricsOptions options, ILogger<PrometheusMetricsCollector> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _meters = ValidateMeters(options.Meters ?? PrometheusMetricsOptions.DefaultMeters);
        if (options.MaxSeriesPerMetric < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.MaxSeriesPerMetric, "PrometheusMetricsOptions.MaxSeriesPerMetric must be at least 1");
        }

        _maxSeries = options.MaxSeriesPerMetric;
        _logger = logger;
        _reservedNames.Add(DroppedMeasurementsFamily.MetricName);
        if (options.ProcessMetrics)
        {
            _process = new ProcessMetrics(logger);
            _reservedNames.UnionWith(_process.Families.Select(f => f.Name));
        }

        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((InstrumentBinding)state!).Record((double)m, tags));
        _listener.Start();
    }

    /// <summary>
    /// Writes one scrape: observable instruments are called, then every family with at least one series is
    /// written, families sorted by name and series by label set.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The collector was disposed.</exception>
    public void Write(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        lock (_scrapeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var families = Snapshot();
            Observe();
            _process?.Sample();
            var writer = new PrometheusTextWriter(destination);
            foreach (var family in families)
            {
                family.Write(writer);
            }
        }
    }

    /// <summary>Writes one scrape (<see cref="Write"/>) to <paramref name="destination"/>, buffered from a pool.</summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var buffer = new PooledBufferWriter(Volatile.Read(ref _lastScrapeBytes));
        Write(buffer);
        Volatile.Write(ref _lastScrapeBytes, buffer.WrittenCount);
        await destination.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Stops listening; later scrapes throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_scrapeGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _listener.Dispose();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!Matches(instrument.Meter.Name))
        {
            return;
        }

        if (MetricKinds.Of(instrument) is not { } kind)
        {
            MetricsLog.InstrumentRejected(_logger, instrument.Name, instrument.Meter.Name, $"{instrument.GetType()} is not an instrument type this exposition knows");
            return;
        }

        var name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, kind);
        var bounds = kind == MetricKind.Histogram ? HistogramBuckets.For(instrument, name) : null;
        InstrumentBinding binding;
        lock (_registryGate)
        {
            if (_families.TryGetValue(name, out var family))
            {
                if (!family.Accepts(kind, bounds))
                {
                    MetricsLog.InstrumentRejected(_logger, instrument.Name, instrument.Meter.Name,
                        $"metric {name} is already exported as a {family.Kind}{(family.Bounds is null ? "" : " with other buckets")}");
                    return;
                }
            }
            else
            {
                if (Clash(name, kind) is { } clash)
                {
                    MetricsLog.InstrumentRejected(_logger, instrument.Name, instrument.Meter.Name, clash);
                    return;
                }

                family = new MetricFamily(name, kind, Help(instrument), bounds, _epoch, _maxSeries, _logger);
                _families.Add(name, family);
                _registryVersion++;
            }

            binding = new InstrumentBinding(instrument, family, _maxSeries * CacheFactor);
            family.AddBinding(binding);
        }

        MetricsLog.InstrumentExported(_logger, instrument.Name, instrument.Meter.Name, name);
        listener.EnableMeasurementEvents(instrument, binding);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not InstrumentBinding binding)
        {
            return;
        }

        lock (_registryGate)
        {
            if (binding.Family.RemoveBinding(binding) == 0 && _families.Remove(binding.Family.Name))
            {
                _registryVersion++;
            }
        }
    }

    /// <summary>Why a new family may not be called <paramref name="name"/>, or <see langword="null"/>.</summary>
    private string? Clash(string name, MetricKind kind)
    {
        if (_reservedNames.Contains(name))
        {
            return $"metric {name} is written by the exposition itself";
        }

        // A histogram writes name_bucket, name_sum and name_count: no other family may use those names.
        foreach (var suffix in (ReadOnlySpan<string>)["_bucket", "_sum", "_count"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && _families.TryGetValue(name[..^suffix.Length], out var histogram) && histogram.Kind == MetricKind.Histogram)
            {
                return $"metric {name} would collide with the series of histogram {histogram.Name}";
            }

            if (kind == MetricKind.Histogram && _families.ContainsKey(name + suffix))
            {
                return $"histogram {name} would collide with metric {name + suffix}";
            }
        }

        return null;
    }

    /// <summary>Calls the observable instruments for this scrape and forgets the series they no longer report.</summary>
    private void Observe()
    {
        _epoch.Next();
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (AggregateException ex)
        {
            // The runtime calls every callback, then throws what the failing ones threw: the others are recorded.
            MetricsLog.ObservableCallbackFailed(_logger, ex);
        }

        foreach (var family in _observable)
        {
            family.RemoveUnobserved();
        }
    }

    /// <summary>All families of this scrape, sorted by name; rebuilt only when instruments came or went.</summary>
    private ExpositionFamily[] Snapshot()
    {
        lock (_registryGate)
        {
            if (_snapshotVersion == _registryVersion)
            {
                return _snapshot;
            }

            var families = _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
            _dropped.Families = families;
            _observable = families.Where(f => f.Kind.IsObservable()).ToArray();
            _snapshot = [.. families, _dropped, .. _process?.Families ?? []];
            Array.Sort(_snapshot, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            _snapshotVersion = _registryVersion;
            return _snapshot;
        }
    }

    private bool Matches(string meterName)
    {
        foreach (var entry in _meters)
        {
            if (entry == "*"
                || (entry.EndsWith('.') ? meterName.StartsWith(entry, StringComparison.Ordinal) : meterName == entry))
            {
                return true;
            }
        }

        return false;
    }

    private static string Help(Instrument instrument) =>
        string.IsNullOrWhiteSpace(instrument.Description)
            ? $"{instrument.Name} (meter {instrument.Meter.Name})"
            : instrument.Description;

    private static string[] ValidateMeters(IReadOnlyList<string> meters)
    {
        if (meters.Count == 0)
        {
            throw new ArgumentException("PrometheusMetricsOptions.Meters is empty: nothing would be exported", nameof(meters));
        }

        foreach (var meter in meters)
        {
            if (string.IsNullOrWhiteSpace(meter))
            {
                throw new ArgumentException("PrometheusMetricsOptions.Meters contains an empty meter name", nameof(meters));
            }
        }

        return [.. meters];
    }
}
