using System.Buffers;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Protocol.Internal;

namespace Gb28181Gateway.Protocol.Mansrtsp;

/// <summary>The playback-control methods GB28181 carries in INFO.</summary>
public enum MansrtspMethod
{
    Play = 0,
    Pause,
    Teardown,
}

/// <summary>A header line the model has no field for (RTP-Info, Session ...).</summary>
public sealed record MansrtspHeader(string Name, string Value);

/// <summary>
/// A MANSRTSP request: the body of an INFO (<c>Content-Type: Application/MANSRTSP</c>) inside a playback
/// dialog. <c>PLAY RTSP/1.0</c> with Scale and/or Range, <c>PAUSE</c> with <c>PauseTime: now</c>, or
/// <c>TEARDOWN</c>. Its CSeq is independent of SIP's. Written with CRLF and no trailing blank line.
/// </summary>
public sealed record MansrtspRequest
{
    public const string ContentType = "Application/MANSRTSP";

    public required MansrtspMethod Method { get; init; }

    public required int CSeq { get; init; }

    /// <summary>Playback speed (1 normal, 2 double, 0.5 half; negative plays backward).</summary>
    public double? Scale { get; init; }

    public NptRange? Range { get; init; }

    /// <summary><c>PauseTime</c> as sent (<c>now</c> normally; some devices send 0).</summary>
    public string? PauseTime { get; init; }

    public IReadOnlyList<MansrtspHeader> OtherHeaders { get; init => field = ValueList<MansrtspHeader>.From(value); } = ValueList<MansrtspHeader>.Empty;

    /// <summary>Resume after a pause: <c>PLAY</c> with <c>Range: npt=now-</c>.</summary>
    public static MansrtspRequest Resume(int cseq) => new() { Method = MansrtspMethod.Play, CSeq = cseq, Range = NptRange.Now };

