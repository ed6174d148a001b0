using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>Byte-level helpers for the RFC 3261 grammar (§25.1). All work on spans; none allocates.</summary>
internal static class SipSyntax
{
    /// <summary>token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )</summary>
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t"u8);

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
        var inQuotes = false;
        var inAngle = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == (byte)'\\')
                {
                    i++;
                }
                else if (c == (byte)'"')
                {
                    inQuotes = false;
                }

                continue;
            }

            if (c == (byte)'"')
            {
                inQuotes = true;
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
        var inQuotes = false;
        var angle = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == (byte)'\\')
                {
                    i++;
                }
                else if (c == (byte)'"')
                {
                    inQuotes = false;
                }
            }
            else if (c == (byte)'"')
            {
                inQuotes = true;
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

        return !inQuotes && angle == 0;
    }

    /// <summary>Parses a non-negative decimal integer that must fill the whole span.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> value, out uint result)
    {
        result = 0;
        if (value.Length is 0 or > 10)
        {
            return false;
        }

        return Utf8Parser.TryParse(value, out result, out var consumed) && consumed == value.Length
            && value[0] is >= (byte)'0' and <= (byte)'9';
    }

    /// <summary>Parses a non-negative decimal integer in [0, int.MaxValue] that must fill the whole span.</summary>
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
