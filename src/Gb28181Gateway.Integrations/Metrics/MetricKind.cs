using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>How measurements of one instrument are aggregated, and which Prometheus type they become.</summary>
internal enum MetricKind
{
    /// <summary><see cref="Counter{T}"/>: increments summed, exported as <c>counter</c> with <c>_total</c>.</summary>
    Counter,

    /// <summary><see cref="UpDownCounter{T}"/>: signed increments summed, exported as <c>gauge</c>.</summary>
    UpDownCounter,

    /// <summary><see cref="Gauge{T}"/>: last recorded value, exported as <c>gauge</c>.</summary>
    Gauge,

    /// <summary><see cref="Histogram{T}"/>: cumulative buckets, <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,

    /// <summary><see cref="ObservableCounter{T}"/>: cumulative totals reported at scrape, exported as <c>counter</c>.</summary>
    ObservableCounter,

    /// <summary><see cref="ObservableUpDownCounter{T}"/>: current totals reported at scrape, exported as <c>gauge</c>.</summary>
    ObservableUpDownCounter,

    /// <summary><see cref="ObservableGauge{T}"/>: current values reported at scrape, exported as <c>gauge</c>.</summary>
    ObservableGauge,
}

internal static class MetricKinds
{
    /// <summary>
    /// The kind of <paramref name="instrument"/>, or <see langword="null"/> for instrument types this exposition
    /// does not know (custom <see cref="Instrument{T}"/> subclasses).
    /// </summary>
    public static MetricKind? Of(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        MetricKind? kind =
            definition == typeof(Counter<>) ? MetricKind.Counter
            : definition == typeof(UpDownCounter<>) ? MetricKind.UpDownCounter
            : definition == typeof(Gauge<>) ? MetricKind.Gauge
            : definition == typeof(Histogram<>) ? MetricKind.Histogram
            : definition == typeof(ObservableCounter<>) ? MetricKind.ObservableCounter
            : definition == typeof(ObservableUpDownCounter<>) ? MetricKind.ObservableUpDownCounter
            : definition == typeof(ObservableGauge<>) ? MetricKind.ObservableGauge
            : null;

        // The runtime (.NET 9/10) declares these two as ObservableCounter although they report a current level
        // that goes up and down; the OpenTelemetry semantic conventions define them as UpDownCounters. Exporting
        // them as counters would make every decrease look like a counter reset to rate().
        if (kind == MetricKind.ObservableCounter
            && instrument.Meter.Name == "System.Runtime"
            && instrument.Name is "dotnet.thread_pool.thread.count" or "dotnet.thread_pool.queue.length")
        {
            kind = MetricKind.ObservableUpDownCounter;
        }

        return kind;
    }

    public static bool IsObservable(this MetricKind kind) =>
        kind is MetricKind.ObservableCounter or MetricKind.ObservableUpDownCounter or MetricKind.ObservableGauge;

    public static bool IsMonotonic(this MetricKind kind) =>
        kind is MetricKind.Counter or MetricKind.ObservableCounter;

    /// <summary>The <c># TYPE</c> word.</summary>
    public static string PrometheusType(this MetricKind kind) => kind switch
    {
        MetricKind.Counter or MetricKind.ObservableCounter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };
}