    /// <summary>Seek: <c>PLAY</c> with <c>Range: npt=&lt;seconds&gt;-</c> (seconds from the start of the recording).</summary>
    public static MansrtspRequest Seek(int cseq, double seconds) =>
        new() { Method = MansrtspMethod.Play, CSeq = cseq, Range = new NptRange(seconds >= 0 ? seconds : throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "a position is not negative")) };

    /// <summary>Change speed: <c>PLAY</c> with <c>Scale</c>.</summary>
    public static MansrtspRequest ChangeScale(int cseq, double scale) =>
        new() { Method = MansrtspMethod.Play, CSeq = cseq, Scale = scale != 0 && double.IsFinite(scale) ? scale : throw new ArgumentOutOfRangeException(nameof(scale), scale, "a scale is finite and not 0") };

    /// <summary><c>PAUSE</c> with <c>PauseTime: now</c>.</summary>
    public static MansrtspRequest Pause(int cseq) => new() { Method = MansrtspMethod.Pause, CSeq = cseq, PauseTime = "now" };

    public static MansrtspRequest Teardown(int cseq) => new() { Method = MansrtspMethod.Teardown, CSeq = cseq };

    /// <summary>Reads an INFO body; throws <see cref="MansrtspFormatException"/> saying what is wrong.</summary>
    public static MansrtspRequest Parse(ReadOnlySpan<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static MansrtspRequest Parse(in ReadOnlySequence<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static MansrtspRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new MansrtspLines(text);
        var first = lines.First();
        var space = first.IndexOf(' ');
        var methodText = space < 0 ? first : first[..space];
        var version = space < 0 ? ReadOnlySpan<char>.Empty : first[(space + 1)..].Trim();
        if (!version.StartsWith("RTSP/", StringComparison.OrdinalIgnoreCase))
        {
            throw new MansrtspFormatException($"MANSRTSP request line '{first}' is not '<method> RTSP/1.0'");
        }

        var method = methodText.ToString().ToUpperInvariant() switch
        {
            "PLAY" => MansrtspMethod.Play,
            "PAUSE" => MansrtspMethod.Pause,
            "TEARDOWN" => MansrtspMethod.Teardown,
            _ => throw new MansrtspFormatException($"MANSRTSP method '{methodText}' is not PLAY, PAUSE or TEARDOWN"),
        };

        int? cseq = null;
        double? scale = null;
        NptRange? range = null;
        string? pauseTime = null;
        var other = new List<MansrtspHeader>();
        while (lines.NextHeader(out var name, out var value))
        {
            if (name.Equals("CSeq", StringComparison.OrdinalIgnoreCase) && cseq is null)
            {
                cseq = MansrtspLines.CSeq(value);
            }
            else if (name.Equals("Scale", StringComparison.OrdinalIgnoreCase) && scale is null
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s))
            {
                scale = s;
            }
            else if (name.Equals("Range", StringComparison.OrdinalIgnoreCase) && range is null && NptRange.TryParse(value, out var r))
            {
                range = r;
            }
            else if (name.Equals("PauseTime", StringComparison.OrdinalIgnoreCase) && pauseTime is null)
            {
                pauseTime = value.ToString();
            }
            else
            {
                other.Add(new MansrtspHeader(name.ToString(), value.ToString()));
            }
        }

        return new MansrtspRequest
        {
            Method = method,
            CSeq = cseq ?? throw new MansrtspFormatException($"MANSRTSP {method.ToString().ToUpperInvariant()} has no CSeq header"),
            Scale = scale,
            Range = range,
            PauseTime = pauseTime,
            OtherHeaders = other,
        };
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    public override string ToString()
    {
        var b = new StringBuilder(64);
        b.Append(Method.ToString().ToUpperInvariant()).Append(" RTSP/1.0\r\n");
        b.Append("CSeq: ").Append(CSeq.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (Scale is { } scale)
        {
            b.Append("Scale: ").Append(scale.ToString("0.0##########", CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (Range is { } range)
        {
            b.Append("Range: ").Append(range.ToString()).Append("\r\n");
        }

        if (PauseTime is not null)
        {
            b.Append("PauseTime: ").Append(PauseTime).Append("\r\n");
        }

        foreach (var header in OtherHeaders)
        {
            b.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }

        return b.ToString();
    }
}

/// <summary>The RTSP-style answer carried in the INFO's 200 OK: <c>RTSP/1.0 200 OK</c>, CSeq, RTP-Info ...</summary>
public sealed record MansrtspResponse
{
    public int StatusCode { get; init; } = 200;

    public string ReasonPhrase { get; init; } = "OK";

    public required int CSeq { get; init; }

    public IReadOnlyList<MansrtspHeader> OtherHeaders { get; init => field = ValueList<MansrtspHeader>.From(value); } = ValueList<MansrtspHeader>.Empty;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>A 200 OK for the request with <paramref name="cseq"/>.</summary>
    public static MansrtspResponse Ok(int cseq) => new() { CSeq = cseq };

    public static MansrtspResponse Parse(ReadOnlySpan<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static MansrtspResponse Parse(in ReadOnlySequence<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <summary>Reads the answer; throws <see cref="MansrtspFormatException"/> saying what is wrong.</summary>
    public static MansrtspResponse Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new MansrtspLines(text);
        var first = lines.First();
        Span<Range> parts = stackalloc Range[3];
        var count = first.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count < 2 || !first[parts[0]].StartsWith("RTSP/", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(first[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 999)
        {
            throw new MansrtspFormatException($"MANSRTSP status line '{first}' is not 'RTSP/1.0 <code> <reason>'");
        }

        var reason = count == 3 ? first[parts[2]].Trim().ToString() : string.Empty;
        int? cseq = null;
        var other = new List<MansrtspHeader>();
        while (lines.NextHeader(out var name, out var value))
        {
            if (name.Equals("CSeq", StringComparison.OrdinalIgnoreCase) && cseq is null)
            {
                cseq = MansrtspLines.CSeq(value);
            }
            else
            {
                other.Add(new MansrtspHeader(name.ToString(), value.ToString()));
            }
        }

        return new MansrtspResponse
        {
            StatusCode = status,
            ReasonPhrase = reason,
            CSeq = cseq ?? throw new MansrtspFormatException("MANSRTSP response has no CSeq header"),
            OtherHeaders = other,
        };
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    public override string ToString()
    {
        var b = new StringBuilder(64);
        b.Append("RTSP/1.0 ").Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase).Append("\r\n");
        b.Append("CSeq: ").Append(CSeq.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var header in OtherHeaders)
        {
            b.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }

        return b.ToString();
    }
}

/// <summary>Walks the lines of a MANSRTSP body (CRLF or LF, blank lines skipped).</summary>
internal ref struct MansrtspLines
{
    private MemoryExtensions.SpanSplitEnumerator<char> _lines;

    public MansrtspLines(string text)
    {
        _lines = text.AsSpan().Split('\n');
    }

    public static int CSeq(ReadOnlySpan<char> value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var cseq)
            ? cseq
            : throw new MansrtspFormatException($"MANSRTSP CSeq '{value}' is not a non-negative integer");

    public ReadOnlySpan<char> First()
    {
        while (_lines.MoveNext())
        {
            var line = _lines.Source[_lines.Current].Trim();
            if (!line.IsEmpty)
            {
                return line;
            }
        }

        throw new MansrtspFormatException("MANSRTSP body is empty");
    }

    public bool NextHeader(out ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        while (_lines.MoveNext())
        {
            var line = _lines.Source[_lines.Current].Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new MansrtspFormatException($"MANSRTSP header line '{line}' is not 'Name: value'");
            }

            name = line[..colon].Trim();
            value = line[(colon + 1)..].Trim();
            return true;
        }

        name = value = default;
        return false;
    }
}
