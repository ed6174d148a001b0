using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gb28181Gateway.Integrations.Metrics;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>The warnings an operator gets when the exposition refuses something.</summary>
public sealed class MetricsLogTests
{
    [Fact]
    public void Conflicts_limits_and_invalid_values_are_logged_once_with_what_was_refused()
    {
        var logger = new RecordingLogger();
        using var meter = new Meter("Gb28181Gateway.Tests." + Guid.NewGuid().ToString("N"));
        using var collector = new PrometheusMetricsCollector(
            new PrometheusMetricsOptions { Meters = [meter.Name], MaxSeriesPerMetric = 1, ProcessMetrics = false },
            logger);

        meter.CreateCounter<long>("gb28181_alarms", description: "d").Add(1);
        meter.CreateGauge<long>("gb28181_alarms_total", description: "d");
        var sessions = meter.CreateCounter<long>("gb28181_sessions", description: "d");
        for (var i = 0; i < 5; i++)
        {
            sessions.Add(1, new KeyValuePair<string, object?>("id", i));
            sessions.Add(-1);
        }

        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToArray();
        Assert.Equal([7201, 7202, 7203], warnings.Select(e => e.EventId).Order());
        Assert.Contains("gb28181_alarms_total", warnings.Single(e => e.EventId == 7201).Message, StringComparison.Ordinal);
        Assert.Contains("already exported as a Counter", warnings.Single(e => e.EventId == 7201).Message, StringComparison.Ordinal);
        Assert.Contains("gb28181_sessions_total reached its limit of 1 series", warnings.Single(e => e.EventId == 7202).Message, StringComparison.Ordinal);
        Assert.Contains("negative_increment", warnings.Single(e => e.EventId == 7203).Message, StringComparison.Ordinal);
    }

    private sealed class RecordingLogger : ILogger<PrometheusMetricsCollector>
    {
        public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}
