using System.Collections.Concurrent;
using System.Globalization;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

/// <summary>Many threads recording while another scrapes: nothing lost, counters never seen going back.</summary>
public sealed class ConcurrencyTests
{
    private const int Writers = 4;
    private const int PerWriter = 100_000;

    private static readonly string[] Directions = ["in", "out"];
    private static readonly string[] Transports = ["udp", "tcp", "tcp_active", "tcp_passive"];

    [Fact]
    public async Task Totals_are_exact_after_concurrent_recording_and_scraping()
    {
        using var scope = new MetricsScope();
        var packets = scope.Meter.CreateCounter<long>("gb28181_rtp_packets", description: "d");
        var bytes = scope.Meter.CreateCounter<double>("gb28181_rtp_bytes", description: "d");
        var sizes = scope.Meter.CreateHistogram<int>("gb28181_rtp_packet_size_bytes", description: "d");
        var perWorker = scope.Meter.CreateCounter<long>("gb28181_worker_items", description: "d");
        var problems = new ConcurrentQueue<string>();
        var scrapes = 0;
        var stop = 0;

        var scraper = Task.Factory.StartNew(() =>
        {
            var last = new Dictionary<string, double>();
            while (Volatile.Read(ref stop) == 0)
            {
                CheckScrape(scope.Scrape(), last, problems);
                scrapes++;
            }
        }, TaskCreationOptions.LongRunning);

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
        {
            var worker = "w" + w.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < PerWriter; i++)
            {
                var direction = Directions[i & 1];
                var transport = Transports[(i >> 1) & 3];
                packets.Add(1, new("direction", direction), new("transport", transport));
                bytes.Add(0.5, new("direction", direction), new("transport", transport));
                sizes.Record(i % 2000, new KeyValuePair<string, object?>("direction", direction));
                perWorker.Add(1, new KeyValuePair<string, object?>("worker", worker));
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(writers);
        Volatile.Write(ref stop, 1);
        await scraper;

        Assert.Empty(problems);
        Assert.True(scrapes > 0);
        var text = scope.Scrape();
        const int PerSeries = Writers * PerWriter / 8;
        foreach (var direction in Directions)
        {
            foreach (var transport in Transports)
            {
                var labels = $"{{direction=\"{direction}\",transport=\"{transport}\"}}";
                Assert.Equal(PerSeries, MetricsScope.Sample(text, "gb28181_rtp_packets_total" + labels));
                Assert.Equal(PerSeries * 0.5, MetricsScope.Sample(text, "gb28181_rtp_bytes_total" + labels));
            }
        }

        for (var w = 0; w < Writers; w++)
        {
            Assert.Equal(PerWriter, MetricsScope.Sample(text, $"gb28181_worker_items_total{{worker=\"w{w}\"}}"));
        }

        var expectedSum = Enumerable.Range(0, PerWriter).Where(i => (i & 1) == 0).Sum(i => (double)(i % 2000)) * Writers;
        Assert.Equal(Writers * PerWriter / 2, MetricsScope.Sample(text, "gb28181_rtp_packet_size_bytes_count{direction=\"in\"}"));
        Assert.Equal(expectedSum, MetricsScope.Sample(text, "gb28181_rtp_packet_size_bytes_sum{direction=\"in\"}"));
        var below64 = Enumerable.Range(0, PerWriter).Count(i => (i & 1) == 0 && i % 2000 <= 64) * Writers;
        Assert.Equal(below64, MetricsScope.Sample(text, "gb28181_rtp_packet_size_bytes_bucket{direction=\"in\",le=\"64\"}"));
    }

    /// <summary>Counter samples never decrease between scrapes; a histogram's _count always equals its +Inf bucket.</summary>
    private static void CheckScrape(string text, Dictionary<string, double> last, ConcurrentQueue<string> problems)
    {
        var infBuckets = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var series = line[..space];
            var value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            if (series.Contains("_total", StringComparison.Ordinal) || series.Contains("_count", StringComparison.Ordinal))
            {
                if (last.TryGetValue(series, out var previous) && value < previous)
                {
                    problems.Enqueue($"{series} went from {previous} to {value}");
                }

                last[series] = value;
            }

            if (series.EndsWith(",le=\"+Inf\"}", StringComparison.Ordinal))
            {
                infBuckets[series.Replace("_bucket{", "_count{", StringComparison.Ordinal).Replace(",le=\"+Inf\"}", "}", StringComparison.Ordinal)] = value;
            }
            else if (series.Contains("_count{", StringComparison.Ordinal) && infBuckets.TryGetValue(series, out var inf) && inf != value)
            {
                problems.Enqueue($"{series} is {value} but its +Inf bucket is {inf}");
            }
        }
    }
}
