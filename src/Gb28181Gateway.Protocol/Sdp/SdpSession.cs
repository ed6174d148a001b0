using System.Buffers;
using System.Text;
using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Sdp;

/// <summary>
/// An SDP body in the GB28181 flavour: v, o, s, u, c, t, m sections, the <c>y=</c> SSRC and <c>f=</c> media
/// format lines (session-wide in GB even though they follow the m= lines), and every other line kept in order.
/// <see cref="Parse(ReadOnlySpan{byte})"/> reads CRLF or bare LF; <see cref="ToString"/> writes CRLF in RFC 4566
/// order, with y= and f= last as GB peers expect.
/// </summary>
public sealed record SdpSession
{
    public int Version { get; init; }

    public required SdpOrigin Origin { get; init; }

    /// <summary><c>s=</c>: Play, Playback, Download or Talk in requests (see <see cref="Kind"/>).</summary>
    public required string SessionName { get; init; }

    /// <summary><c>u=</c>: <c>&lt;channel id&gt;:&lt;type&gt;</c> for playback and download.</summary>
    public string? MediaSource { get; init; }

    public SdpConnection? Connection { get; init; }

    /// <summary><c>t=</c> start, seconds since 1970 (Unix time, as GB peers use it); 0 for live.</summary>
    public ulong StartTime { get; init; }

    /// <summary><c>t=</c> stop, seconds since 1970; 0 for live.</summary>
    public ulong StopTime { get; init; }

    public IReadOnlyList<SdpMedia> Media { get; init => field = ValueList<SdpMedia>.From(value); } = ValueList<SdpMedia>.Empty;

    /// <summary><c>y=</c>: the SSRC as sent (10 digits normally); see <see cref="TryGetSsrc"/>.</summary>
    public string? Ssrc { get; init; }

    /// <summary><c>f=</c>: the media format description (e.g. <c>v/2/4/25/1/4096a/1/8/1</c>), as sent; "" when the line is empty.</summary>
    public string? Format { get; init; }

    /// <summary>Session-level <c>a=</c> lines.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init => field = ValueList<SdpAttribute>.From(value); } = ValueList<SdpAttribute>.Empty;

    /// <summary>Session-level lines of other types (i=, e=, p=, b=, z=, k=, r=, unknown letters).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init => field = ValueList<SdpLine>.From(value); } = ValueList<SdpLine>.Empty;

    public SdpSessionKind Kind => SessionName.Trim() switch
    {
        var s when s.Equals("Play", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Play,
        var s when s.Equals("Playback", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Playback,
        var s when s.Equals("Download", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Download,
        var s when s.Equals("Talk", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Talk,
        _ => SdpSessionKind.Unknown,
    };

    /// <summary>The channel ID of <c>u=</c> (before the ':'), or null.</summary>
    public string? MediaSourceId
    {
        get
        {
            if (string.IsNullOrEmpty(MediaSource))
            {
                return null;
            }

            var colon = MediaSource.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? MediaSource : MediaSource[..colon];
        }
    }

    /// <summary>The y= value as an SSRC, when it is one.</summary>
    public bool TryGetSsrc(out Protocol.Ssrc ssrc) => Protocol.Ssrc.TryParse(Ssrc, out ssrc);

    /// <summary>The connection address of <paramref name="media"/> (its own c=, else the session's).</summary>
    public string? AddressOf(SdpMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return (media.Connection ?? Connection)?.Address;
    }

    /// <summary>The first m= section of <paramref name="mediaType"/> (video, audio), or null.</summary>
    public SdpMedia? FindMedia(string mediaType) =>
        Media.FirstOrDefault(m => string.Equals(m.MediaType, mediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads an SDP body (UTF-8; GB18030 when the bytes are not UTF-8). Throws <see cref="SdpFormatException"/>.</summary>
    public static SdpSession Parse(ReadOnlySpan<byte> body)
    {
        var text = System.Text.Unicode.Utf8.IsValid(body) ? Encoding.UTF8.GetString(body) : GbEncodings.Gb18030.GetString(body);
        return SdpParser.Parse(text);
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static SdpSession Parse(in ReadOnlySequence<byte> body) =>
        body.IsSingleSegment ? Parse(body.FirstSpan) : Parse(body.Length <= 1024 * 1024 ? body.ToArray() : throw new SdpFormatException($"the SDP body is {body.Length} bytes; SDP bodies are at most a few kilobytes"));

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static SdpSession Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SdpParser.Parse(text);
    }

    /// <summary>The body as UTF-8 bytes.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    /// <summary>The body, CRLF line ends.</summary>
    public override string ToString() => SdpWriter.Write(this);
}
