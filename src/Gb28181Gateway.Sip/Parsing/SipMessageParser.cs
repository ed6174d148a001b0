using System.Text;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>
/// Parses one complete SIP message (a UDP datagram, or a frame found by <see cref="SipFrameScanner"/>)
/// without copying it: headers are indexed over the input and turned into strings only when asked for.
/// Tolerant of what devices send (any header-name case, compact forms, spaces around the colon,
/// LF-only line ends, folded lines, leading blank lines); strict where RFC 3261 is (start line,
/// mandatory headers, CSeq method, Content-Length).
/// </summary>
public static class SipMessageParser
{
    /// <summary>The largest message accepted (a UDP datagram's limit; RFC 3261 §18.1.1 notes devices exceed the MTU).</summary>
    public const int MaxMessageSize = 65535;

    /// <summary>Parses <paramref name="data"/>, which must hold exactly one message (trailing bytes past Content-Length are ignored).</summary>
    public static SipParseResult Parse(ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxMessageSize)
        {
            return SipParseResult.Fail($"message of {data.Length} bytes exceeds the {MaxMessageSize}-byte limit", statusCode: SipStatus.MessageTooLarge);
        }

        var span = data.Span;
        var offset = 0;
        while (offset < span.Length && span[offset] is (byte)'\r' or (byte)'\n')
        {
            offset++;
        }

        if (offset == span.Length)
        {
            return SipParseResult.Fail("empty message");
        }

