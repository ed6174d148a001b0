using System.Buffers;
using System.Text;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>Byte-level helpers for the RFC 3261 grammar (§25.1). All work on spans; none allocates.</summary>
internal static class SipSyntax
{
    /// <summary>token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )</summary>
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t"u8);

    /// <summary>Space, tab, CR, LF: what may appear inside a (folded) header value between elements.</summary>
    public static readonly SearchValues<byte> LwsBytes = SearchValues.Create(" \t\r\n"u8);

    public static bool IsToken(ReadOnlySpan<byte> value) => value.Length > 0 && !value.ContainsAnyExcept(TokenChars);

    public static bool IsTokenChar(byte c) => TokenChars.Contains(c);

    public static bool IsWhitespace(byte c) => c is (byte)' ' or (byte)'\t';

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value)
    {
        var start = value.IndexOfAnyExcept(Whitespace);
        if (start < 0)
        {
            return [];
        }

        var end = value.LastIndexOfAnyExcept(Whitespace);
        return value[start..(end + 1)];
    }

    /// <summary>Trims spaces, tabs and line breaks (folded header values contain CRLF followed by whitespace).</summary>
    public static ReadOnlySpan<byte> TrimLws(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && IsLws(value[start]))
        {
            start++;
        }

        var end = value.Length;
        while (end > start && IsLws(value[end - 1]))
        {
            end--;
        }

        return value[start..end];
    }

    public static bool IsLws(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>Case-insensitive ASCII equality.</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Ascii.EqualsIgnoreCase(a, b);

    /// <summary>
    /// Index of <paramref name="target"/> at nesting level zero: outside quoted strings (with backslash escapes)
    /// and outside angle brackets. -1 when absent or when a quote is left open.
    /// </summary>
    public static int IndexOfUnquoted(ReadOnlySpan<byte> value, byte target)
    {
        var inAngle = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == (byte)'"')
            {
                i = ClosingQuote(value, i);
                if (i < 0)
                {
                    return -1;
                }
            }
            else if (c == (byte)'<')
            {
                inAngle = true;
            }
            else if (c == (byte)'>')
            {
                inAngle = false;
            }
            else if (c == target && !inAngle)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether every quoted string and angle bracket in <paramref name="value"/> is closed.</summary>
    public static bool IsBalanced(ReadOnlySpan<byte> value)
    {
        var angle = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == (byte)'"')
            {
                i = ClosingQuote(value, i);
                if (i < 0)
                {
                    return false;
                }
            }
            else if (c == (byte)'<')
            {
                angle++;
            }
            else if (c == (byte)'>')
            {
                angle--;
                if (angle < 0)
                {
                    return false;
                }
            }
        }

        return angle == 0;
    }

    /// <summary>
    /// Index of the '"' that closes the quoted-string opened at <paramref name="open"/>, skipping backslash
    /// escapes (§25.1 quoted-pair); -1 when the quote is left open.
    /// </summary>
    public static int ClosingQuote(ReadOnlySpan<byte> value, int open)
    {
        for (var i = open + 1; i < value.Length; i++)
        {
            if (value[i] == (byte)'\\')
            {
                i++;
            }
            else if (value[i] == (byte)'"')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="value"/> is one or more ASCII digits.</summary>
    public static bool IsDigits(ReadOnlySpan<byte> value) => value.Length > 0 && !value.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>
    /// Parses a non-negative decimal integer that fills the whole span (surrounding LWS allowed, any number of
    /// leading zeros, as devices send <c>0068</c>); false when it is not all digits or does not fit.
    /// </summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> value, out uint result)
    {
        result = 0;
        value = TrimLws(value);
        if (value.IsEmpty)
        {
            return false;
        }

        ulong n = 0;
        foreach (var c in value)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            n = (n * 10) + digit;
            if (n > uint.MaxValue)
            {
                return false;
            }
        }

        result = (uint)n;
        return true;
    }

    /// <summary>As <see cref="TryParseUInt32"/>, limited to [0, int.MaxValue].</summary>
    public static bool TryParseInt32(ReadOnlySpan<byte> value, out int result)
    {
        if (TryParseUInt32(value, out var u) && u <= int.MaxValue)
        {
            result = (int)u;
            return true;
        }

        result = 0;
        return false;
    }

    /// <summary>Up to 60 bytes of <paramref name="text"/> for an error message, control bytes shown as '?'.</summary>
    public static string Printable(ReadOnlySpan<byte> text)
    {
        var shown = text.Length > 60 ? text[..60] : text;
        Span<char> chars = stackalloc char[shown.Length];
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            chars[i] = c is >= 0x20 and < 0x7F ? (char)c : '?';
        }

        return text.Length > 60 ? string.Concat(chars, "...") : new string(chars);
    }

    /// <summary>Removes surrounding quotes and backslash escapes from a quoted-string; other values are returned as given.</summary>
    public static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var inner = value.AsSpan(1, value.Length - 2);
        if (!inner.Contains('\\'))
        {
            return inner.ToString();
        }

        var chars = new char[inner.Length];
        var n = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }

            chars[n++] = inner[i];
        }

        return new string(chars, 0, n);
    }

    /// <summary>Quotes a value as a quoted-string, escaping backslashes and quotes.</summary>
    public static string Quote(string value)
    {
        if (!value.AsSpan().ContainsAny('"', '\\'))
        {
            return string.Concat("\"", value, "\"");
        }

        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
