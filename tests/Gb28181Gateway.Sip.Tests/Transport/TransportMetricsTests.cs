using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Transport;

public sealed class TransportMetricsTests
{
    [Fact]
    public async Task Messages_parse_errors_and_tcp_connections_are_counted_on_the_sip_meter()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MetricRecorder(meters);
        var time = new ManualTimeProvider();
        await using var transport = new SipTransport(new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, time, meterFactory: meters);
        transport.Start();
        await using var userAgent = new SipUserAgent(transport, timeProvider: time, meterFactory: meters);
        userAgent.Handle(SipMethod.Message, r => r.RespondAsync(200));
        using var device = new RawUdpPeer();
        var port = transport.LocalEndPoint.Port;

        await device.SendAsync(TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-m1")
            .Replace("Max-Forwards: 70", "Max-Forwards: x", StringComparison.Ordinal), port);
        Assert.Equal(400, ((SipResponse)await device.ReceiveAsync()).StatusCode);
        await device.SendAsync("SIP/2.0 2000 OK\r\n\r\n", port);
        await device.SendAsync(TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-m2"), port);
        Assert.Equal(200, ((SipResponse)await device.ReceiveAsync()).StatusCode);
        using var tcp = await RawTcpPeer.ConnectAsync(port);
        await tcp.WriteAsync(TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + tcp.LocalPort, "z9hG4bK-m3"));
        _ = await tcp.ReadMessageAsync();

        // a send is counted once the socket accepted it, which may be just after the peer read it
        var until = DateTime.UtcNow + TransportHarness.Deadline;
        while (recorder.Sum("gb28181_sip_messages", ("direction", "out"), ("status", "200")) < 2 && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, recorder.Sum("gb28181_sip_parse_errors", ("kind", "request")));
        Assert.Equal(1, recorder.Sum("gb28181_sip_parse_errors", ("kind", "response")));
        Assert.Equal(2, recorder.Sum("gb28181_sip_messages", ("direction", "in"), ("method", "MESSAGE"), ("status", "")));
        Assert.Equal(2, recorder.Sum("gb28181_sip_messages", ("direction", "out"), ("method", "MESSAGE"), ("status", "200")));
        Assert.Equal(1, recorder.Sum("gb28181_sip_messages", ("direction", "out"), ("method", "MESSAGE"), ("status", "400")));
        Assert.Equal(1, recorder.Observe("gb28181_sip_tcp_connections"));
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }

    /// <summary>Records the measurements of meters made by one factory (not the process-wide default meter other tests use).</summary>
    private sealed class MetricRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public MetricRecorder(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
            _listener.Start();
        }

        public double Sum(string name, params (string Key, string Value)[] tags) => _measurements
            .Where(m => m.Name == name && tags.All(t => m.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value))))
            .Sum(m => m.Value);

        public double Observe(string name)
        {
            var before = _measurements.Count;
            _listener.RecordObservableInstruments();
            return _measurements.Skip(before).Where(m => m.Name == name).Sum(m => m.Value);
        }

        public void Dispose() => _listener.Dispose();
    }
}
