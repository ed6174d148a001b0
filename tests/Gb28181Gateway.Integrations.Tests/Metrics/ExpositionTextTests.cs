using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>Exact exposition text for known instruments.</summary>
public sealed class ExpositionTextTests
{
    [Fact]
    public void Counter_with_tags_in_any_order_is_one_series_per_label_set_with_total_suffix()
    {
        using var scope = new MetricsScope();
        var packets = scope.Meter.CreateCounter<long>("gb28181_rtp_packets", description: "RTP packets relayed.");

        packets.Add(3, new("direction", "in"), new("transport", "udp"));
        packets.Add(2, new("transport", "udp"), new("direction", "in"));
        packets.Add(1, new("direction", "out"), new("transport", "tcp"));

        Assert.Equal(
            "# HELP gb28181_rtp_packets_total RTP packets relayed.\n"
            + "# TYPE gb28181_rtp_packets_total counter\n"
            + "gb28181_rtp_packets_total{direction=\"in\",transport=\"udp\"} 5\n"
            + "gb28181_rtp_packets_total{direction=\"out\",transport=\"tcp\"} 1\n",
            scope.Scrape());
    }

    [Fact]
    public void Gauge_keeps_last_value_and_up_down_counter_sums_signed_increments()
    {
        using var scope = new MetricsScope();
        var load = scope.Meter.CreateGauge<double>("gb28181_sip_queue_fill_ratio", description: "Fill of the SIP receive queue.");
        var sessions = scope.Meter.CreateUpDownCounter<long>("gb28181_media_sessions", description: "Active media sessions.");

        load.Record(0.25);
        load.Record(0.5);
        sessions.Add(3, new KeyValuePair<string, object?>("kind", "live"));
        sessions.Add(-1, new KeyValuePair<string, object?>("kind", "live"));
        sessions.Add(2, new KeyValuePair<string, object?>("kind", "playback"));

        Assert.Equal(
            "# HELP gb28181_media_sessions Active media sessions.\n"
            + "# TYPE gb28181_media_sessions gauge\n"
            + "gb28181_media_sessions{kind=\"live\"} 2\n"
            + "gb28181_media_sessions{kind=\"playback\"} 2\n"
            + "# HELP gb28181_sip_queue_fill_ratio Fill of the SIP receive queue.\n"
            + "# TYPE gb28181_sip_queue_fill_ratio gauge\n"
            + "gb28181_sip_queue_fill_ratio 0.5\n",
            scope.Scrape());
    }

