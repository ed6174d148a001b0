using System.Text;
using Gb28181Gateway.Integrations.Metrics;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>Number formatting, escaping and name translation, unit by unit.</summary>
public sealed class PrometheusFormatTests
{
    [Theory]
    [InlineData(0d, "0")]
    [InlineData(1d, "1")]
    [InlineData(-1d, "-1")]
    [InlineData(1000000d, "1000000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(9007199254740991d, "9007199254740991")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.005, "0.005")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(-2.5e-9, "-2.5e-09")]
    [InlineData(1.2345e17, "1.2345e+17")]
    [InlineData(1e300, "1e+300")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Doubles_are_written_as_Prometheus_parses_them(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[32];
        var written = PrometheusTextWriter.FormatDouble(value, buffer);

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..written]));
        if (double.IsFinite(value))
        {
            Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Negative_zero_is_written_as_zero()
    {
        Span<byte> buffer = stackalloc byte[32];
        var written = PrometheusTextWriter.FormatDouble(-0d, buffer);

        Assert.Equal("0", Encoding.ASCII.GetString(buffer[..written]));
    }

    [Theory]
    [InlineData(long.MinValue, "-9223372036854775808")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(0L, "0")]
    public void Longs_are_written_exactly(long value, string expected)
    {
        Span<byte> buffer = stackalloc byte[32];
        var written = PrometheusTextWriter.FormatLong(value, buffer);

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..written]));
    }

    [Fact]
    public void Sample_lines_have_braces_only_with_labels()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(1);
        var writer = new PrometheusTextWriter(output);

        writer.WriteSample("m"u8, default, default, 1L);
        writer.WriteSample("m"u8, "a=\"b\""u8, default, 2.5);
        writer.WriteSample("m_bucket"u8, default, "le=\"1\""u8, 3L);
        writer.WriteSample("m_bucket"u8, "a=\"b\""u8, "le=\"+Inf\""u8, 4L);

        Assert.Equal("m 1\nm{a=\"b\"} 2.5\nm_bucket{le=\"1\"} 3\nm_bucket{a=\"b\",le=\"+Inf\"} 4\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("摄像机 1", "摄像机 1")]
    public void Label_values_escape_backslash_quote_and_newline(string value, string expected)
    {
        var builder = new StringBuilder();
        PrometheusTextWriter.AppendEscapedLabelValue(builder, value);

        Assert.Equal(expected, builder.ToString());
    }

    [Theory]
    [InlineData("plain \"quoted\"", "plain \"quoted\"")]
    [InlineData("a\\b\nc", "a\\\\b\\nc")]
    public void Help_escapes_backslash_and_newline_only(string help, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.EscapeHelp(help));

    [Theory]
    // Gateway instruments: already Prometheus names.
    [InlineData("gb28181_rtp_packets", null, "Counter", "gb28181_rtp_packets_total")]
    [InlineData("gb28181_rtp_packets_total", null, "Counter", "gb28181_rtp_packets_total")]
    [InlineData("gb28181_sip_transaction_duration_seconds", "s", "Histogram", "gb28181_sip_transaction_duration_seconds")]
    [InlineData("gb28181_devices_online", "{device}", "ObservableGauge", "gb28181_devices_online")]
    // The runtime's OpenTelemetry names.
    [InlineData("dotnet.gc.collections", "{collection}", "ObservableCounter", "dotnet_gc_collections_total")]
    [InlineData("dotnet.process.cpu.time", "s", "ObservableCounter", "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", "ObservableCounter", "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.process.memory.working_set", "By", "ObservableUpDownCounter", "dotnet_process_memory_working_set_bytes")]
    [InlineData("dotnet.thread_pool.queue.length", "{work_item}", "ObservableUpDownCounter", "dotnet_thread_pool_queue_length")]
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    // Units: ratios, rates, unknown units, sanitising.
    [InlineData("cpu.utilization", "1", "ObservableGauge", "cpu_utilization_ratio")]
    [InlineData("rtp.packets", "1", "Counter", "rtp_packets_total")]
    [InlineData("rtp.rate", "{packet}/s", "Gauge", "rtp_rate_per_second")]
    [InlineData("net.throughput", "By/s", "Gauge", "net_throughput_bytes_per_second")]
    [InlineData("disk.temp", "Cel", "Gauge", "disk_temp_celsius")]
    [InlineData("queue.depth", "messages", "Gauge", "queue_depth_messages")]
    [InlineData("queue_depth_messages", "messages", "Gauge", "queue_depth_messages")]
    [InlineData("2xx.responses", null, "Counter", "_2xx_responses_total")]
    [InlineData("sip::msgs--in", null, "UpDownCounter", "sip_msgs_in")]
    [InlineData("通道数", null, "Gauge", "_")]
    public void Metric_names_follow_the_conventions(string instrument, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, Enum.Parse<MetricKind>(kind)));

    [Theory]
    [InlineData("direction", "direction")]
    [InlineData("gc.heap.generation", "gc_heap_generation")]
    [InlineData("error.type", "error_type")]
    [InlineData("9lives", "key_9lives")]
    [InlineData("__name__", "key__name__")]
    [InlineData("", "key_")]
    [InlineData("a-b c", "a_b_c")]
    public void Label_names_are_sanitised(string key, string expected) =>
        Assert.Equal(expected, PrometheusNaming.SanitizeLabelName(key));

    [Fact]
    public void Label_sets_merge_keys_that_sanitise_alike_and_let_measurement_tags_win()
    {
        KeyValuePair<string, object?>[] constant = [new("platform", "meter"), new("platform", "instrument")];

        var key = LabelSet.Build(
            [new("sip.method", "INVITE"), new("sip_method", "ACK"), new("platform", "measurement"), new("nothing", null)],
            constant,
            histogram: false);

        Assert.Equal("nothing=\"\",platform=\"measurement\",sip_method=\"INVITE;ACK\"", key);
        Assert.Equal("platform=\"instrument\"", LabelSet.Build([], constant, histogram: false));
    }
}
