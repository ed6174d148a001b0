using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Media.Diagnostics;

/// <summary>
/// The <c>Gb28181Gateway.Media</c> meter. The instruments are observable: the per-packet path only bumps the
/// session's own counters, and the totals are summed when a listener collects (a Prometheus scrape).
/// </summary>
internal sealed class MediaMetrics : IDisposable
{
    public const string MeterName = "Gb28181Gateway.Media";

    private static readonly KeyValuePair<string, object?>[][] s_directionTransport =
    [
        [new("direction", "in"), new("transport", "udp")],
        [new("direction", "in"), new("transport", "tcp")],
        [new("direction", "out"), new("transport", "udp")],
        [new("direction", "out"), new("transport", "tcp")],
    ];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public MediaMetrics(IMeterFactory? meterFactory, Func<MediaTotals> totals, Func<int> portsInUse)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter(
            "gb28181_rtp_packets",
            () => ByDirectionTransport(totals().Packets),
            description: "RTP packets received from devices (in) and sent to platforms (out)");
        _meter.CreateObservableCounter(
            "gb28181_rtp_bytes",
            () => ByDirectionTransport(totals().Bytes),
            description: "RTP bytes (packets without TCP framing) received from devices (in) and sent to platforms (out)");
        _meter.CreateObservableCounter(
            "gb28181_rtp_dropped_packets",
            () => ByReason(totals().Dropped),
            description: "RTP packets not forwarded, by reason");
        _meter.CreateObservableUpDownCounter(
            "gb28181_media_ports_in_use",
            () => (long)portsInUse(),
            description: "Media ports bound by relay sessions");
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static Measurement<long>[] ByDirectionTransport(long[] values)
    {
        var result = new Measurement<long>[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = new Measurement<long>(values[i], s_directionTransport[i]);
        }

        return result;
    }

    private static Measurement<long>[] ByReason(long[] values)
    {
        var result = new Measurement<long>[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = new Measurement<long>(values[i], new KeyValuePair<string, object?>("reason", MediaDropReasons.Label((MediaDropReason)i)));
        }

        return result;
    }
}
