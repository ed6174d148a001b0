using System.Buffers;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Parsing;

public enum SipFrameStatus
{
    /// <summary>The buffer does not hold a whole message yet; read more and scan again.</summary>
    NeedMoreData,

    /// <summary>A whole message: skip <c>Skipped</c> bytes, then the message is the next <c>Length</c> bytes.</summary>
    Complete,

    /// <summary>The stream cannot be framed (oversized headers or body, bad Content-Length): close the connection.</summary>
    Invalid,
}

/// <summary>The result of scanning a stream buffer with <see cref="SipFrameScanner"/>.</summary>
public readonly record struct SipFrame(SipFrameStatus Status, long Skipped, int Length, string? Error = null);

/// <summary>
/// Frames SIP messages on a stream transport (RFC 3261 §18.3): the headers end at the first empty line,
/// the body is Content-Length bytes (assumed 0 when a sloppy device leaves it out). CRLF keep-alives
/// between messages (RFC 5626 §4.4.1) are skipped. Answers "need more data" or "complete" without
/// consuming anything, so it can be called again on a longer buffer.
/// </summary>
public static class SipFrameScanner
{
    public static SipFrame Scan(ReadOnlySequence<byte> buffer, int maxMessageSize = SipMessageParser.MaxMessageSize)
    {
        if (buffer.IsSingleSegment)
        {
            return Scan(buffer.FirstSpan, maxMessageSize);
        }

        // Multi-segment: skip keep-alives, then find the end of the headers with a SequenceReader and copy
        // only the header block (small) to scan it for Content-Length.
        var reader = new SequenceReader<byte>(buffer);
        var skipped = reader.AdvancePastAny((byte)'\r', (byte)'\n');
        if (reader.End)
        {
            return new SipFrame(SipFrameStatus.NeedMoreData, skipped, 0);
        }

        var start = reader.Position;
        var rest = buffer.Slice(start);
        var limit = Math.Min(rest.Length, maxMessageSize);
        var headerLength = FindHeaderEnd(rest.Slice(0, limit), out var separatorLength);
        if (headerLength < 0)
        {
            return rest.Length >= maxMessageSize
                ? new SipFrame(SipFrameStatus.Invalid, skipped, 0, $"no end of headers within {maxMessageSize} bytes")
                : new SipFrame(SipFrameStatus.NeedMoreData, skipped, 0);
        }

        var headerBlockLength = (int)headerLength;
        var rented = ArrayPool<byte>.Shared.Rent(headerBlockLength);
        try
        {
            rest.Slice(0, headerBlockLength).CopyTo(rented);
            return Complete(rented.AsSpan(0, headerBlockLength), headerBlockLength + separatorLength, rest.Length, skipped, maxMessageSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static SipFrame Scan(ReadOnlySpan<byte> buffer, int maxMessageSize = SipMessageParser.MaxMessageSize)
    {
        var skipped = buffer.IndexOfAnyExcept((byte)'\r', (byte)'\n');
        if (skipped < 0)
        {
            return new SipFrame(SipFrameStatus.NeedMoreData, buffer.Length, 0);
        }

        var rest = buffer[skipped..];
        var window = rest.Length > maxMessageSize ? rest[..maxMessageSize] : rest;
        var headerLength = FindHeaderEnd(window, out var separatorLength);
        if (headerLength < 0)
        {
            return rest.Length >= maxMessageSize
                ? new SipFrame(SipFrameStatus.Invalid, skipped, 0, $"no end of headers within {maxMessageSize} bytes")
                : new SipFrame(SipFrameStatus.NeedMoreData, skipped, 0);
        }

        return Complete(rest[..headerLength], headerLength + separatorLength, rest.Length, skipped, maxMessageSize);
    }

    private static SipFrame Complete(ReadOnlySpan<byte> headerBlock, int headerTotal, long available, long skipped, int maxMessageSize)
    {
        if (!TryFindContentLength(headerBlock, out var contentLength, out var error))
        {
            return new SipFrame(SipFrameStatus.Invalid, skipped, 0, error);
        }

        var total = (long)headerTotal + contentLength;
        if (total > maxMessageSize)
        {
            return new SipFrame(SipFrameStatus.Invalid, skipped, 0, $"message of {total} bytes exceeds the {maxMessageSize}-byte limit");
        }

        return available >= total
            ? new SipFrame(SipFrameStatus.Complete, skipped, (int)total)
            : new SipFrame(SipFrameStatus.NeedMoreData, skipped, 0);
    }

    /// <summary>Length of the header block (start line and headers, including the last header's line end) before the empty line.</summary>
    private static int FindHeaderEnd(ReadOnlySpan<byte> span, out int separatorLength)
    {
        separatorLength = 0;
        var pos = 0;
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
                separatorLength = 1;
                return next;
            }

            if (next + 1 < span.Length && span[next] == (byte)'\r' && span[next + 1] == (byte)'\n')
            {
                separatorLength = 2;
                return next;
            }

            if (next + 1 >= span.Length)
            {
                return -1;
            }

            pos = next;
        }
    }

    private static long FindHeaderEnd(ReadOnlySequence<byte> sequence, out int separatorLength)
    {
        separatorLength = 0;
        var reader = new SequenceReader<byte>(sequence);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (reader.IsNext((byte)'\n'))
            {
                separatorLength = 1;
                return reader.Consumed;
            }

            if (reader.IsNext("\r\n"u8))
            {
                separatorLength = 2;
                return reader.Consumed;
            }
        }

        return -1;
    }

    /// <summary>
    /// Reads Content-Length (long or compact name, any case, LWS around the colon and the value, folded onto a
    /// continuation line, leading zeros) from a header block. Absent means 0. Negative, non-numeric, too large
    /// or conflicting values are errors: the stream cannot be framed.
    /// </summary>
    private static bool TryFindContentLength(ReadOnlySpan<byte> headers, out int length, out string? error)
    {
        length = 0;
        error = null;
        var found = false;
        var pos = headers.IndexOf((byte)'\n') + 1; // skip the start line
        while (pos > 0 && pos < headers.Length)
        {
            // One header: its first line and any continuation lines (starting with SP or HTAB).
            var end = NextLine(headers, pos);
            while (end < headers.Length && SipSyntax.IsWhitespace(headers[end]))
            {
                end = NextLine(headers, end);
            }

            var header = headers[pos..end];
            pos = end;
            var colon = header.IndexOf((byte)':');
            if (colon <= 0 || SipSyntax.IsWhitespace(header[0])
                || SipHeaderNames.Classify(SipSyntax.Trim(header[..colon])) != SipHeaderKind.ContentLength)
            {
                continue;
            }

            var value = SipSyntax.TrimLws(header[(colon + 1)..]);
            if (!SipSyntax.IsDigits(value))
            {
                error = $"malformed Content-Length '{SipSyntax.Printable(value)}'";
                return false;
            }

            if (!SipSyntax.TryParseInt32(value, out var parsed))
            {
                error = $"Content-Length {SipSyntax.Printable(value)} is too large";
                return false;
            }

            if (found && parsed != length)
            {
                error = "conflicting Content-Length headers";
                return false;
            }

            found = true;
            length = parsed;
        }

        return true;
    }

    private static int NextLine(ReadOnlySpan<byte> text, int from)
    {
        var nl = text[from..].IndexOf((byte)'\n');
        return nl < 0 ? text.Length : from + nl + 1;
    }
}
