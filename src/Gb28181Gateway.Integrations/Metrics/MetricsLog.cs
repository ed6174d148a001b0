using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>Log events of the Prometheus exposition (7200-7299).</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 7200, Level = LogLevel.Debug,
        Message = "Exporting instrument {Instrument} of meter {Meter} as {Metric}")]
    public static partial void InstrumentExported(ILogger logger, string instrument, string meter, string metric);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning,
        Message = "Instrument {Instrument} of meter {Meter} is not exported: {Reason}")]
    public static partial void InstrumentRejected(ILogger logger, string instrument, string meter, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning,
        Message = "Metric {Metric} reached its limit of {Limit} series: measurements with new label sets are dropped and counted in gb28181_metrics_measurements_dropped_total")]
    public static partial void SeriesLimitReached(ILogger logger, string metric, int limit);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning,
        Message = "Metric {Metric} received an invalid measurement ({Reason}): it is dropped and counted in gb28181_metrics_measurements_dropped_total")]
    public static partial void InvalidMeasurement(ILogger logger, string metric, string reason);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Warning,
        Message = "An observable instrument's callback failed during a scrape; the series it did not report are missing from this scrape")]
    public static partial void ObservableCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Debug,
        Message = "Process metric source {Source} cannot be read; the metrics from it are left out")]
    public static partial void ProcessSourceUnavailable(ILogger logger, string source, Exception exception);
}
