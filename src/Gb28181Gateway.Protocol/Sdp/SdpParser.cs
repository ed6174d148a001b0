using System.Globalization;

namespace Gb28181Gateway.Protocol.Sdp;

/// <summary>Line-by-line SDP reader; tolerant of bare LF, blank lines and stray whitespace.</summary>
internal static class SdpParser
{
    public static SdpSession Parse(string text)
    {
        var version = -1;
        SdpOrigin? origin = null;
        string? sessionName = null;
        string? mediaSource = null;
        SdpConnection? connection = null;
        ulong start = 0, stop = 0;
        string? ssrc = null;
        string? format = null;
        var attributes = new List<SdpAttribute>();
        var other = new List<SdpLine>();
        var media = new List<SdpMedia>();
        MediaBuilder? current = null;
        var number = 0;
        if (text.AsSpan().Trim().IsEmpty)
        {
            throw new SdpFormatException("SDP body is empty");
        }

        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            number++;
            var line = raw.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetter(line[0]))
            {
                throw Error(number, line, "is not '<type>=<value>'");
            }

            var type = line[0];
            var value = line[2..].Trim();
            switch (type)
            {
                case 'v':
                    version = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Error(number, line, "has no version number");
                    break;
                case 'o':
                    origin = ParseOrigin(value) ?? throw Error(number, line, "needs 6 fields: username sess-id sess-version nettype addrtype address");
                    break;
                case 's':
                    sessionName = value.ToString();
                    break;
                case 'u' when current is null:
                    mediaSource = value.ToString();
                    break;
                case 'c':
                    var c = ParseConnection(value) ?? throw Error(number, line, "needs 3 fields: nettype addrtype address");
                    if (current is null)
                    {
                        connection = c;
                    }
                    else
                    {
                        current.Connection = c;
                    }

                    break;
                case 't' when current is null:
                    if (!ParseTiming(value, out start, out stop))
                    {
                        throw Error(number, line, "needs two decimal times: start stop");
                    }

                    break;
                case 'm':
                    if (current is not null)
                    {
                        media.Add(current.Build());
                    }

                    current = ParseMedia(value) ?? throw Error(number, line, "needs 'media port proto fmt ...' with numeric port and payload types");
                    break;
                case 'y':
                    ssrc ??= value.ToString();
                    break;
                case 'f':
                    format ??= value.ToString();
                    break;
                case 'a':
                    var attribute = ParseAttribute(value);
                    if (current is null)
                    {
                        attributes.Add(attribute);
                    }
                    else
                    {
                        current.Add(attribute);
                    }

                    break;
                default:
                    if (current is null)
                    {
                        other.Add(new SdpLine(type, value.ToString()));
                    }
                    else
                    {
                        current.OtherLines.Add(new SdpLine(type, value.ToString()));
                    }

                    break;
            }
        }

        if (current is not null)
        {
            media.Add(current.Build());
        }

        if (version < 0)
        {
            throw new SdpFormatException("SDP body has no v= line");
        }

        return new SdpSession
        {
            Version = version,
            Origin = origin ?? throw new SdpFormatException("SDP body has no o= line"),
            SessionName = sessionName ?? throw new SdpFormatException("SDP body has no s= line"),
            MediaSource = mediaSource,
            Connection = connection,
            StartTime = start,
            StopTime = stop,
            Media = media,
            Ssrc = ssrc,
            Format = format,
            Attributes = attributes,
            OtherLines = other,
        };
    }

    private static SdpFormatException Error(int number, ReadOnlySpan<char> line, string problem) =>
        new($"SDP line {number} '{(line.Length > 60 ? string.Concat(line[..60], "...") : line.ToString())}' {problem}");

    private static SdpOrigin? ParseOrigin(ReadOnlySpan<char> value)
    {
        Span<Range> parts = stackalloc Range[7];
        var count = value.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        return count != 6
            ? null
            : new SdpOrigin(value[parts[0]].ToString(), value[parts[1]].ToString(), value[parts[2]].ToString(), value[parts[3]].ToString(), value[parts[4]].ToString(), value[parts[5]].ToString());
    }

    private static SdpConnection? ParseConnection(ReadOnlySpan<char> value)
    {
        Span<Range> parts = stackalloc Range[4];
        var count = value.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        return count != 3 ? null : new SdpConnection(value[parts[0]].ToString(), value[parts[1]].ToString(), value[parts[2]].ToString());
    }

    private static bool ParseTiming(ReadOnlySpan<char> value, out ulong start, out ulong stop)
    {
        start = stop = 0;
        Span<Range> parts = stackalloc Range[3];
        return value.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries) == 2
            && ulong.TryParse(value[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out start)
            && ulong.TryParse(value[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out stop);
    }

    private static MediaBuilder? ParseMedia(ReadOnlySpan<char> value)
    {
        Span<Range> parts = stackalloc Range[64];
        var count = value.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count < 3 || count == parts.Length)
        {
            return null;
        }

        var portText = value[parts[1]];
        var slash = portText.IndexOf('/');
        if (!int.TryParse(slash < 0 ? portText : portText[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return null;
        }

        var builder = new MediaBuilder(value[parts[0]].ToString(), port, value[parts[2]].ToString());
        for (var i = 3; i < count; i++)
        {
            if (!int.TryParse(value[parts[i]], NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
            {
                return null;
            }

            builder.Formats.Add(pt);
        }

        return builder;
    }

    private static SdpAttribute ParseAttribute(ReadOnlySpan<char> value)
    {
        var colon = value.IndexOf(':');
        return colon < 0
            ? new SdpAttribute(value.ToString(), null)
            : new SdpAttribute(value[..colon].Trim().ToString(), value[(colon + 1)..].Trim().ToString());
    }

    /// <summary>Collects one m= section.</summary>
    private sealed class MediaBuilder(string mediaType, int port, string protocol)
    {
        public List<int> Formats { get; } = [];

        public List<SdpLine> OtherLines { get; } = [];

        public SdpConnection? Connection { get; set; }

        private SdpDirection Direction { get; set; }

        private SdpSetup Setup { get; set; }

        private string? ConnectionMode { get; set; }

        private int? DownloadSpeed { get; set; }

        private long? FileSize { get; set; }

        private int? StreamNumber { get; set; }

        private string StreamNumberName { get; set; } = "streamnumber";

        private List<SdpRtpMap> RtpMaps { get; } = [];

        private List<SdpAttribute> Attributes { get; } = [];

        public void Add(SdpAttribute attribute)
        {
            var name = attribute.Name;
            var value = attribute.Value;
            if (value is null && Direction == SdpDirection.None && TryDirection(name, out var direction))
            {
                Direction = direction;
            }
            else if (Is(name, "rtpmap") && TryRtpMap(value, out var map) && RtpMaps.TrueForAll(m => m.PayloadType != map.PayloadType))
            {
                RtpMaps.Add(map);
            }
            else if (Is(name, "setup") && Setup == SdpSetup.None && TrySetup(value, out var setup))
            {
                Setup = setup;
            }
            else if (Is(name, "connection") && ConnectionMode is null && !string.IsNullOrEmpty(value))
            {
                ConnectionMode = value;
            }
            else if (Is(name, "downloadspeed") && DownloadSpeed is null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var speed))
            {
                DownloadSpeed = speed;
            }
            else if (Is(name, "filesize") && FileSize is null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                FileSize = size;
            }
            else if ((Is(name, "streamnumber") || Is(name, "streamprofile") || Is(name, "stream") || Is(name, "streamMode")) && StreamNumber is null && TryStream(value, out var stream))
            {
                StreamNumber = stream;
                StreamNumberName = name;
            }
            else
            {
                Attributes.Add(attribute);
            }
        }

        public SdpMedia Build() => new()
        {
            MediaType = mediaType,
            Port = port,
            Protocol = protocol,
            Formats = Formats,
            Connection = Connection,
            Direction = Direction,
            RtpMaps = RtpMaps,
            Setup = Setup,
            ConnectionMode = ConnectionMode,
            DownloadSpeed = DownloadSpeed,
            FileSize = FileSize,
            StreamNumber = StreamNumber,
            StreamNumberName = StreamNumberName,
            Attributes = Attributes,
            OtherLines = OtherLines,
        };

        private static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

        private static bool TryDirection(string name, out SdpDirection direction)
        {
            direction = name.ToUpperInvariant() switch
            {
                "SENDRECV" => SdpDirection.SendRecv,
                "SENDONLY" => SdpDirection.SendOnly,
                "RECVONLY" => SdpDirection.RecvOnly,
                "INACTIVE" => SdpDirection.Inactive,
                _ => SdpDirection.None,
            };
            return direction != SdpDirection.None;
        }

        private static bool TrySetup(string? value, out SdpSetup setup)
        {
            setup = value?.ToUpperInvariant() switch
            {
                "ACTIVE" => SdpSetup.Active,
                "PASSIVE" => SdpSetup.Passive,
                "ACTPASS" => SdpSetup.ActPass,
                "HOLDCONN" => SdpSetup.HoldConn,
                _ => SdpSetup.None,
            };
            return setup != SdpSetup.None;
        }

        private static bool TryStream(string? value, out int stream)
        {
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out stream))
            {
                return true;
            }

            stream = value?.ToUpperInvariant() switch
            {
                "MAIN" => 0,
                "SUB" => 1,
                _ => -1,
            };
            return stream >= 0;
        }

        private static bool TryRtpMap(string? value, out SdpRtpMap map)
        {
            map = null!;
            var text = value.AsSpan().Trim();
            var space = text.IndexOf(' ');
            if (space <= 0 || !int.TryParse(text[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
            {
                return false;
            }

            var encoding = text[(space + 1)..].Trim();
            Span<Range> parts = stackalloc Range[4];
            var count = encoding.Split(parts, '/');
            if (count is < 2 or > 3 || encoding[parts[0]].IsEmpty
                || !int.TryParse(encoding[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var clock))
            {
                return false;
            }

            int? channels = null;
            if (count == 3)
            {
                if (!int.TryParse(encoding[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var ch))
                {
                    return false;
                }

                channels = ch;
            }

            map = new SdpRtpMap(pt, encoding[parts[0]].ToString(), clock, channels);
            return true;
        }
    }
}
