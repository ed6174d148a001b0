using System.Buffers;
using System.Diagnostics.Metrics;
using Gb28181Gateway.Integrations.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>Bad measurements, limits, conflicts and lifecycle: what is refused is counted, nothing accepted is lost.</summary>
public sealed class CollectorFaultTests
{
    [Fact]
    public void Invalid_measurements_are_dropped_and_counted_and_earlier_values_survive()
    {
        using var scope = new MetricsScope();
        var packets = scope.Meter.CreateCounter<long>("gb28181_a", description: "d");
        var bytes = scope.Meter.CreateCounter<double>("gb28181_b", description: "d");
        var level = scope.Meter.CreateUpDownCounter<double>("gb28181_c", description: "d");
        var duration = scope.Meter.CreateHistogram(
            "gb28181_d_seconds", null, "d", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });
        var ratio = scope.Meter.CreateGauge<double>("gb28181_e", description: "d");
        packets.Add(5);
        bytes.Add(2.5);
        level.Add(-3);
        duration.Record(0.5);

        packets.Add(-1);
        bytes.Add(double.NaN);
        bytes.Add(-0.5);
        level.Add(double.PositiveInfinity);
        duration.Record(double.NaN);
        duration.Record(double.NegativeInfinity);
        ratio.Record(double.NaN);