    [Fact]
    public void Histogram_with_advised_buckets_is_cumulative_with_inclusive_upper_bounds()
    {
        using var scope = new MetricsScope();
        var duration = scope.Meter.CreateHistogram(
            "gb28181_sip_transaction_duration_seconds",
            unit: "s",
            description: "SIP client transaction duration.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1, 4] });

        KeyValuePair<string, object?> invite = new("method", "INVITE");
        duration.Record(0.125, invite);
        duration.Record(0.25, invite);
        duration.Record(0.5, invite);
        duration.Record(8, invite);
        duration.Record(1, new KeyValuePair<string, object?>("method", "REGISTER"));

        Assert.Equal(
            "# HELP gb28181_sip_transaction_duration_seconds SIP client transaction duration.\n"
            + "# TYPE gb28181_sip_transaction_duration_seconds histogram\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"INVITE\",le=\"0.25\"} 2\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"INVITE\",le=\"1\"} 3\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"INVITE\",le=\"4\"} 3\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"INVITE\",le=\"+Inf\"} 4\n"
            + "gb28181_sip_transaction_duration_seconds_sum{method=\"INVITE\"} 8.875\n"
            + "gb28181_sip_transaction_duration_seconds_count{method=\"INVITE\"} 4\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"REGISTER\",le=\"0.25\"} 0\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"REGISTER\",le=\"1\"} 1\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"REGISTER\",le=\"4\"} 1\n"
            + "gb28181_sip_transaction_duration_seconds_bucket{method=\"REGISTER\",le=\"+Inf\"} 1\n"
            + "gb28181_sip_transaction_duration_seconds_sum{method=\"REGISTER\"} 1\n"
            + "gb28181_sip_transaction_duration_seconds_count{method=\"REGISTER\"} 1\n",
            scope.Scrape());
    }

    [Fact]
    public void Histogram_without_advice_takes_buckets_from_the_unit_in_its_name()
    {
        using var scope = new MetricsScope();
        scope.Meter.CreateHistogram<double>("gb28181_redis_command_duration_seconds").Record(0.003);
        scope.Meter.CreateHistogram<int>("gb28181_sip_message_size_bytes").Record(700);
        scope.Meter.CreateHistogram<long>("gb28181_catalog_items").Record(3);

        var text = scope.Scrape();

        Assert.Equal(
            ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"],
            Bounds(text, "gb28181_redis_command_duration_seconds"));
        Assert.Equal(
            ["64", "256", "1024", "4096", "16384", "65536", "262144", "1048576", "4194304", "16777216", "+Inf"],
            Bounds(text, "gb28181_sip_message_size_bytes"));
        Assert.Equal(
            ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"],
            Bounds(text, "gb28181_catalog_items"));
        Assert.Equal(0, MetricsScope.Sample(text, "gb28181_redis_command_duration_seconds_bucket{le=\"0.0025\"}"));
        Assert.Equal(1, MetricsScope.Sample(text, "gb28181_redis_command_duration_seconds_bucket{le=\"0.005\"}"));
        Assert.Equal(1, MetricsScope.Sample(text, "gb28181_sip_message_size_bytes_bucket{le=\"1024\"}"));
        Assert.Equal(0, MetricsScope.Sample(text, "gb28181_sip_message_size_bytes_bucket{le=\"256\"}"));
    }

    [Fact]
    public void Observable_instruments_report_current_values_and_drop_series_no_longer_reported()
    {
        using var scope = new MetricsScope();
        var platforms = new List<(string Name, int State)> { ("province", 1), ("city", 0) };
        long alarms = 7;
        scope.Meter.CreateObservableGauge(
            "gb28181_platform_registered",
            () => platforms.Select(p => new Measurement<int>(p.State, new KeyValuePair<string, object?>("platform", p.Name))),
            description: "1 when registered with the platform.");
        scope.Meter.CreateObservableCounter("gb28181_alarms", () => alarms, description: "Alarms received.");
        scope.Meter.CreateObservableUpDownCounter("gb28181_devices_online", () => new Measurement<long>(12), description: "Devices online.");

        Assert.Equal(
            "# HELP gb28181_alarms_total Alarms received.\n"
            + "# TYPE gb28181_alarms_total counter\n"
            + "gb28181_alarms_total 7\n"
            + "# HELP gb28181_devices_online Devices online.\n"
            + "# TYPE gb28181_devices_online gauge\n"
            + "gb28181_devices_online 12\n"
            + "# HELP gb28181_platform_registered 1 when registered with the platform.\n"
            + "# TYPE gb28181_platform_registered gauge\n"
            + "gb28181_platform_registered{platform=\"city\"} 0\n"
            + "gb28181_platform_registered{platform=\"province\"} 1\n",
            scope.Scrape());

        alarms = 9;
        platforms.RemoveAt(1);
        var second = scope.Scrape();

        Assert.Equal(9, MetricsScope.Sample(second, "gb28181_alarms_total"));
        Assert.Equal(1, MetricsScope.Sample(second, "gb28181_platform_registered{platform=\"province\"}"));
        Assert.DoesNotContain("city", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        using var scope = new MetricsScope();
        var counter = scope.Meter.CreateCounter<int>("gb28181_test_escapes", description: "Back\\slash and\nnew line, \"quotes\" kept.");

        counter.Add(1, new KeyValuePair<string, object?>("path", "C:\\cams\\\"front\"\nline2"));

        Assert.Equal(
            "# HELP gb28181_test_escapes_total Back\\\\slash and\\nnew line, \"quotes\" kept.\n"
            + "# TYPE gb28181_test_escapes_total counter\n"
            + "gb28181_test_escapes_total{path=\"C:\\\\cams\\\\\\\"front\\\"\\nline2\"} 1\n",
            scope.Scrape());
    }

    [Fact]
    public void Names_and_label_names_are_sanitised_and_units_appended_once()
    {
        using var scope = new MetricsScope();
        scope.Meter.CreateCounter<long>("gb28181.sip-messages", unit: "{message}", description: "d")
            .Add(1, new("sip.method", "INVITE"), new("1st", "x"), new("__reserved", "y"));
        scope.Meter.CreateCounter<double>("dotnet.process.cpu.time", unit: "s", description: "d").Add(1.5);
        scope.Meter.CreateUpDownCounter<long>("gb28181_cache_size_bytes", unit: "By", description: "d").Add(5);
        scope.Meter.CreateObservableGauge("gb28181:ratio", () => 0.75, unit: "1", description: "d");

        Assert.Equal(
            "# HELP dotnet_process_cpu_time_seconds_total d\n"
            + "# TYPE dotnet_process_cpu_time_seconds_total counter\n"
            + "dotnet_process_cpu_time_seconds_total 1.5\n"
            + "# HELP gb28181_cache_size_bytes d\n"
            + "# TYPE gb28181_cache_size_bytes gauge\n"
            + "gb28181_cache_size_bytes 5\n"
            + "# HELP gb28181_ratio d\n"
            + "# TYPE gb28181_ratio gauge\n"
            + "gb28181_ratio 0.75\n"
            + "# HELP gb28181_sip_messages_total d\n"
            + "# TYPE gb28181_sip_messages_total counter\n"
            + "gb28181_sip_messages_total{key_1st=\"x\",key__reserved=\"y\",sip_method=\"INVITE\"} 1\n",
            scope.Scrape());
    }

    [Fact]
    public void Meter_and_instrument_tags_are_labels_and_values_print_invariantly()
    {
        using var scope = new MetricsScope(meterTags: [new("instance", "gw-1")]);
        var counter = scope.Meter.CreateCounter<long>("gb28181_keepalives", null, "Keepalives.", [new("side", "lower")]);

        counter.Add(1, new("port", 5060), new("tls", false));
        counter.Add(1, new("port", "5060"), new("tls", "false"));
        counter.Add(1, new KeyValuePair<string, object?>("port", 0.5));

        Assert.Equal(
            "# HELP gb28181_keepalives_total Keepalives.\n"
            + "# TYPE gb28181_keepalives_total counter\n"
            + "gb28181_keepalives_total{instance=\"gw-1\",port=\"0.5\",side=\"lower\"} 1\n"
            + "gb28181_keepalives_total{instance=\"gw-1\",port=\"5060\",side=\"lower\",tls=\"false\"} 2\n",
            scope.Scrape());
    }

    [Fact]
    public void Every_numeric_type_is_aggregated_and_printed_without_exponent_noise()
    {
        using var scope = new MetricsScope();
        scope.Meter.CreateCounter<byte>("t_byte", description: "d").Add(200);
        scope.Meter.CreateCounter<short>("t_short", description: "d").Add(30000);
        scope.Meter.CreateCounter<int>("t_int", description: "d").Add(2_000_000_000);
        var big = scope.Meter.CreateCounter<long>("t_long", description: "d");
        big.Add(long.MaxValue - 1);
        big.Add(1);
        scope.Meter.CreateCounter<float>("t_float", description: "d").Add(0.5f);
        scope.Meter.CreateCounter<decimal>("t_decimal", description: "d").Add(1_000_000m);
        scope.Meter.CreateGauge<double>("t_double", description: "d").Record(1e-7);

        Assert.Equal(
            "# HELP t_byte_total d\n# TYPE t_byte_total counter\nt_byte_total 200\n"
            + "# HELP t_decimal_total d\n# TYPE t_decimal_total counter\nt_decimal_total 1000000\n"
            + "# HELP t_double d\n# TYPE t_double gauge\nt_double 1e-07\n"
            + "# HELP t_float_total d\n# TYPE t_float_total counter\nt_float_total 0.5\n"
            + "# HELP t_int_total d\n# TYPE t_int_total counter\nt_int_total 2000000000\n"
            + "# HELP t_long_total d\n# TYPE t_long_total counter\nt_long_total 9223372036854775807\n"
            + "# HELP t_short_total d\n# TYPE t_short_total counter\nt_short_total 30000\n",
            scope.Scrape());
    }

    [Fact]
    public void Histogram_tag_named_le_does_not_clash_with_the_bucket_label()
    {
        using var scope = new MetricsScope();
        scope.Meter.CreateHistogram(
                "gb28181_t_seconds", unit: null, description: "d", tags: null,
                advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] })
            .Record(0.5, new KeyValuePair<string, object?>("le", "x"));

        Assert.Equal(
            "# HELP gb28181_t_seconds d\n# TYPE gb28181_t_seconds histogram\n"
            + "gb28181_t_seconds_bucket{tag_le=\"x\",le=\"1\"} 1\n"
            + "gb28181_t_seconds_bucket{tag_le=\"x\",le=\"+Inf\"} 1\n"
            + "gb28181_t_seconds_sum{tag_le=\"x\"} 0.5\n"
            + "gb28181_t_seconds_count{tag_le=\"x\"} 1\n",
            scope.Scrape());
    }

    [Fact]
    public async Task WriteAsync_writes_the_same_bytes_as_Write()
    {
        using var scope = new MetricsScope();
        var counter = scope.Meter.CreateCounter<long>("gb28181_t", description: "d");
        for (var i = 0; i < 300; i++)
        {
            counter.Add(i, new KeyValuePair<string, object?>("channel", "3402000000132000" + i.ToString("0000")));
        }

        using var stream = new MemoryStream();
        await scope.Collector.WriteAsync(stream);

        Assert.Equal(scope.ScrapeBytes(), stream.ToArray());
        Assert.True(stream.Length > 300 * 40);
    }

    private static string[] Bounds(string exposition, string name) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(name + "_bucket{le=\"", StringComparison.Ordinal))
            .Select(l => l[(name.Length + "_bucket{le=\"".Length)..l.IndexOf('"', name.Length + "_bucket{le=\"".Length)])
            .ToArray();
}
