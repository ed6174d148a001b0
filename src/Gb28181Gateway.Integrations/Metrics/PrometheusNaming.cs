using System.Text;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// Instrument and tag names to Prometheus metric and label names. Gateway instruments are already named the
/// Prometheus way (<c>gb28181_rtp_packets</c>, units in the name) and pass through unchanged apart from the
/// counter <c>_total</c>; OpenTelemetry-style names (the runtime's <c>dotnet.gc.collections</c>, unit
/// <c>{collection}</c>) follow the OpenTelemetry-to-Prometheus rules: invalid characters become <c>_</c>, the
/// UCUM unit becomes a suffix unless the name already ends with it (<c>s</c> → <c>_seconds</c>, <c>By</c> →
/// <c>_bytes</c>, <c>{…}</c> annotations dropped, <c>1</c> → <c>_ratio</c> on gauges), counters end in <c>_total</c>.
/// Runs only when an instrument or a label set is first seen, never per measurement.
/// </summary>
internal static class PrometheusNaming
{
    private const string TotalSuffix = "_total";

    /// <summary>The Prometheus family name for an instrument (for counters, including <c>_total</c>).</summary>
    public static string MetricName(string instrumentName, string? unit, MetricKind kind)
    {
        var name = SanitizeMetricName(instrumentName);
        var monotonic = kind.IsMonotonic();
        if (monotonic && name.Length > TotalSuffix.Length && name.EndsWith(TotalSuffix, StringComparison.Ordinal))
        {
            name = name[..^TotalSuffix.Length];
        }

        var suffix = UnitSuffix(unit, kind);
        if (suffix is not null && name != suffix && !EndsWithWord(name, suffix))
        {
            name = name + "_" + suffix;
        }

        if (monotonic)
        {
            return name + TotalSuffix;
        }

        return kind == MetricKind.Histogram ? name : RenameCountGauge(name);
    }

    private const string CountSuffix = "_count";

    /// <summary>
    /// Prometheus reserves <c>_count</c> for the series of a histogram or summary (promtool's lint rejects it on
    /// anything else, and a gauge <c>x_count</c> would collide with a histogram <c>x</c>). The runtime names four
    /// current levels that way (<c>dotnet.timer.count</c>, ...); they get plain plural names, any other gauge ending
    /// in <c>_count</c> gets <c>_number</c> instead.
    /// </summary>
    private static string RenameCountGauge(string name) => name switch
    {
        "dotnet_assembly_count" => "dotnet_assemblies",
        "dotnet_process_cpu_count" => "dotnet_process_cpus",
        "dotnet_thread_pool_thread_count" => "dotnet_thread_pool_threads",
        "dotnet_timer_count" => "dotnet_timers",
        _ when name.Length > CountSuffix.Length && name.EndsWith(CountSuffix, StringComparison.Ordinal) => name[..^CountSuffix.Length] + "_number",
        _ => name,
    };

    /// <summary>
    /// <c>[a-zA-Z_][a-zA-Z0-9_]*</c>: every run of other characters (including <c>:</c>, reserved for recording
    /// rules) becomes one <c>_</c>; a leading digit gets a <c>_</c> in front.
    /// </summary>
    public static string SanitizeMetricName(string name)
    {
        var sanitized = ReplaceInvalid(name);
        return sanitized.Length == 0 ? "_" : char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }

    /// <summary>
    /// <c>[a-zA-Z_][a-zA-Z0-9_]*</c> without the reserved <c>__</c> prefix: invalid runs become one <c>_</c>,
    /// a leading digit or <c>__</c> gets <c>key</c> / <c>key_</c> in front, an empty key becomes <c>key_</c>.
    /// </summary>
    public static string SanitizeLabelName(string? name)
    {
        var sanitized = ReplaceInvalid(name ?? string.Empty);
        if (sanitized.Length == 0)
        {
            return "key_";
        }

        if (char.IsAsciiDigit(sanitized[0]))
        {
            return "key_" + sanitized;
        }

        return sanitized.StartsWith("__", StringComparison.Ordinal) ? "key" + sanitized : sanitized;
    }

    /// <summary>The name suffix a UCUM unit stands for, or <see langword="null"/> when it adds none.</summary>
    public static string? UnitSuffix(string? unit, MetricKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return null;
        }

        var bare = StripAnnotations(unit).Trim();
        if (bare == "1")
        {
            // A dimensionless ratio; counters and histograms of "1" are plain counts.
            return kind is MetricKind.Counter or MetricKind.ObservableCounter or MetricKind.Histogram ? null : "ratio";
        }

        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return NullIfEmpty(MainUnit(bare));
        }

        var numerator = MainUnit(bare[..slash].Trim());
        var denominator = PerUnit(bare[(slash + 1)..].Trim());
        if (denominator.Length == 0)
        {
            return NullIfEmpty(numerator);
        }

        return numerator.Length == 0 ? "per_" + denominator : numerator + "_per_" + denominator;
    }

    private static string MainUnit(string unit) => unit switch
    {
        "" => "",
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tebibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "bit" => "bits",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => ReplaceInvalid(unit),
    };

    private static string PerUnit(string unit) => unit switch
    {
        "" => "",
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => ReplaceInvalid(unit),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static bool EndsWithWord(string name, string suffix) =>
        name.Length > suffix.Length
        && name.EndsWith(suffix, StringComparison.Ordinal)
        && name[name.Length - suffix.Length - 1] == '_';

    /// <summary>Removes UCUM curly-brace annotations: <c>{packet}/s</c> → <c>/s</c>.</summary>
    private static string StripAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string ReplaceInvalid(string name)
    {
        var clean = true;
        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return name;
        }

        var builder = new StringBuilder(name.Length);
        var previousReplaced = false;
        foreach (var c in name)
        {
            if (IsNameChar(c))
            {
                builder.Append(c);
                previousReplaced = false;
            }
            else if (!previousReplaced)
            {
                builder.Append('_');
                previousReplaced = true;
            }
        }

        return builder.ToString();
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
