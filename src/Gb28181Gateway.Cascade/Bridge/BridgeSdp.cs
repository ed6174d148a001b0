using System.Globalization;
using System.Net;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>Conversions between SDP, SIP and relay terms used by the bridge.</summary>
internal static class BridgeSdp
{
    public const string ContentType = "application/sdp";

    /// <summary>The codec names the gateway relays (it never transcodes: whatever the device sends goes up).</summary>
    public static readonly string[] Codecs = ["PS", "H264", "H265", "MPEG4", "SVAC", "PCMA", "PCMU"];

    public static string Label(MediaTransport transport) => transport switch
    {
        MediaTransport.TcpPassive => "tcp-passive",
        MediaTransport.TcpActive => "tcp-active",
        _ => "udp",
    };

    /// <summary><c>Media:DeviceTransport</c> / <c>stream.start</c> transport names.</summary>
    public static bool TryParseTransport(string? text, out MediaTransport transport)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "udp" or "" or null:
                transport = MediaTransport.Udp;
                return true;
            case "tcp-passive" or "tcp":
                transport = MediaTransport.TcpPassive;
                return true;
            case "tcp-active":
                transport = MediaTransport.TcpActive;
                return true;
            default:
                transport = MediaTransport.Udp;
                return false;
        }
    }

    public static SdpTransport ToSdp(MediaTransport transport) => transport switch
    {
        MediaTransport.TcpPassive => SdpTransport.TcpPassive,
        MediaTransport.TcpActive => SdpTransport.TcpActive,
        _ => SdpTransport.Udp,
    };

    /// <summary>
    /// The gateway's leg toward a peer whose offer is <paramref name="offered"/> (RFC 4145): the peer connects
    /// (active) → the gateway listens; the peer listens (passive) → the gateway connects; actpass or no setup →
    /// the gateway listens.
    /// </summary>
    public static MediaTransport AnswererLeg(SdpMedia offered) => !offered.IsTcp
        ? MediaTransport.Udp
        : offered.Setup == SdpSetup.Passive ? MediaTransport.TcpActive : MediaTransport.TcpPassive;

    /// <summary>The first video m= line, else the first one.</summary>
    public static SdpMedia? MainMedia(SdpSession session) => session.FindMedia("video") ?? (session.Media.Count > 0 ? session.Media[0] : null);

    /// <summary>The peer's media address from its SDP, or null when it has no usable c=/m= (address 0.0.0.0 or port 0 included).</summary>
    public static IPEndPoint? EndPointOf(SdpSession session, SdpMedia media)
    {
        var address = session.AddressOf(media);
        if (address is null || !IPAddress.TryParse(address, out var ip) || media.Port is <= 0 or > 65535 || ip.Equals(IPAddress.Any))
        {
            return null;
        }

        return new IPEndPoint(ip, media.Port);
    }

    public static string Describe(MediaTransport transport, string host, int port) =>
        Label(transport) + " " + host + ":" + port.ToString(CultureInfo.InvariantCulture);

    public static SdpSession Parse(SipMessage message)
    {
        if (message.Body.IsEmpty)
        {
            throw new FormatException("no SDP body");
        }

        if (message.ContentType is { } type && !type.Contains("sdp", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"Content-Type '{type}' is not application/sdp");
        }

        return SdpSession.Parse(message.Body.Span);
    }

    public static void SetBody(SipMessage message, string contentType, byte[] body)
    {
        message.ContentType = contentType;
        message.Body = body;
    }

    public static DialogSnapshot Snapshot(SipDialog dialog) => new()
    {
        CallId = dialog.CallId,
        LocalTag = dialog.Id.LocalTag,
        RemoteTag = dialog.Id.RemoteTag,
        LocalUri = new SipNameAddress(dialog.LocalParty.Uri, dialog.LocalParty.DisplayName).ToString(),
        RemoteUri = new SipNameAddress(dialog.RemoteParty.Uri, dialog.RemoteParty.DisplayName).ToString(),
        RemoteTarget = dialog.RemoteTarget.ToString(),
        Peer = dialog.Peer.ToString(),
        RouteSet = [.. dialog.RouteSet.Select(r => r.ToString())],
        LocalCSeq = dialog.LocalCSeq,
    };

    /// <summary>
    /// The status to answer the platform with when the device refused: the device's own for 4xx-6xx (the
    /// platform learns why), except authentication challenges and dialog-level errors that mean nothing across
    /// the gateway, which become 502.
    /// </summary>
    public static int UpstreamStatus(int deviceStatus) => deviceStatus switch
    {
        401 or 407 or 481 or 482 or 483 => 502,
        >= 400 and < 700 => deviceStatus,
        _ => 502,
    };
}
