using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Protocol.Internal;

namespace Gb28181Gateway.Protocol.Sdp;

/// <summary>The GB28181 session kind, from <c>s=</c>.</summary>
public enum SdpSessionKind
{
    /// <summary><c>s=</c> is something else (answers often carry a device name there).</summary>
    Unknown = 0,
    Play,
    Playback,
    Download,
    Talk,
}

/// <summary>The media direction attribute.</summary>
public enum SdpDirection
{
    /// <summary>No direction attribute (RFC 4566 default: sendrecv).</summary>
    None = 0,
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>RFC 4145 <c>a=setup</c>: passive listens, active connects.</summary>
public enum SdpSetup
{
    None = 0,
    Active,
    Passive,
    ActPass,
    HoldConn,
}

/// <summary>How media flows for one side of a session: UDP, or TCP listening (passive) or connecting (active).</summary>
public enum SdpTransport
{
    Udp = 0,
    TcpPassive,
    TcpActive,
}

/// <summary><c>o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;address&gt;</c>.</summary>
public sealed record SdpOrigin(string Username, string SessionId, string SessionVersion, string NetworkType, string AddressType, string Address)
{
    /// <summary>The usual GB origin: <c>o=&lt;id&gt; 0 0 IN IP4 &lt;address&gt;</c>.</summary>
    public static SdpOrigin Create(string username, string address) => new(username, "0", "0", "IN", AddressTypeOf(address), address);

    internal static string AddressTypeOf(string address) => address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
}

/// <summary><c>c=&lt;nettype&gt; &lt;addrtype&gt; &lt;address&gt;</c>.</summary>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    public static SdpConnection Create(string address) => new("IN", SdpOrigin.AddressTypeOf(address), address);
}

/// <summary><c>a=rtpmap:&lt;payload type&gt; &lt;encoding&gt;/&lt;clock rate&gt;[/&lt;channels&gt;]</c>.</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
{
    public override string ToString() => Channels is { } channels
        ? FormattableString.Invariant($"{PayloadType} {EncodingName}/{ClockRate}/{channels}")
        : FormattableString.Invariant($"{PayloadType} {EncodingName}/{ClockRate}");
}

/// <summary>An <c>a=</c> line no field covers: <c>a=name</c> or <c>a=name:value</c>.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "An SDP attribute line, the SDP vocabulary; not a .NET attribute class.")]
public sealed record SdpAttribute(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}

/// <summary>A line of a type no field covers (i=, b=, k= ...), kept as <c>type</c> and value.</summary>
public sealed record SdpLine(char Type, string Value)
{
    public override string ToString() => Type + "=" + Value;
}

/// <summary>
/// One <c>m=</c> section with the GB28181 attributes as fields; other attributes and lines are kept in order.
/// </summary>
public sealed record SdpMedia
{
    /// <summary><c>video</c> or <c>audio</c>.</summary>
    public required string MediaType { get; init; }

    public required int Port { get; init; }

    /// <summary><c>RTP/AVP</c>, <c>TCP/RTP/AVP</c> (or the <c>RTP/AVP/TCP</c> spelling some devices use).</summary>
    public required string Protocol { get; init; }

    /// <summary>Payload types in preference order (the m= line).</summary>
    public IReadOnlyList<int> Formats { get; init => field = ValueList<int>.From(value); } = ValueList<int>.Empty;

    public SdpConnection? Connection { get; init; }

    public SdpDirection Direction { get; init; }

    public IReadOnlyList<SdpRtpMap> RtpMaps { get; init => field = ValueList<SdpRtpMap>.From(value); } = ValueList<SdpRtpMap>.Empty;

    public SdpSetup Setup { get; init; }

    /// <summary><c>a=connection:</c> <c>new</c> or <c>existing</c> (RFC 4145).</summary>
    public string? ConnectionMode { get; init; }

    /// <summary><c>a=downloadspeed:</c> download speed factor.</summary>
    public int? DownloadSpeed { get; init; }

    /// <summary><c>a=filesize:</c> bytes to download.</summary>
    public long? FileSize { get; init; }

    /// <summary>2022 <c>a=streamnumber:</c> (0 main, 1 sub ...); also read from streamprofile, stream and streamMode (MAIN/SUB).</summary>
    public int? StreamNumber { get; init; }

    /// <summary>The attribute name <see cref="StreamNumber"/> came from (written back under the same name).</summary>
    public string StreamNumberName { get; init; } = "streamnumber";

    public IReadOnlyList<SdpAttribute> Attributes { get; init => field = ValueList<SdpAttribute>.From(value); } = ValueList<SdpAttribute>.Empty;

    /// <summary>Non-attribute lines inside the section other than c= (i=, b=, k=).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init => field = ValueList<SdpLine>.From(value); } = ValueList<SdpLine>.Empty;

    public bool IsTcp => Protocol.Contains("TCP", StringComparison.OrdinalIgnoreCase);

    /// <summary>UDP, or TCP with the side this description's author takes (setup active/passive; TCP without setup reads as passive).</summary>
    public SdpTransport Transport => !IsTcp ? SdpTransport.Udp : Setup == SdpSetup.Active ? SdpTransport.TcpActive : SdpTransport.TcpPassive;

    /// <summary>
    /// The codecs of the m= line in order: each payload type with its rtpmap, or the RFC 3551 static
    /// assignment when it has none (0 PCMU, 8 PCMA, 9 G722, 18 G729 ...); unknown dynamic types are skipped.
    /// </summary>
    public IReadOnlyList<SdpRtpMap> Codecs
    {
        get
        {
            var codecs = new List<SdpRtpMap>(Formats.Count);
            foreach (var pt in Formats)
            {
                var map = RtpMaps.FirstOrDefault(m => m.PayloadType == pt) ?? SdpStaticPayloads.Find(pt);
                if (map is not null)
                {
                    codecs.Add(map);
                }
            }

            return codecs;
        }
    }

    /// <summary>The codec named <paramref name="encodingName"/> (case-insensitive) offered here, whatever its payload number.</summary>
    public SdpRtpMap? FindCodec(string encodingName) =>
        Codecs.FirstOrDefault(c => string.Equals(c.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The RFC 3551 static payload types GB peers use without an rtpmap.</summary>
internal static class SdpStaticPayloads
{
    public static SdpRtpMap? Find(int payloadType) => payloadType switch
    {
        0 => new SdpRtpMap(0, "PCMU", 8000, 1),
        4 => new SdpRtpMap(4, "G723", 8000, 1),
        8 => new SdpRtpMap(8, "PCMA", 8000, 1),
        9 => new SdpRtpMap(9, "G722", 8000, 1),
        18 => new SdpRtpMap(18, "G729", 8000, 1),
        26 => new SdpRtpMap(26, "JPEG", 90000),
        32 => new SdpRtpMap(32, "MPV", 90000),
        33 => new SdpRtpMap(33, "MP2T", 90000),
        34 => new SdpRtpMap(34, "H263", 90000),
        _ => null,
    };
}
