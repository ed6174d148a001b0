using System.Diagnostics.Metrics;
using Gb28181Gateway.Protocol.Sdp;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>gb28181_media_sessions_active{kind,transport} and gb28181_media_sessions_total{kind,result} (docs/METRICS.md).</summary>
internal static class BridgeMetrics
{
    private static readonly UpDownCounter<long> Active = CascadeMeter.Meter.CreateUpDownCounter<long>(
        "gb28181_media_sessions_active", description: "Bridged media sessions in progress");

    private static readonly Counter<long> Total = CascadeMeter.Meter.CreateCounter<long>(
        "gb28181_media_sessions_total", description: "Media sessions started or refused, by result (ok, refused, failed, no_media)");

    public static void Started(BridgeSession session)
    {
        Active.Add(1, new("kind", KindLabel(session.Kind)), new("transport", session.TransportLabel));
        Total.Add(1, new("kind", KindLabel(session.Kind)), new("result", "ok"));
    }

    /// <summary>A session ended; <paramref name="result"/> (no_media, failed) is counted too when the end was not a normal BYE.</summary>
    public static void Ended(BridgeSession session, string? result)
    {
        Active.Add(-1, new("kind", KindLabel(session.Kind)), new("transport", session.TransportLabel));
        if (result is not null)
        {
            Total.Add(1, new("kind", KindLabel(session.Kind)), new("result", result));
        }
    }

    public static void Refused(SdpSessionKind kind, string result) =>
        Total.Add(1, new("kind", KindLabel(kind)), new("result", result));

    private static string KindLabel(SdpSessionKind kind) => kind switch
    {
        SdpSessionKind.Play => "play",
        SdpSessionKind.Playback => "playback",
        SdpSessionKind.Download => "download",
        _ => "unknown",
    };
}
