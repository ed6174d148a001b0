namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>One metric family of a scrape: its <c># HELP</c>/<c># TYPE</c> header and all its samples.</summary>
internal abstract class ExpositionFamily
{
    /// <summary>The family name; families are written sorted by it (ordinal).</summary>
    public abstract string Name { get; }

    /// <summary>Writes the header and samples; writes nothing when the family has no sample.</summary>
    public abstract void Write(PrometheusTextWriter writer);
}

/// <summary>The scrape counter observable instruments are reported under (see <see cref="MetricFamily"/>).</summary>
internal sealed class ScrapeEpoch
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public int Next() => Interlocked.Increment(ref _value);
}

/// <summary>
/// Why a measurement was not recorded, as the <c>reason</c> label of the dropped-measurements family. Declared in
/// the alphabetical order of the labels, so the family's series come out sorted.
/// </summary>
internal enum DropReason
{
    /// <summary>A counter was given a negative increment (or an observable counter a negative total).</summary>
    NegativeIncrement,

    /// <summary>NaN or an infinity where only a finite number is valid (counters, up-down counters, histograms).</summary>
    NotFinite,

    /// <summary>The metric already had its maximum number of series and the label set was new.</summary>
    SeriesLimit,
}

internal static class DropReasons
{
    /// <summary>Every reason, indexed by its value.</summary>
    public static readonly DropReason[] All = [DropReason.NegativeIncrement, DropReason.NotFinite, DropReason.SeriesLimit];

    public static string Label(this DropReason reason) => reason switch
    {
        DropReason.NegativeIncrement => "negative_increment",
        DropReason.NotFinite => "not_finite",
        _ => "series_limit",
    };
}
