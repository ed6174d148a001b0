using System.Globalization;
using System.Text;

namespace Gb28181Gateway.Protocol.Sdp;

/// <summary>Writes an <see cref="SdpSession"/> in RFC 4566 order with CRLF; y= and f= close the body as GB peers expect.</summary>
internal static class SdpWriter
{
    public static string Write(SdpSession session)
    {
        var b = new StringBuilder(256);
        Line(b, 'v', session.Version.ToString(CultureInfo.InvariantCulture));
        var o = session.Origin;
        Line(b, 'o', $"{o.Username} {o.SessionId} {o.SessionVersion} {o.NetworkType} {o.AddressType} {o.Address}");
        Line(b, 's', session.SessionName);
        Other(b, session.OtherLines, "i");
        if (session.MediaSource is not null)
        {
            Line(b, 'u', session.MediaSource);
        }

        Other(b, session.OtherLines, "ep");
        Connection(b, session.Connection);
        Other(b, session.OtherLines, "b");
        Line(b, 't', string.Create(CultureInfo.InvariantCulture, $"{session.StartTime} {session.StopTime}"));
        Other(b, session.OtherLines, "rzk");
        foreach (var attribute in session.Attributes)
        {
            Line(b, 'a', attribute.ToString());
        }

        foreach (var media in session.Media)
        {
            Media(b, media);
        }

        if (session.Ssrc is not null)
        {
            Line(b, 'y', session.Ssrc);
        }

        if (session.Format is not null)
        {
            Line(b, 'f', session.Format);
        }

        foreach (var line in session.OtherLines)
        {
            if (!"iepbrzk".Contains(line.Type, StringComparison.Ordinal))
            {
                Line(b, line.Type, line.Value);
            }
        }

        return b.ToString();
    }

    private static void Media(StringBuilder b, SdpMedia media)
    {
        b.Append("m=").Append(media.MediaType).Append(' ').Append(media.Port.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(media.Protocol);
        foreach (var pt in media.Formats)
        {
            b.Append(' ').Append(pt.ToString(CultureInfo.InvariantCulture));
        }

        b.Append("\r\n");
        Other(b, media.OtherLines, "i");
        Connection(b, media.Connection);
        Other(b, media.OtherLines, "bk");
        var direction = media.Direction switch
        {
            SdpDirection.SendRecv => "sendrecv",
            SdpDirection.SendOnly => "sendonly",
            SdpDirection.RecvOnly => "recvonly",
            SdpDirection.Inactive => "inactive",
            _ => null,
        };
        if (direction is not null)
        {
            Line(b, 'a', direction);
        }

        foreach (var map in media.RtpMaps)
        {
            Line(b, 'a', "rtpmap:" + map);
        }

        if (media.Setup != SdpSetup.None)
        {
            Line(b, 'a', "setup:" + media.Setup.ToString().ToLowerInvariant());
        }

        if (media.ConnectionMode is not null)
        {
            Line(b, 'a', "connection:" + media.ConnectionMode);
        }

        if (media.DownloadSpeed is { } speed)
        {
            Line(b, 'a', "downloadspeed:" + speed.ToString(CultureInfo.InvariantCulture));
        }

        if (media.FileSize is { } size)
        {
            Line(b, 'a', "filesize:" + size.ToString(CultureInfo.InvariantCulture));
        }

        if (media.StreamNumber is { } stream)
        {
            Line(b, 'a', media.StreamNumberName + ":" + stream.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var attribute in media.Attributes)
        {
            Line(b, 'a', attribute.ToString());
        }

        foreach (var line in media.OtherLines)
        {
            if (!"ibk".Contains(line.Type, StringComparison.Ordinal))
            {
                Line(b, line.Type, line.Value);
            }
        }
    }

    private static void Connection(StringBuilder b, SdpConnection? connection)
    {
        if (connection is not null)
        {
            Line(b, 'c', $"{connection.NetworkType} {connection.AddressType} {connection.Address}");
        }
    }

    private static void Other(StringBuilder b, IReadOnlyList<SdpLine> lines, string types)
    {
        foreach (var line in lines)
        {
            if (types.Contains(line.Type, StringComparison.Ordinal))
            {
                Line(b, line.Type, line.Value);
            }
        }
    }

    private static void Line(StringBuilder b, char type, string value) => b.Append(type).Append('=').Append(value).Append("\r\n");
}
