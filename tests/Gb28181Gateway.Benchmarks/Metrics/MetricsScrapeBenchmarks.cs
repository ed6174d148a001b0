using System.Buffers;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Gb28181Gateway.Integrations.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Benchmarks.Metrics;

/// <summary>
/// One scrape of a registry shaped like the gateway's: 200 series (160 counter series over 8 families, 20
/// gauge series, 20 histogram series of 13 buckets each: 500 sample lines in all).
/// </summary>
[MemoryDiagnoser]
public class MetricsScrapeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Meter _meter = null!;
    private PrometheusMetricsCollector _collector = null!;

    [GlobalSetup]
    public void Setup()
    {
        _meter = new Meter("Bench.Scrape." + Guid.NewGuid().ToString("N"));
        _collector = new PrometheusMetricsCollector(
            new PrometheusMetricsOptions { Meters = [_meter.Name], ProcessMetrics = false },
            NullLogger<PrometheusMetricsCollector>.Instance);
        for (var f = 0; f < 8; f++)
        {
            var counter = _meter.CreateCounter<long>($"gb28181_bench_counter_{f}", description: "Benchmark counter.");
            for (var s = 0; s < 20; s++)
            {
                counter.Add(s * 1000L + f, new("device", $"3402000000132000{s:0000}"), new("direction", s % 2 == 0 ? "in" : "out"));
            }
        }

        var gauge = _meter.CreateGauge<double>("gb28181_bench_gauge", description: "Benchmark gauge.");
        for (var s = 0; s < 20; s++)
        {
            gauge.Record(s * 0.37, new KeyValuePair<string, object?>("platform", $"platform-{s}"));
        }

        var histogram = _meter.CreateHistogram<double>("gb28181_bench_duration_seconds", description: "Benchmark histogram.");
        for (var s = 0; s < 20; s++)
        {
            for (var i = 0; i < 50; i++)
            {
                histogram.Record(i * 0.013, new KeyValuePair<string, object?>("method", $"METHOD{s}"));
            }
        }

        Scrape();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    [Benchmark]
    public int Scrape()
    {
        _buffer.ResetWrittenCount();
        _collector.Write(_buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public Task ScrapeToStream() => _collector.WriteAsync(Stream.Null);
}
