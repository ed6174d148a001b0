using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Upper;

public sealed class UpperMetricsTests
{
    private const string Name = "metricsprobe";

    [Fact]
    public async Task Platform_series_carry_the_platform_and_result()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CascadeMeter.Name && instrument.Name.StartsWith("gb28181_platform_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => (p.Name, p.KeepaliveIntervalSeconds) = (Name, 60));
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");

        Assert.Equal(SipStatus.NotFound, await platform.SendAsync(gateway.Platform.LocalPort, new RecordInfoQuery { Sn = 1, DeviceId = "34020000001310009999" }));
        listener.RecordObservableInstruments();

        Assert.Contains(Mine("gb28181_platform_registrations_total"), m => Equals(m.Tags["result"], "ok") && m.Value == 1);
        Assert.Contains(Mine("gb28181_platform_registered"), m => m.Value == 1);
        Assert.Contains(Mine("gb28181_platform_shared_channels"), m => m.Value == 3);
        Assert.Contains(Mine("gb28181_platform_requests_total"), m => Equals(m.Tags["cmd"], "RecordInfo") && Equals(m.Tags["result"], "not_found"));

        void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measurements.Enqueue((instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));

        IEnumerable<(string Instrument, long Value, Dictionary<string, object?> Tags)> Mine(string instrument) =>
            measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("platform"), Name));
    }
}
