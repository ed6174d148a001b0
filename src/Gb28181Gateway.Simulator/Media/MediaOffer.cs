using System.Net;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;

namespace Gb28181Gateway.Simulator.Media;

/// <summary>How RTP travels for one session: UDP, or RFC 4571 over TCP with the local side listening or connecting.</summary>
internal enum MediaTransportMode
{
    Udp,
    TcpActive,
    TcpPassive,
}

/// <summary>
/// An SDP offer (or answer) as the simulator acts on it: the video m= section and where its media goes. Read and
/// answered with the gateway's own SDP codec (<see cref="SdpSession"/>, <see cref="GbSdp"/>), so the simulated
/// devices and platform speak the same SDP as the gateway.
/// </summary>
internal sealed class MediaOffer
{
    private MediaOffer(SdpSession session, SdpMedia video, IPAddress address)
    {
        Session = session;
        Video = video;
        Address = address;
    }

    public SdpSession Session { get; }

    public SdpMedia Video { get; }

    public IPAddress Address { get; }

    public string SessionName => Session.SessionName;

    public string Owner => Session.Origin.Username;

    public int Port => Video.Port;

    public bool IsTcp => Video.IsTcp;

    /// <summary>The offer's TCP role as written (<c>active</c>, <c>passive</c>, ...), or null.</summary>
    public string? Setup => Video.Setup == SdpSetup.None ? null : Video.Setup.ToString().ToLowerInvariant();

    /// <summary>The y= line, or null.</summary>
    public string? Ssrc => Session.Ssrc;

    /// <summary>What the answerer does: the offerer's passive means we connect, active (or none) over TCP means we listen.</summary>
    public MediaTransportMode AnswerMode => !IsTcp ? MediaTransportMode.Udp
        : Video.Setup == SdpSetup.Passive ? MediaTransportMode.TcpActive : MediaTransportMode.TcpPassive;

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>Reads an SDP body; throws <see cref="FormatException"/> naming what is missing or malformed.</summary>
    public static MediaOffer Parse(ReadOnlySpan<byte> body)
    {
        var session = SdpSession.Parse(body);
        var video = session.FindMedia("video") ?? throw new FormatException("SDP has no video m= line");
        if (video.Port is < 1 or > 65535)
        {
            throw new FormatException($"SDP video m= line has no valid port ({video.Port})");
        }

        var host = session.AddressOf(video) ?? throw new FormatException("SDP has no c= line");
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new FormatException($"SDP c= address '{host}' is no IPv4/IPv6 address");
        }

        return new MediaOffer(session, video, address);
    }

    /// <summary>
    /// The device's answer (<see cref="GbSdp.CreateAnswer"/>): our address and port, sendonly, the first offered codec
    /// the gateway supports (PS first), the opposite TCP role (<see cref="AnswerMode"/>), and the SSRC we will send.
    /// </summary>
    public byte[] BuildAnswer(string channelId, string host, int port, Ssrc ssrc) =>
        GbSdp.CreateAnswer(Session, new SdpAnswerOptions { OriginId = channelId, Address = host, Port = port, Ssrc = ssrc }).ToBytes();
}
