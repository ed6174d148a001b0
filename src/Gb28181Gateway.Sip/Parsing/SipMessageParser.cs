using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>
/// Parses one complete SIP message (a UDP datagram, or a frame found by <see cref="SipFrameScanner"/>)
/// without copying it: headers are indexed over the input and turned into strings only when asked for.
/// Tolerant of what devices send (any header-name case, compact forms, spaces around the colon,
/// LF-only line ends, folded lines, leading blank lines, numbers with leading zeros); strict where
/// RFC 3261 is (start line, mandatory headers, CSeq method, Content-Length, addresses the stack uses).
/// </summary>
/// <remarks>
/// A failed parse still carries as much of the message as could be read (<see cref="SipParseResult.Message"/>),
/// so that a request with a usable Via, From, To, Call-ID and CSeq can be answered with
/// <see cref="SipParseResult.ErrorStatusCode"/> (400, or 505 for another SIP version).
/// What RFC 4475 leaves to the implementation is decided in <see cref="SipMessageValidator"/>.
/// </remarks>
public static class SipMessageParser
{
    /// <summary>The largest message accepted (a UDP datagram's limit; RFC 3261 §18.1.1 notes devices exceed the MTU).</summary>
    public const int MaxMessageSize = 65535;

    /// <summary>
    /// Parses <paramref name="data"/>, which must hold one message. Bytes past Content-Length are not part of it
    /// (RFC 3261 §18.3: a datagram's extra octets are discarded); without Content-Length the body is the rest.
    /// </summary>
    public static SipParseResult Parse(ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxMessageSize)
        {
            return SipParseResult.Fail($"message of {data.Length} bytes exceeds the {MaxMessageSize}-byte limit", statusCode: SipStatus.MessageTooLarge);
        }

        var span = data.Span;
        var offset = span.IndexOfAnyExcept((byte)'\r', (byte)'\n');
        if (offset < 0)
        {
            return SipParseResult.Fail("empty message");
        }

        var lineLength = span[offset..].IndexOf((byte)'\n');
        if (lineLength < 0)
        {
            return SipParseResult.Fail("no line end after the start line");
        }

        var startLine = SipHeaderBlock.TrimCr(span.Slice(offset, lineLength));
        var headerStart = offset + lineLength + 1;
        var headerEnd = SipHeaderBlock.FindEnd(span, headerStart, out var bodyStart);
        string? framingError = null;
        if (headerEnd < 0)
        {
            // Index what is there so the caller can still answer a request that lost its final empty line.
            framingError = "no empty line after the headers";
            headerEnd = bodyStart = span.Length;
        }

        var headers = new SipHeaders(SipHeaderBlock.CountLines(span[headerStart..headerEnd]));
        var headerError = SipHeaderBlock.Index(data, headerStart, headerEnd, headers, out var contentLength);

        SipMessage message;
        string? startLineError;
        var startLineStatus = SipStatus.BadRequest;
        if (startLine.StartsWith("SIP/"u8))
        {
            startLineError = TryParseStatusLine(startLine, out var code, out var reasonStart, out var reasonLength);
            if (startLineError is not null)
            {
                return SipParseResult.Fail(startLineError);
            }

            message = new SipResponse(code, data.Slice(offset + reasonStart, reasonLength), headers);
        }
        else
        {
            startLineError = TryParseRequestLine(startLine, out var method, out var uriStart, out var uriLength, out startLineStatus);
            if (method is null)
            {
                return SipParseResult.Fail(startLineError ?? "malformed request line");
            }

            message = new SipRequest(method, data.Slice(offset + uriStart, uriLength), headers);
        }

        var error = startLineError ?? framingError ?? headerError;
        if (error is not null)
        {
            return SipParseResult.Fail(error, message, startLineError is not null ? startLineStatus : SipStatus.BadRequest);
        }

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

        var validation = SipMessageValidator.Validate(message);
        return validation is null ? SipParseResult.Ok(message) : SipParseResult.Fail(validation, message);
    }

    /// <summary>Parses the CSeq value <c>1*DIGIT LWS Method</c> (leading zeros allowed, below 2^31).</summary>
    internal static bool TryParseCSeq(ReadOnlySpan<byte> text, out SipCSeq cseq)
    {
        cseq = default;
        text = SipSyntax.TrimLws(text);
        var ws = text.IndexOfAny(SipSyntax.LwsBytes);
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

    /// <summary>Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (the reason may be empty).</summary>
    private static string? TryParseStatusLine(ReadOnlySpan<byte> line, out int code, out int reasonStart, out int reasonLength)
    {
        code = 0;
        reasonStart = reasonLength = 0;
        if (!line.StartsWith("SIP/2.0 "u8))
        {
            return "unsupported SIP version in status line";
        }

        var rest = line[8..];
        if (rest.Length < 3 || !SipSyntax.IsDigits(rest[..3]) || (rest.Length > 3 && rest[3] != (byte)' '))
        {
            return "malformed status code";
        }

        code = ((rest[0] - '0') * 100) + ((rest[1] - '0') * 10) + (rest[2] - '0');
        if (code is < 100 or > 699)
        {
            return $"status code {code} is outside 100-699";
        }

        if (rest.Length > 4)
        {
            reasonStart = 12;
            reasonLength = rest.Length - 4;
        }

        return null;
    }

    /// <summary>
    /// Request-Line = Method SP Request-URI SP SIP-Version, one space each (RFC 3261 §7.1, RFC 4475 §3.1.2.9/10).
    /// Returns the error, with <paramref name="method"/> set whenever the method itself could be read.
    /// </summary>
    private static string? TryParseRequestLine(ReadOnlySpan<byte> line, out string? method, out int uriStart, out int uriLength, out int status)
    {
        method = null;
        uriStart = uriLength = 0;
        status = SipStatus.BadRequest;

        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return "malformed request line";
        }

        if (!SipSyntax.IsToken(line[..sp1]))
        {
            return "malformed method in request line";
        }

        method = SipMethod.FromUtf8(line[..sp1]);
        if (SipSyntax.IsWhitespace(line[^1]))
        {
            return "whitespace after the SIP version in the request line";
        }

        var sp2 = line.LastIndexOf((byte)' ');
        if (sp2 == sp1)
        {
            return "malformed request line";
        }

        uriStart = sp1 + 1;
        uriLength = sp2 - uriStart;
        var uri = line.Slice(uriStart, uriLength);
        if (uri.IsEmpty || SipSyntax.IsWhitespace(uri[0]) || SipSyntax.IsWhitespace(uri[^1]))
        {
            return "more than one space between request-line elements";
        }

        var version = line[(sp2 + 1)..];
        if (!version.SequenceEqual("SIP/2.0"u8))
        {
            if (version.StartsWith("SIP/"u8))
            {
                status = SipStatus.VersionNotSupported;
                return $"SIP version {SipSyntax.Printable(version)} not supported";
            }

            return "malformed SIP version in request line";
        }

        if (uri.ContainsAny(SipSyntax.LwsBytes))
        {
            return "whitespace in the Request-URI";
        }

        if (!SipUri.IsValid(uri))
        {
            return "malformed Request-URI";
        }

        return SipUri.HasHeaders(uri) ? "the Request-URI carries URI headers (RFC 3261 §19.1.5)" : null;
    }
}