        Assert.Equal(
            "# HELP gb28181_a_total d\n# TYPE gb28181_a_total counter\ngb28181_a_total 5\n"
            + "# HELP gb28181_b_total d\n# TYPE gb28181_b_total counter\ngb28181_b_total 2.5\n"
            + "# HELP gb28181_c d\n# TYPE gb28181_c gauge\ngb28181_c -3\n"
            + "# HELP gb28181_d_seconds d\n# TYPE gb28181_d_seconds histogram\n"
            + "gb28181_d_seconds_bucket{le=\"1\"} 1\ngb28181_d_seconds_bucket{le=\"+Inf\"} 1\n"
            + "gb28181_d_seconds_sum 0.5\ngb28181_d_seconds_count 1\n"
            + "# HELP gb28181_e d\n# TYPE gb28181_e gauge\ngb28181_e NaN\n"
            + "# HELP gb28181_metrics_measurements_dropped_total Measurements the Prometheus exposition did not record, by "
            + "metric and reason: series_limit (a new label set beyond the metric's series limit), negative_increment (a "
            + "counter given a negative value), not_finite (NaN or infinity given to a counter, up-down counter or histogram).\n"
            + "# TYPE gb28181_metrics_measurements_dropped_total counter\n"
            + "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_a_total\",reason=\"negative_increment\"} 1\n"
            + "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_b_total\",reason=\"negative_increment\"} 1\n"
            + "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_b_total\",reason=\"not_finite\"} 1\n"
            + "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_c\",reason=\"not_finite\"} 1\n"
            + "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_d_seconds\",reason=\"not_finite\"} 2\n",
            scope.Scrape());
    }

    [Fact]
    public void Series_limit_keeps_existing_series_counting_and_counts_what_it_refuses()
    {
        using var scope = new MetricsScope(maxSeries: 3);
        var invites = scope.Meter.CreateCounter<long>("gb28181_invites", description: "d");

        invites.Add(1);
        invites.Add(1, new KeyValuePair<string, object?>("device", "d1"));
        invites.Add(1, new KeyValuePair<string, object?>("device", "d2"));
        for (var i = 3; i < 10; i++)
        {
            invites.Add(1, new KeyValuePair<string, object?>("device", "d" + i));
        }

        invites.Add(1, new KeyValuePair<string, object?>("device", "d9"));
        invites.Add(10);
        invites.Add(10, new KeyValuePair<string, object?>("device", "d2"));

        var text = scope.Scrape();
        Assert.Equal(
            "# HELP gb28181_invites_total d\n# TYPE gb28181_invites_total counter\n"
            + "gb28181_invites_total 11\n"
            + "gb28181_invites_total{device=\"d1\"} 1\n"
            + "gb28181_invites_total{device=\"d2\"} 11\n",
            text[..text.IndexOf("# HELP gb28181_metrics", StringComparison.Ordinal)]);
        Assert.Equal(8, MetricsScope.Sample(text, "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_invites_total\",reason=\"series_limit\"}"));
    }

    [Fact]
    public void Series_limit_bounds_memory_under_a_flood_of_label_values()
    {
        using var scope = new MetricsScope(maxSeries: 100);
        var counter = scope.Meter.CreateCounter<long>("gb28181_flood", description: "d");

        for (var i = 0; i < 50_000; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("ssrc", i));
        }

        var text = scope.Scrape();
        Assert.Equal(100, text.Split('\n').Count(l => l.StartsWith("gb28181_flood_total{", StringComparison.Ordinal)));
        Assert.Equal(49_900, MetricsScope.Sample(text, "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_flood_total\",reason=\"series_limit\"}"));
    }

    [Fact]
    public void Observable_label_sets_replaced_between_scrapes_are_not_refused_for_the_previous_scrapes_series()
    {
        using var scope = new MetricsScope(maxSeries: 3);
        string[] sessions = ["s1", "s2", "s3"];
        scope.Meter.CreateObservableGauge(
            "gb28181_session_bitrate",
            () => sessions.Select(s => new Measurement<long>(1000, new KeyValuePair<string, object?>("session", s))),
            description: "d");
        Assert.Equal(3, scope.Scrape().Split('\n').Count(l => l.StartsWith("gb28181_session_bitrate{", StringComparison.Ordinal)));

        sessions = ["s4", "s5", "s6", "s7"];
        var text = scope.Scrape();

        Assert.Equal(
            "# HELP gb28181_session_bitrate d\n# TYPE gb28181_session_bitrate gauge\n"
            + "gb28181_session_bitrate{session=\"s4\"} 1000\n"
            + "gb28181_session_bitrate{session=\"s5\"} 1000\n"
            + "gb28181_session_bitrate{session=\"s6\"} 1000\n",
            text[text.IndexOf("# HELP gb28181_session_bitrate", StringComparison.Ordinal)..]);
        Assert.Equal(1, MetricsScope.Sample(text, "gb28181_metrics_measurements_dropped_total{metric=\"gb28181_session_bitrate\",reason=\"series_limit\"}"));
    }

    [Fact]
    public void Same_name_and_kind_from_two_meters_is_one_family_and_a_conflicting_kind_is_not_exported()
    {
        using var scope = new MetricsScope();
        using var twin = new Meter(scope.MeterName);
        scope.Meter.CreateCounter<long>("gb28181_alarms", description: "first").Add(2, new KeyValuePair<string, object?>("type", "motion"));
        twin.CreateCounter<int>("gb28181_alarms", description: "second").Add(3, new KeyValuePair<string, object?>("type", "motion"));
        var conflicting = twin.CreateGauge<long>("gb28181_alarms_total", description: "a gauge named like the counter");
        conflicting.Record(100);

        Assert.Equal(
            "# HELP gb28181_alarms_total first\n# TYPE gb28181_alarms_total counter\n"
            + "gb28181_alarms_total{type=\"motion\"} 5\n",
            scope.Scrape());
    }

    [Fact]
    public void Gauge_named_after_a_histogram_series_is_renamed_and_does_not_collide()
    {
        using var scope = new MetricsScope();
        scope.Meter.CreateHistogram<double>("gb28181_setup_seconds", description: "d").Record(0.2);
        scope.Meter.CreateGauge<double>("gb28181_setup_seconds_count", description: "d").Record(42);

        var text = scope.Scrape();

        Assert.Equal(1, MetricsScope.Sample(text, "gb28181_setup_seconds_count"));
        Assert.DoesNotContain("# TYPE gb28181_setup_seconds_count", text, StringComparison.Ordinal);
        Assert.Equal(42, MetricsScope.Sample(text, "gb28181_setup_seconds_number"));
    }

    [Fact]
    public void Disposed_meter_leaves_the_exposition()
    {
        using var scope = new MetricsScope();
        using var other = new Meter(scope.MeterName);
        scope.Meter.CreateCounter<long>("gb28181_kept", description: "d").Add(1);
        other.CreateCounter<long>("gb28181_gone", description: "d").Add(1);
        Assert.Contains("gb28181_gone_total 1\n", scope.Scrape(), StringComparison.Ordinal);

        other.Dispose();

        Assert.Equal("# HELP gb28181_kept_total d\n# TYPE gb28181_kept_total counter\ngb28181_kept_total 1\n", scope.Scrape());
    }

    [Fact]
    public void Failing_observable_callback_does_not_fail_the_scrape_or_hide_other_instruments()
    {
        using var scope = new MetricsScope();
        var fail = true;
        scope.Meter.CreateObservableGauge("gb28181_flaky", () => fail ? throw new InvalidOperationException("device registry gone") : 4L, description: "d");
        scope.Meter.CreateObservableGauge("gb28181_fine", () => 3L, description: "d");
        scope.Meter.CreateCounter<long>("gb28181_sync", description: "d").Add(1);

        Assert.Equal(
            "# HELP gb28181_fine d\n# TYPE gb28181_fine gauge\ngb28181_fine 3\n"
            + "# HELP gb28181_sync_total d\n# TYPE gb28181_sync_total counter\ngb28181_sync_total 1\n",
            scope.Scrape());

        fail = false;
        Assert.Equal(4, MetricsScope.Sample(scope.Scrape(), "gb28181_flaky"));
    }

    [Fact]
    public void Scrape_after_dispose_throws_and_recording_after_dispose_is_harmless()
    {
        var scope = new MetricsScope();
        var counter = scope.Meter.CreateCounter<long>("gb28181_t", description: "d");
        counter.Add(1);

        scope.Collector.Dispose();
        counter.Add(1);

        Assert.Throws<ObjectDisposedException>(() => scope.Collector.Write(new ArrayBufferWriter<byte>()));
        scope.Dispose();
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_option_named()
    {
        var limit = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new PrometheusMetricsCollector(new PrometheusMetricsOptions { MaxSeriesPerMetric = 0 }, NullLogger<PrometheusMetricsCollector>.Instance));
        Assert.Contains("MaxSeriesPerMetric", limit.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<ArgumentException>(() =>
            new PrometheusMetricsCollector(new PrometheusMetricsOptions { Meters = [] }, NullLogger<PrometheusMetricsCollector>.Instance));
        Assert.Contains("Meters", empty.Message, StringComparison.Ordinal);

        var blank = Assert.Throws<ArgumentException>(() =>
            new PrometheusMetricsCollector(new PrometheusMetricsOptions { Meters = ["Gb28181Gateway.", " "] }, NullLogger<PrometheusMetricsCollector>.Instance));
        Assert.Contains("empty meter name", blank.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Meter_names_match_exactly_or_by_prefix_ending_in_a_dot()
    {
        var id = Guid.NewGuid().ToString("N");
        using var exact = new Meter("Exact" + id);
        using var exactChild = new Meter("Exact" + id + ".Child");
        using var prefixed = new Meter("Prefix" + id + ".Sip");
        using var collector = new PrometheusMetricsCollector(
            new PrometheusMetricsOptions { Meters = ["Exact" + id, "Prefix" + id + "."], ProcessMetrics = false },
            NullLogger<PrometheusMetricsCollector>.Instance);
        exact.CreateCounter<long>("m_exact", description: "d").Add(1);
        exactChild.CreateCounter<long>("m_child", description: "d").Add(1);
        prefixed.CreateCounter<long>("m_prefixed", description: "d").Add(1);

        var buffer = new ArrayBufferWriter<byte>();
        collector.Write(buffer);
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);

        Assert.Contains("m_exact_total 1", text, StringComparison.Ordinal);
        Assert.Contains("m_prefixed_total 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("m_child", text, StringComparison.Ordinal);
    }
}
