using System.Diagnostics.Metrics;
using System.Text;
using Gb28181Gateway.Integrations.MqttBridge;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>gb28181_mqtt_control_requests / _request_duration_seconds: one count and one duration per answered request.</summary>
public sealed class MqttControlMetricsTests : IDisposable
{
    private const string Camera = MqttBridgeHarness.Camera;
    private const string Channel = MqttBridgeHarness.CameraChannel;

    private readonly BridgeTestDevices _devices = new();
    private readonly BridgeTestDeviceClient _client = new();
    private readonly ManualTimeProvider _time = new();
    private readonly MqttControlMetrics _metrics = new(meterFactory: null);
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Instrument, string Labels, double Value)> _measurements = [];
    private readonly MqttControlHandler _handler;

    public MqttControlMetricsTests()
    {
        _devices.Add(Camera, online: true, Channel);
        _handler = new MqttControlHandler(new MqttControlServices(_devices, _client, null, null, null), NullLogger.Instance, _time, TimeSpan.FromSeconds(60), _metrics);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Every_answer_is_counted_by_method_and_result_with_bounded_labels()
    {
        await HandleAsync($$$"""{"id":1,"method":"devices.list"}""");
        await HandleAsync($$$"""{"id":2,"method":"channels.list","params":{"deviceId":"34020000001320000999"}}""");
        await HandleAsync($$$"""{"id":3,"method":"channels.list","params":{"deviceId":"{{{Camera}}}"}}""");
        await HandleAsync("""{"id":4,"method":"cameras.format-all-disks"}""");
        await HandleAsync("""{"id":5,"method":"devices.list",""");
        await HandleAsync("""{"id":6,"method":"platforms.list"}""");   // no platform directory in this instance

        Assert.Equal(
            [
                "method=devices.list,result=ok",
                "method=channels.list,result=unknown_device",
                "method=channels.list,result=ok",
                "method=unknown,result=method_not_found",
                "method=invalid,result=parse_error",
                "method=platforms.list,result=unavailable",
            ],
            Measurements("gb28181_mqtt_control_requests").Select(m => m.Labels));
        Assert.All(Measurements("gb28181_mqtt_control_requests"), m => Assert.Equal(1, m.Value));
        Assert.Equal(6, Measurements("gb28181_mqtt_control_request_duration_seconds").Count);
    }

    [Fact]
    public async Task A_request_that_times_out_records_its_full_duration()
    {
        _client.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = HandleAsync($$$"""{"id":"slow","method":"ptz.control","params":{"deviceId":"{{{Camera}}}","channelId":"{{{Channel}}}","command":"up"}}""");
        _time.Advance(TimeSpan.FromSeconds(60));
        await pending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("method=ptz.control,result=device_timeout", Assert.Single(Measurements("gb28181_mqtt_control_requests")).Labels);
        var duration = Assert.Single(Measurements("gb28181_mqtt_control_request_duration_seconds"));
        Assert.Equal(("method=ptz.control", 60.0), (duration.Labels, duration.Value));
    }

    private Task<(string Topic, byte[] Payload)> HandleAsync(string request) =>
        _handler.HandleAsync(Encoding.UTF8.GetBytes(request), "gb28181/gw-1/control/response", CancellationToken.None);

    private List<(string Instrument, string Labels, double Value)> Measurements(string instrument)
    {
        lock (_gate)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument)];
        }
    }

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            labels.Add($"{tag.Key}={tag.Value}");
        }

        labels.Sort(StringComparer.Ordinal);
        lock (_gate)
        {
            _measurements.Add((instrument, string.Join(",", labels), value));
        }
    }
}
