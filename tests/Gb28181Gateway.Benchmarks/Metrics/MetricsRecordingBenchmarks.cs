using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Gb28181Gateway.Integrations.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Benchmarks.Metrics;

/// <summary>
/// The recording path as the RTP and SIP layers use it: Counter.Add with two tags on a series that exists.
/// Baseline: the same call delivered to a listener that does nothing (the cost of System.Diagnostics.Metrics'
/// dispatch alone), so the ratio is what the collector adds. For reference, an unobserved counter. Must
/// allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private readonly KeyValuePair<string, object?> _direction = new("direction", "in");
    private readonly KeyValuePair<string, object?> _transport = new("transport", "udp");
    private Meter _unobserved = null!;
    private Meter _dispatched = null!;
    private MeterListener _emptyListener = null!;
    private Counter<long> _dispatchedCounter = null!;
    private Meter _meter = null!;
    private PrometheusMetricsCollector _collector = null!;
    private Counter<long> _silentCounter = null!;
    private Counter<long> _counter = null!;
    private Histogram<double> _histogram = null!;

    [GlobalSetup]
    public void Setup()
    {
        var id = Guid.NewGuid().ToString("N");
        _unobserved = new Meter("Bench.Unobserved." + id);
        _dispatched = new Meter("Bench.Dispatched." + id);
        _emptyListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == _dispatched)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _emptyListener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _emptyListener.Start();
        _dispatchedCounter = _dispatched.CreateCounter<long>("gb28181_rtp_packets");
        _meter = new Meter("Bench.Recorded." + id);
        _collector = new PrometheusMetricsCollector(
            new PrometheusMetricsOptions { Meters = [_meter.Name], ProcessMetrics = false },
            NullLogger<PrometheusMetricsCollector>.Instance);
        _silentCounter = _unobserved.CreateCounter<long>("gb28181_rtp_packets");
        _counter = _meter.CreateCounter<long>("gb28181_rtp_packets");
        _histogram = _meter.CreateHistogram<double>("gb28181_sip_transaction_duration_seconds");
        _counter.Add(1, _direction, _transport);
        _histogram.Record(0.02, _direction);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _collector.Dispose();
        _emptyListener.Dispose();
        _meter.Dispose();
        _dispatched.Dispose();
        _unobserved.Dispose();
    }

    [Benchmark]
    public void CounterAdd_TwoTags_NoListener() => _silentCounter.Add(1, _direction, _transport);

    [Benchmark(Baseline = true)]
    public void CounterAdd_TwoTags_EmptyListener() => _dispatchedCounter.Add(1, _direction, _transport);

    [Benchmark]
    public void CounterAdd_TwoTags() => _counter.Add(1, _direction, _transport);

    [Benchmark]
    public void CounterAdd_TwoTags_OtherOrder() => _counter.Add(1, _transport, _direction);

    [Benchmark]
    public void HistogramRecord_OneTag() => _histogram.Record(0.02, _direction);
}
