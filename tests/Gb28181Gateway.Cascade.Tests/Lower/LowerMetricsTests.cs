using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>The lower domain's instruments (docs/METRICS.md) record what happened. Other tests run in parallel on the same meter, so counters are checked for at least this test's increments.</summary>
public sealed class LowerMetricsTests
{
    [Fact]
    public async Task Registrations_keepalives_and_gauges_are_measured()
    {
        var counters = new ConcurrentDictionary<string, long>();
        var gauges = new ConcurrentDictionary<string, long>();
        await using var gateway = await LowerHarness.StartAsync();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CascadeMeter.Name && instrument.Name.StartsWith("gb28181_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            counters.AddOrUpdate(Key(instrument.Name, tags), value, (_, old) => old + value));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => gauges[Key(instrument.Name, tags)] = value);
        listener.Start();
        await using var good = new LowerTestDevice(gateway, "34020000001320000001");
        await using var bad = new LowerTestDevice(gateway, "34020000001320000003", password: "wrong");
        await using var stranger = new LowerTestDevice(gateway, "34020000001320000004");

        Assert.Equal(SipStatus.Ok, (await good.RegisterAsync()).StatusCode);
        Assert.Equal(SipStatus.Ok, (await good.KeepaliveAsync()).StatusCode);
        Assert.Equal(SipStatus.Forbidden, (await bad.RegisterAsync()).StatusCode);
        Assert.Equal(SipStatus.NotFound, (await stranger.KeepaliveAsync()).StatusCode);
        Assert.Equal(SipStatus.BadRequest, (await good.SendAsync("<Notify>")).StatusCode);
        listener.RecordObservableInstruments();

        Assert.True(counters.GetValueOrDefault("gb28181_device_registrations{result=ok}") >= 1);
        Assert.True(counters.GetValueOrDefault("gb28181_device_registrations{result=challenged}") >= 2);
        Assert.True(counters.GetValueOrDefault("gb28181_device_registrations{result=forbidden}") >= 1);
        Assert.True(counters.GetValueOrDefault("gb28181_device_keepalives{result=ok}") >= 1);
        Assert.True(counters.GetValueOrDefault("gb28181_device_keepalives{result=unknown}") >= 1);
        Assert.True(counters.GetValueOrDefault("gb28181_manscdp_errors{kind=parse}") >= 1);
        Assert.Contains("gb28181_devices_registered", gauges.Keys);
        Assert.Contains("gb28181_devices_online", gauges.Keys);
    }

    private static string Key(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return name;
        }

        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add(tag.Key + "=" + tag.Value);
        }

        return name + "{" + string.Join(",", parts) + "}";
    }
}
