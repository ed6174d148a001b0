using System.Globalization;
using System.Net;
using System.Text;

namespace Gb28181Gateway.Simulator.Media;

/// <summary>How RTP travels for one session: UDP, or RFC 4571 over TCP with the local side listening or connecting.</summary>
internal enum MediaTransportMode
{
    Udp,
    TcpActive,
    TcpPassive,
}

/// <summary>
/// The parts of a GB28181 SDP the simulator acts on (c=, the video m= line, a=setup, y=, s=). The gateway's
/// full codec lives in Protocol; this reader is for the simulator's own sessions only and is deliberately small.
/// </summary>
internal sealed record MediaOffer(string SessionName, IPAddress Address, int Port, bool IsTcp, string? Setup, string? Ssrc, string? Owner)
{
    /// <summary>Reads an SDP body; throws <see cref="FormatException"/> naming what is missing or malformed.</summary>
    public static MediaOffer Parse(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        string session = string.Empty, owner = string.Empty;
        string? setup = null, ssrc = null;
        IPAddress? address = null;
        int? port = null;
        var tcp = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 's':
                    session = value.Trim();
                    break;
                case 'o':
                    owner = value.Split(' ', 2)[0];
                    break;
                case 'c':
                    var c = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (c.Length < 3 || !IPAddress.TryParse(c[2], out var parsed))
                    {
                        throw new FormatException($"SDP c= line '{line}' has no IPv4/IPv6 address");
                    }

                    address ??= parsed;
                    break;
                case 'm' when port is null && value.StartsWith("video", StringComparison.OrdinalIgnoreCase):
                    var m = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (m.Length < 3 || !int.TryParse(m[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
                    {
                        throw new FormatException($"SDP m= line '{line}' has no valid port");
                    }

                    port = p;
                    tcp = m[2].StartsWith("TCP", StringComparison.OrdinalIgnoreCase);
                    break;
                case 'a' when value.StartsWith("setup:", StringComparison.OrdinalIgnoreCase):
                    setup = value[6..].Trim().ToLowerInvariant();
                    break;
                case 'y':
                    ssrc = value.Trim();
                    break;
            }
        }

        if (address is null)
        {
            throw new FormatException("SDP has no c= line");
        }

        if (port is null)
        {
            throw new FormatException("SDP has no video m= line");
        }

        return new MediaOffer(session, address, port.Value, tcp, setup, ssrc, owner);
    }

    /// <summary>What the answerer does: the offerer's passive means we connect, active (or none) over TCP means we listen.</summary>
    public MediaTransportMode AnswerMode => !IsTcp ? MediaTransportMode.Udp
        : string.Equals(Setup, "passive", StringComparison.Ordinal) ? MediaTransportMode.TcpActive : MediaTransportMode.TcpPassive;

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>The device's answer: our address and port, sendonly, PS on 96, the setup role, and the SSRC we will send.</summary>
    public static byte[] BuildAnswer(string channelId, string sessionName, string host, int port, MediaTransportMode mode, string ssrc)
    {
        var sb = new StringBuilder(256);
        var ip = host.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
        sb.Append("v=0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"o={channelId} 0 0 IN {ip} {host}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"s={(sessionName.Length == 0 ? "Play" : sessionName)}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"c=IN {ip} {host}\r\n");
        sb.Append("t=0 0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"m=video {port} {(mode == MediaTransportMode.Udp ? "RTP/AVP" : "TCP/RTP/AVP")} 96\r\n");
        sb.Append("a=sendonly\r\n");
        sb.Append("a=rtpmap:96 PS/90000\r\n");
        if (mode != MediaTransportMode.Udp)
        {
            sb.Append(mode == MediaTransportMode.TcpActive ? "a=setup:active\r\n" : "a=setup:passive\r\n");
            sb.Append("a=connection:new\r\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"y={ssrc}\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
