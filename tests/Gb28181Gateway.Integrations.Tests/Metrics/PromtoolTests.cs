using Gb28181Gateway.Testing;
using System.Diagnostics.Metrics;
using System.Text;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>The exposition checked by the real <c>promtool check metrics</c> (parser and lint).</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task Promtool_rejects_a_broken_exposition()
    {
        var (exitCode, output) = await Promtool.CheckMetricsAsync("# TYPE x counter\nx{a=\"b} 1\n"u8.ToArray());

        Assert.True(exitCode == 1, $"exit {exitCode}: {output}");
    }

    [Fact]
    public async Task Gateway_and_process_metrics_pass_promtool_without_findings()
    {
        using var scope = new MetricsScope(processMetrics: true);
        RecordGatewayMetrics(scope.Meter);

        var exposition = scope.ScrapeBytes();
        var (exitCode, output) = await Promtool.CheckMetricsAsync(exposition);

        Assert.True(exitCode == 0, $"promtool exit {exitCode}:\n{output}\n--- exposition ---\n{Encoding.UTF8.GetString(exposition)}");
        Assert.Equal(string.Empty, output.Trim());
        var text = Encoding.UTF8.GetString(exposition);
        foreach (var family in ProcessFamilies.Concat(["gb28181_metrics_measurements_dropped_total", "gb28181_sip_transaction_duration_seconds"]))
        {
            Assert.Contains($"# TYPE {family} ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Runtime_metrics_pass_promtool_with_the_count_gauges_renamed()
    {
        using var scope = new MetricsScope(processMetrics: true, runtime: true);
        RecordGatewayMetrics(scope.Meter);
        GC.Collect();

        var exposition = scope.ScrapeBytes();
        var (exitCode, output) = await Promtool.CheckMetricsAsync(exposition);

        // The runtime names four current levels "*.count" (dotnet.timer.count, ...); promtool reserves "_count" for
        // histograms and summaries, so the exposition renames them (dotnet_timers, ...) and lint passes.
        var text = Encoding.UTF8.GetString(exposition);
        Assert.True(exitCode == 0, $"promtool exit {exitCode}:\n{output}\n--- exposition ---\n{text}");
        Assert.DoesNotContain("_count gauge", text, StringComparison.Ordinal);
        foreach (var family in ProcessFamilies.Concat(
        [
            "dotnet_gc_collections_total", "dotnet_gc_heap_total_allocated_bytes_total", "dotnet_gc_last_collection_heap_size_bytes",
            "dotnet_process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes",
        ]))
        {
            Assert.Contains($"# TYPE {family} ", text, StringComparison.Ordinal);
        }

        Assert.Contains("# TYPE dotnet_thread_pool_threads gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_timers gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_queue_length gauge\n", text, StringComparison.Ordinal);
        Assert.True(MetricsScope.Sample(text, "dotnet_gc_collections_total{gc_heap_generation=\"gen2\"}") >= 1);
    }

    private static readonly string[] ProcessFamilies =
    [
        "process_cpu_seconds_total", "process_max_fds", "process_open_fds",
        "process_resident_memory_bytes", "process_start_time_seconds", "process_virtual_memory_bytes",
    ];

    /// <summary>What the gateway's layers record, every instrument kind, labels that need escaping and UTF-8.</summary>
    private static void RecordGatewayMetrics(Meter meter)
    {
        var messages = meter.CreateCounter<long>("gb28181_sip_messages", description: "SIP messages by direction, method and status.");
        messages.Add(10, new("direction", "in"), new("method", "REGISTER"), new("status", "200"));
        messages.Add(2, new("direction", "out"), new("method", "INVITE"), new("status", ""));
        var duration = meter.CreateHistogram<double>("gb28181_sip_transaction_duration_seconds", "s", "SIP client transaction duration.");
        duration.Record(0.012, new KeyValuePair<string, object?>("method", "INVITE"));
        duration.Record(3.5, new KeyValuePair<string, object?>("method", "MESSAGE"));
        var size = meter.CreateHistogram<int>("gb28181_catalog_message_size_bytes", "By", "Catalog MESSAGE body size.");
        size.Record(3000);
        meter.CreateObservableGauge("gb28181_devices_online", () => 42, description: "Devices registered and alive.");
        meter.CreateObservableGauge("gb28181_platform_registered",
            () => new Measurement<int>(1, new KeyValuePair<string, object?>("platform", "省平台 \"主\"\n备")),
            description: "1 while registered with the platform.");
        meter.CreateObservableCounter("gb28181_rtp_bytes", () => 123456789012L, "By", "RTP payload bytes relayed.");
        var sessions = meter.CreateUpDownCounter<int>("gb28181_media_sessions", description: "Active media sessions.");
        sessions.Add(2, new("kind", "live"), new("transport", "udp"));
        sessions.Add(-1, new("kind", "live"), new("transport", "udp"));
        meter.CreateGauge<double>("gb28181_sip_queue_fill_ratio", description: "Receive queue fill.").Record(0.125);
        var dropped = meter.CreateCounter<long>("gb28181_rtp_packets_dropped", description: "RTP packets dropped by reason.");
        dropped.Add(3, new KeyValuePair<string, object?>("reason", "no_session"));
        dropped.Add(-3, new KeyValuePair<string, object?>("reason", "no_session"));
        meter.CreateCounter<long>("gb28181_redis_errors", description: "Redis commands that failed.").Add(0);
    }
}
