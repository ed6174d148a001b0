using System.Text;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>
/// The header block of a message: where it ends, and indexing its lines into <see cref="SipHeaders"/>
/// (names classified, values kept as slices of the input, folded lines marked for unfolding on demand).
/// </summary>
internal static class SipHeaderBlock
{
    /// <summary>
    /// Finds the empty line that ends the headers, searching from <paramref name="from"/> (the line after the
    /// start line). Returns where that empty line starts and sets where the body starts; -1 when there is none.
    /// CRLF and bare LF line ends are both accepted.
    /// </summary>
    public static int FindEnd(ReadOnlySpan<byte> span, int from, out int bodyStart)
    {
        bodyStart = -1;
        var pos = from;
        while (pos < span.Length)
        {
            // pos is at the start of a line: an empty line ends the headers.
            if (span[pos] == (byte)'\n')
            {
                bodyStart = pos + 1;
                return pos;
            }

            if (span[pos] == (byte)'\r' && pos + 1 < span.Length && span[pos + 1] == (byte)'\n')
            {
                bodyStart = pos + 2;
                return pos;
            }

            var nl = span[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                return -1;
            }

            pos += nl + 1;
        }

        return -1;
    }

    /// <summary>An upper bound of the header count (line count), to size the header table once.</summary>
    public static int CountLines(ReadOnlySpan<byte> block) => block.Count((byte)'\n') + 1;

    public static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>
    /// Indexes the header lines in [<paramref name="start"/>, <paramref name="end"/>) into <paramref name="headers"/>.
    /// Every well-formed line is kept even after an error, so a partial message stays answerable.
    /// Returns the first error, or null.
    /// </summary>
    public static string? Index(ReadOnlyMemory<byte> data, int start, int end, SipHeaders headers, out int? contentLength)
    {
        contentLength = null;
        var span = data.Span;
        var pos = start;
        string? error = null;
        var pending = default(Pending);

        while (pos < end)
        {
            var nl = span[pos..end].IndexOf((byte)'\n');
            var lineEnd = nl < 0 ? end : pos + nl;
            var line = TrimCr(span[pos..lineEnd]);
            var next = lineEnd + 1;

            if (line.Length > 0 && SipSyntax.IsWhitespace(line[0]))
            {
                // A folded continuation of the previous header's value (RFC 3261 §7.3.1).
                if (pending.Name is null)
                {
                    error ??= "folded line before the first header";
                }
                else if (!SipSyntax.Trim(line).IsEmpty)
                {
                    pending.ValueEnd = pos + line.Length;
                    pending.Folded = true;
                }

                pos = next;
                continue;
            }

            if (pending.Name is not null)
            {
                error ??= Commit(data, headers, pending, ref contentLength);
                pending = default;
            }

            if (line.IsEmpty)
            {
                pos = next;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            var name = colon <= 0 ? default : SipSyntax.Trim(line[..colon]);
            if (name.IsEmpty || !SipSyntax.IsToken(name))
            {
                error ??= $"malformed header line '{SipSyntax.Printable(line)}'";
                pos = next;
                continue;
            }

            var kind = SipHeaderNames.Classify(name);
            var valueOffset = colon + 1;
            while (valueOffset < line.Length && SipSyntax.IsWhitespace(line[valueOffset]))
            {
                valueOffset++;
            }

            pending = new Pending
            {
                Kind = kind,
                Name = kind == SipHeaderKind.Other ? Encoding.ASCII.GetString(name) : SipHeaderNames.GetName(kind),
                ValueStart = pos + valueOffset,
                ValueEnd = pos + line.Length,
            };
            pos = next;
        }

        if (pending.Name is not null)
        {
            error ??= Commit(data, headers, pending, ref contentLength);
        }

        return error;
    }

    private static string? Commit(ReadOnlyMemory<byte> data, SipHeaders headers, Pending header, ref int? contentLength)
    {
        // The value without the LWS around it: a value may start on a continuation line ("To:" CRLF SP "sip:...").
        var span = data.Span;
        var valueStart = header.ValueStart;
        var valueEnd = header.ValueEnd;
        while (valueEnd > valueStart && SipSyntax.IsLws(span[valueEnd - 1]))
        {
            valueEnd--;
        }

        while (valueStart < valueEnd && SipSyntax.IsLws(span[valueStart]))
        {
            valueStart++;
        }

        var raw = data[valueStart..valueEnd];
        var folded = header.Folded && raw.Span.Contains((byte)'\n');
        headers.AddRaw(header.Kind, header.Name!, raw, folded);
        if (header.Kind != SipHeaderKind.ContentLength)
        {
            return null;
        }

        var text = SipSyntax.TrimLws(folded ? SipHeaders.Unfold(raw.Span) : raw.Span);
        if (!SipSyntax.IsDigits(text))
        {
            return $"malformed Content-Length header '{SipSyntax.Printable(text)}'";
        }

        if (!SipSyntax.TryParseInt32(text, out var length))
        {
            return $"Content-Length {SipSyntax.Printable(text)} is too large";
        }

        if (contentLength is { } previous && previous != length)
        {
            return "conflicting Content-Length headers";
        }

        contentLength = length;
        return null;
    }

    private struct Pending
    {
        public SipHeaderKind Kind;
        public string? Name;
        public int ValueStart;
        public int ValueEnd;
        public bool Folded;
    }
}