        var lineEnd = span[offset..].IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            return SipParseResult.Fail("no line end after the start line");
        }

        var startLine = TrimCr(span.Slice(offset, lineEnd));
        var headerStart = offset + lineEnd + 1;

        var headerEnd = FindHeaderEnd(span, headerStart, out var bodyStart);
        if (headerEnd < 0)
        {
            return SipParseResult.Fail("no empty line after the headers");
        }

        var headers = new SipHeaders(CountLines(span[headerStart..headerEnd]));
        var headerError = IndexHeaders(data, headerStart, headerEnd, headers, out var contentLength);

        SipMessage message;
        var isResponse = startLine.StartsWith("SIP/"u8);
        string? startLineError;
        int startLineStatus;
        if (isResponse)
        {
            startLineError = TryParseStatusLine(startLine, out var code, out var reason);
            if (startLineError is not null)
            {
                return SipParseResult.Fail(startLineError);
            }

            message = new SipResponse(code, reason ?? string.Empty, headers, default);
            startLineStatus = SipStatus.BadRequest;
        }
        else
        {
            startLineError = TryParseRequestLine(startLine, out var method, out var uriStart, out var uriLength, out startLineStatus);
            if (method is null)
            {
                return SipParseResult.Fail(startLineError ?? "malformed request line");
            }

            message = new SipRequest(method, data.Slice(offset + uriStart, uriLength), headers, default);
        }

        if (startLineError is not null)
        {
            return SipParseResult.Fail(startLineError, message, startLineStatus);
        }

        if (headerError is not null)
        {
            return SipParseResult.Fail(headerError, message);
        }

        // Body: Content-Length bytes when given (bytes beyond it are not part of this message), else the rest.
        var available = data.Length - bodyStart;
        if (contentLength is { } length)
        {
            if (length > available)
            {
                return SipParseResult.Fail($"Content-Length {length} exceeds the {available} body bytes received", message);
            }

            message.Body = data.Slice(bodyStart, length);
        }
        else
        {
            message.Body = data[bodyStart..];
        }

        var validation = Validate(message);
        return validation is null ? SipParseResult.Ok(message) : SipParseResult.Fail(validation, message);
    }

    /// <summary>Parses the CSeq value <c>1*DIGIT LWS Method</c>.</summary>
    internal static bool TryParseCSeq(ReadOnlySpan<byte> text, out SipCSeq cseq)
    {
        cseq = default;
        text = SipSyntax.TrimLws(text);
        var ws = text.IndexOfAny((byte)' ', (byte)'\t');
        if (ws <= 0)
        {
            return false;
        }

        var method = SipSyntax.TrimLws(text[ws..]);
        if (!SipSyntax.TryParseUInt32(text[..ws], out var number) || number > int.MaxValue || !SipSyntax.IsToken(method))
        {
            return false;
        }

        cseq = new SipCSeq(number, SipMethod.FromUtf8(method));
        return true;
    }

    /// <summary>
    /// Checks the headers the stack relies on, over the received bytes and without building typed values
    /// (those are made, and cached, when first asked for).
    /// </summary>
    private static string? Validate(SipMessage message)
    {
        var h = message.Headers;
        var via = h.IndexOf(SipHeaderKind.Via);
        if (via < 0)
        {
            return "missing Via header";
        }

        if (!SipVia.IsValid(h.FirstElement(via)))
        {
            return "malformed Via header";
        }

        var from = -1;
        var to = -1;
        var callId = -1;
        var error = CheckSingle(h, SipHeaderKind.From, out from) ?? CheckSingle(h, SipHeaderKind.To, out to)
            ?? CheckSingle(h, SipHeaderKind.CallId, out callId) ?? CheckSingle(h, SipHeaderKind.CSeq, out _);
        if (error is not null)
        {
            return error;
        }

        if (!SipNameAddress.IsValid(h.FirstElement(from)))
        {
            return "malformed From header";
        }

        if (!SipNameAddress.IsValid(h.FirstElement(to)))
        {
            return "malformed To header";
        }

        var callIdText = h.FirstElement(callId);
        if (callIdText.IsEmpty || callIdText.ContainsAny((byte)' ', (byte)'\t'))
        {
            return "malformed Call-ID header";
        }

        SipCSeq cseq;
        try
        {
            cseq = message.CSeq;
        }
        catch (SipMessageException ex)
        {
            return ex.Message;
        }

        if (message is SipRequest request)
        {
            if (!ReferenceEquals(cseq.Method, request.Method) && cseq.Method != request.Method)
            {
                return $"CSeq method {cseq.Method} does not match request method {request.Method}";
            }

            if (!IsNumber(h, SipHeaderKind.MaxForwards, 255))
            {
                return "malformed Max-Forwards header";
            }
        }

        return IsNumber(h, SipHeaderKind.Expires, int.MaxValue) ? null : "malformed Expires header";
    }

    private static string? CheckSingle(SipHeaders headers, SipHeaderKind kind, out int index)
    {
        index = headers.IndexOf(kind);
        if (index < 0)
        {
            return $"missing {SipHeaderNames.GetName(kind)} header";
        }

        return Count(headers, kind) > 1 ? $"more than one {SipHeaderNames.GetName(kind)} header" : null;
    }

    private static bool IsNumber(SipHeaders headers, SipHeaderKind kind, int max)
    {
        var i = headers.IndexOf(kind);
        return i < 0 || (SipSyntax.TryParseInt32(SipSyntax.TrimLws(headers.FirstElement(i)), out var n) && n <= max);
    }

    private static int Count(SipHeaders headers, SipHeaderKind kind)
    {
        var n = 0;
        for (var i = 0; i < headers.Count; i++)
        {
            if (headers.EntryAt(i).Kind == kind)
            {
                n++;
            }
        }

        return n;
    }

    private static string? TryParseStatusLine(ReadOnlySpan<byte> line, out int code, out string? reason)
    {
        code = 0;
        reason = null;

        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        if (!line.StartsWith("SIP/2.0 "u8))
        {
            return "unsupported SIP version in status line";
        }

        var rest = line[8..];
        if (rest.Length < 3 || !SipSyntax.TryParseInt32(rest[..3], out code) || code is < 100 or > 699)
        {
            return "malformed status code";
        }

        if (rest.Length > 3 && rest[3] != (byte)' ')
        {
            return "malformed status code";
        }

        var phrase = rest.Length > 4 ? rest[4..] : [];
        reason = phrase.IsEmpty ? string.Empty : Encoding.UTF8.GetString(phrase);
        return null;
    }

    private static string? TryParseRequestLine(ReadOnlySpan<byte> line, out string? method, out int uriStart, out int uriLength, out int status)
    {
        method = null;
        uriStart = 0;
        uriLength = 0;
        status = SipStatus.BadRequest;

        // Request-Line = Method SP Request-URI SP SIP-Version: exactly one space between the parts
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return "malformed request line";
        }

        var methodBytes = line[..sp1];
        if (!SipSyntax.IsToken(methodBytes))
        {
            return "malformed method in request line";
        }

        method = SipMethod.FromUtf8(methodBytes);
        var rest = line[(sp1 + 1)..];
        var sp2 = rest.LastIndexOf((byte)' ');
        if (sp2 <= 0)
        {
            return "malformed request line";
        }

        var uriBytes = rest[..sp2];
        var version = rest[(sp2 + 1)..];
        uriStart = sp1 + 1;
        uriLength = sp2;
        if (uriBytes.ContainsAny((byte)' ', (byte)'\t') || !SipUri.IsValid(uriBytes))
        {
            return "malformed Request-URI";
        }

        if (!version.StartsWith("SIP/"u8))
        {
            return "malformed SIP version in request line";
        }

        if (!version.SequenceEqual("SIP/2.0"u8))
        {
            status = SipStatus.VersionNotSupported;
            return "SIP version not supported";
        }

        return null;
    }

    /// <summary>Finds the empty line ending the headers; returns the index where it starts and sets where the body starts.</summary>
    private static int FindHeaderEnd(ReadOnlySpan<byte> span, int from, out int bodyStart)
    {
        bodyStart = -1;
        var pos = from;

        // Headers may be absent entirely: the empty line directly follows the start line.
        if (pos < span.Length && span[pos] == (byte)'\n')
        {
            bodyStart = pos + 1;
            return pos;
        }

        if (pos + 1 < span.Length && span[pos] == (byte)'\r' && span[pos + 1] == (byte)'\n')
        {
            bodyStart = pos + 2;
            return pos;
        }

        while (true)
        {
            var nl = span[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return -1;
            }

            var next = pos + nl + 1;
            if (next < span.Length && span[next] == (byte)'\n')
            {
                bodyStart = next + 1;
                return next;
            }

            if (next + 1 < span.Length && span[next] == (byte)'\r' && span[next + 1] == (byte)'\n')
            {
                bodyStart = next + 2;
                return next;
            }

            if (next >= span.Length)
            {
                return -1;
            }

            pos = next;
        }
    }

    private static int CountLines(ReadOnlySpan<byte> block) => block.Count((byte)'\n') + 1;

    /// <summary>Indexes header lines in [start, end) into <paramref name="headers"/>.</summary>
    private static string? IndexHeaders(ReadOnlyMemory<byte> data, int start, int end, SipHeaders headers, out int? contentLength)
    {
        contentLength = null;
        var span = data.Span;
        var pos = start;
        string? error = null;
        var lastValueStart = -1;
        var lastKind = SipHeaderKind.Other;
        string? lastName = null;
        var lastFolded = false;
        var lastValueEnd = -1;

        while (pos < end)
        {
            var nl = span[pos..end].IndexOf((byte)'\n');
            var lineEnd = nl < 0 ? end : pos + nl;
            var line = TrimCr(span[pos..lineEnd]);
            var next = lineEnd + 1;

            if (line.Length > 0 && SipSyntax.IsWhitespace(line[0]))
            {
                // folded continuation of the previous header's value
                if (lastName is null)
                {
                    error ??= "folded line before the first header";
                }
                else if (!SipSyntax.Trim(line).IsEmpty)
                {
                    lastValueEnd = pos + TrimCr(span[pos..lineEnd]).Length;
                    lastFolded = true;
                }

                pos = next;
                continue;
            }

            if (lastName is not null)
            {
                error ??= Commit(data, headers, lastKind, lastName, lastValueStart, lastValueEnd, lastFolded, ref contentLength);
                lastName = null;
            }

            if (line.IsEmpty)
            {
                pos = next;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var name = colon < 0 ? default : SipSyntax.Trim(line[..colon]);
            if (colon <= 0 || name.IsEmpty || !SipSyntax.IsToken(name))
            {
                error ??= $"malformed header line '{Printable(line)}'";
                pos = next;
                continue;
            }

            lastKind = SipHeaderNames.Classify(name);
            lastName = lastKind == SipHeaderKind.Other ? Encoding.ASCII.GetString(name) : SipHeaderNames.GetName(lastKind);
            var valueOffset = colon + 1;
            while (valueOffset < line.Length && SipSyntax.IsWhitespace(line[valueOffset]))
            {
                valueOffset++;
            }

            lastValueStart = pos + valueOffset;
            lastValueEnd = pos + line.Length;
            lastFolded = false;
            pos = next;
        }

        if (lastName is not null)
        {
            error ??= Commit(data, headers, lastKind, lastName, lastValueStart, lastValueEnd, lastFolded, ref contentLength);
        }

        return error;
    }

    private static string? Commit(ReadOnlyMemory<byte> data, SipHeaders headers, SipHeaderKind kind, string name, int valueStart, int valueEnd,
        bool folded, ref int? contentLength)
    {
        // trim trailing whitespace
        var span = data.Span;
        while (valueEnd > valueStart && SipSyntax.IsLws(span[valueEnd - 1]))
        {
            valueEnd--;
        }

        var raw = data[valueStart..Math.Max(valueStart, valueEnd)];
        headers.AddRaw(kind, name, raw, folded);
        if (kind == SipHeaderKind.ContentLength)
        {
            var text = folded ? SipHeaders.Unfold(raw.Span) : raw.Span;
            if (!SipSyntax.TryParseInt32(SipSyntax.TrimLws(text), out var length))
            {
                return "malformed Content-Length header";
            }

            if (contentLength is { } previous && previous != length)
            {
                return "conflicting Content-Length headers";
            }

            contentLength = length;
        }

        return null;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private static string Printable(ReadOnlySpan<byte> line)
    {
        var shown = line.Length > 60 ? line[..60] : line;
        return Encoding.UTF8.GetString(shown).Replace('\t', ' ');
    }
}
