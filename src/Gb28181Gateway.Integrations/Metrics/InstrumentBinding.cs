using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// One instrument feeding a <see cref="MetricFamily"/>: the state the <see cref="MeterListener"/> hands back with
/// every measurement. Keeps a lock-free cache from the measurement's raw tags to the series, so the recording
/// path of a known label set is one hash of the tags, one dictionary probe and one atomic add, without
/// allocating. A miss builds the canonical label set and asks the family (the only locked step).
/// </summary>
internal sealed class InstrumentBinding
{
    private readonly ConcurrentDictionary<TagSet, MetricSeries> _cache = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly KeyValuePair<string, object?>[] _constantTags;
    private readonly string _untaggedKey;
    private readonly bool _histogram;
    private readonly int _maxCached;
    private int _cached;
    private MetricSeries? _untagged;

    /// <param name="maxCached">
    /// Bound on cached tag sets. Several raw tag sets may map to one series (order, value types), so this is above
    /// the family's series limit; past it, lookups still work but take the slow path.
    /// </param>
    public InstrumentBinding(Instrument instrument, MetricFamily family, int maxCached)
    {
        Instrument = instrument;
        Family = family;
        _maxCached = maxCached;
        _lookup = _cache.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        _histogram = family.Kind == MetricKind.Histogram;
        _constantTags = [.. instrument.Meter.Tags ?? [], .. instrument.Tags ?? []];
        _untaggedKey = LabelSet.Build([], _constantTags, _histogram);
    }

    public Instrument Instrument { get; }

    public MetricFamily Family { get; }

    public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Family.Record(this, value, tags);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Family.Record(this, value, tags);

    /// <summary>The series for these tags; <see langword="null"/> when the label set is new and the family is full.</summary>
    public MetricSeries? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return Volatile.Read(ref _untagged) ?? FindUntagged();
        }

        return _lookup.TryGetValue(tags, out var series) ? series : Add(tags);
    }

    /// <summary>Drops cached tag sets whose series was not reported in the scrape <paramref name="epoch"/>.</summary>
    public void ForgetUnobserved(int epoch)
    {
        foreach (var entry in _cache)
        {
            if (entry.Value.ObservedEpoch != epoch && _cache.TryRemove(entry))
            {
                Interlocked.Decrement(ref _cached);
            }
        }

        if (Volatile.Read(ref _untagged) is { } untagged && untagged.ObservedEpoch != epoch)
        {
            Interlocked.CompareExchange(ref _untagged, null, untagged);
        }
    }

    private MetricSeries? FindUntagged()
    {
        var series = Family.GetOrAddSeries(_untaggedKey);
        if (series is not null)
        {
            Interlocked.CompareExchange(ref _untagged, series, null);
        }

        return series;
    }

    private MetricSeries? Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Family.GetOrAddSeries(LabelSet.Build(tags, _constantTags, _histogram));
        if (series is not null && Volatile.Read(ref _cached) < _maxCached
            && _cache.TryAdd(TagSetComparer.Instance.Create(tags), series))
        {
            Interlocked.Increment(ref _cached);
        }

        return series;
    }
}
