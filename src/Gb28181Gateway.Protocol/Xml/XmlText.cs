using System.Buffers;
using System.Text;

namespace Gb28181Gateway.Protocol.Xml;

/// <summary>
/// Turns the raw bytes of element content or an attribute value into a string: decodes in the body's
/// charset, resolves the five predefined entities and numeric character references, unwraps CDATA, drops
/// comments, and trims XML whitespace. An '&amp;' that does not begin one of those references is kept as a
/// literal character (Hikvision writes names like "A&amp;B" unescaped); no other entity can exist because
/// DTDs are refused, so nothing is ever expanded.
/// </summary>
internal static class XmlText
{
    private static readonly string[] Common = ["0", "1", "2", "OK", "ON", "OFF", "ONLINE", "OFFLINE", "ERROR", "Keepalive", "Catalog"];

    public static string Decode(ReadOnlySpan<byte> content, Encoding encoding)
    {
        content = content.Trim(" \t\r\n"u8);
        if (content.IsEmpty)
        {
            return string.Empty;
        }

        if (content.IndexOfAny((byte)'&', (byte)'<') < 0)
        {
            if (content.Length <= 9)
            {
                foreach (var common in Common)
                {
                    if (content.Length == common.Length && Ascii.Equals(content, common))
                    {
                        return common;
                    }
                }
            }

            // Every body charset here (GB2312, GB18030, UTF-8) is ASCII-compatible; IDs, times and numbers are ASCII and
            // the code-page decoder's path allocates helpers per call (~9 KB per device coming online).
            return Ascii.IsValid(content) ? Encoding.ASCII.GetString(content) : encoding.GetString(content);
        }

        return DecodeSlow(content, encoding);
    }

    /// <summary>Decodes an element or attribute name (ASCII in practice; decoded in the body's charset otherwise).</summary>
    public static string DecodeName(ReadOnlySpan<byte> name, Encoding encoding) =>
        Ascii.IsValid(name) ? Encoding.ASCII.GetString(name) : encoding.GetString(name);

    private static string DecodeSlow(ReadOnlySpan<byte> content, Encoding encoding)
    {
        var buffer = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(content.Length));
        try
        {
            var written = 0;
            var runStart = 0;
            var i = 0;
            while (i < content.Length)
            {
                var b = content[i];
                if (b == (byte)'&' && TryEntity(content[i..], out var codePoint, out var consumed))
                {
                    written += encoding.GetChars(content[runStart..i], buffer.AsSpan(written));
                    written += new Rune(codePoint).EncodeToUtf16(buffer.AsSpan(written));
                    i += consumed;
                    runStart = i;
                }
                else if (b == (byte)'<' && content[i..].StartsWith("<![CDATA["u8))
                {
                    written += encoding.GetChars(content[runStart..i], buffer.AsSpan(written));
                    var body = content[(i + 9)..];
                    var end = body.IndexOf("]]>"u8);
                    end = end < 0 ? body.Length : end;
                    written += encoding.GetChars(body[..end], buffer.AsSpan(written));
                    i += 9 + Math.Min(end + 3, body.Length);
                    runStart = i;
                }
                else if (b == (byte)'<' && content[i..].StartsWith("<!--"u8))
                {
                    written += encoding.GetChars(content[runStart..i], buffer.AsSpan(written));
                    var end = content[(i + 4)..].IndexOf("-->"u8);
                    i = end < 0 ? content.Length : i + 4 + end + 3;
                    runStart = i;
                }
                else
                {
                    i++;
                }
            }

            written += encoding.GetChars(content[runStart..], buffer.AsSpan(written));
            return new string(buffer.AsSpan(0, written).Trim(" \t\r\n"));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Recognises &amp;lt; &amp;gt; &amp;amp; &amp;quot; &amp;apos; &amp;#n; &amp;#xh; at the start of <paramref name="s"/>.</summary>
    private static bool TryEntity(ReadOnlySpan<byte> s, out int codePoint, out int consumed)
    {
        codePoint = 0;
        consumed = 0;
        var semicolon = s[..Math.Min(s.Length, 12)].IndexOf((byte)';');
        if (semicolon < 2)
        {
            return false;
        }

        var name = s[1..semicolon];
        consumed = semicolon + 1;
        if (name.SequenceEqual("lt"u8))
        {
            codePoint = '<';
        }
        else if (name.SequenceEqual("gt"u8))
        {
            codePoint = '>';
        }
        else if (name.SequenceEqual("amp"u8))
        {
            codePoint = '&';
        }
        else if (name.SequenceEqual("quot"u8))
        {
            codePoint = '"';
        }
        else if (name.SequenceEqual("apos"u8))
        {
            codePoint = '\'';
        }
        else if (name[0] == (byte)'#' && name.Length > 1)
        {
            var hex = name[1] is (byte)'x' or (byte)'X';
            var digits = hex ? name[2..] : name[1..];
            if (digits.IsEmpty)
            {
                return false;
            }

            foreach (var d in digits)
            {
                int value;
                if (d is >= (byte)'0' and <= (byte)'9')
                {
                    value = d - '0';
                }
                else if (hex && (d | 0x20) is >= (byte)'a' and <= (byte)'f')
                {
                    value = (d | 0x20) - 'a' + 10;
                }
                else
                {
                    return false;
                }

                codePoint = (codePoint * (hex ? 16 : 10)) + value;
                if (codePoint > 0x10FFFF)
                {
                    return false;
                }
            }

            return codePoint != 0 && Rune.IsValid(codePoint);
        }
        else
        {
            return false;
        }

        return true;
    }
}

/// <summary>Walks the raw attribute region of a start tag: <c>name="value"</c>, <c>name='value'</c>, tolerating <c>name=value</c>.</summary>
internal ref struct XmlAttributeReader
{
    private static readonly SearchValues<byte> NotInName = SearchValues.Create(" \t\r\n\"'"u8);

    private ReadOnlySpan<byte> _rest;

    public XmlAttributeReader(ReadOnlySpan<byte> region)
    {
        _rest = region;
    }

    /// <summary>The next attribute; false at the end or at the first thing that is not an attribute.</summary>
    public bool Next(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        _rest = _rest.TrimStart(" \t\r\n"u8);
        var eq = _rest.IndexOf((byte)'=');
        if (eq <= 0)
        {
            return false;
        }

        name = _rest[..eq].TrimEnd(" \t\r\n"u8);
        if (name.IsEmpty || name.IndexOfAny(NotInName) >= 0)
        {
            return false;
        }

        var after = _rest[(eq + 1)..].TrimStart(" \t\r\n"u8);
        if (after.IsEmpty)
        {
            return false;
        }

        if (after[0] is (byte)'"' or (byte)'\'')
        {
            var close = after[1..].IndexOf(after[0]);
            if (close < 0)
            {
                return false;
            }

            value = after.Slice(1, close);
            _rest = after[(close + 2)..];
            return true;
        }

        var end = after.IndexOfAny(" \t\r\n"u8);
        end = end < 0 ? after.Length : end;
        value = after[..end];
        _rest = after[end..];
        return true;
    }
}
