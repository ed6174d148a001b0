using System.Globalization;

namespace Gb28181Gateway.Protocol;

/// <summary>
/// GB28181 time formats. The SIP <c>Date</c> header of a REGISTER 200 OK is <c>yyyy-MM-ddTHH:mm:ss.SSS</c>
/// (local time, no zone: devices set their clocks from it); MANSCDP times are <c>yyyy-MM-ddTHH:mm:ss</c>.
/// Parsing is tolerant: with or without fractional seconds (1-7 digits), a space instead of 'T', a trailing
/// 'Z', surrounding whitespace. A value without zone has <see cref="DateTimeKind.Unspecified"/>; with 'Z' it
/// has <see cref="DateTimeKind.Utc"/> (the clock value is not shifted; the caller decides what 'Z' meant).
/// No clock is read here: callers pass the time in.
/// </summary>
public static class GbTime
{
    /// <summary>Formats the GB <c>Date</c> header value: <c>yyyy-MM-ddTHH:mm:ss.fff</c>.</summary>
    public static string FormatDateHeader(DateTime localTime) =>
        localTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff", CultureInfo.InvariantCulture);

    /// <summary>Formats a MANSCDP time: <c>yyyy-MM-ddTHH:mm:ss</c> (fractions dropped).</summary>
    public static string FormatXmlTime(DateTime time) =>
        time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);

    /// <summary>Parses either GB form tolerantly (see the class remarks).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTime value)
    {
        value = default;
        var s = text.Trim();
        var kind = DateTimeKind.Unspecified;
        if (s.Length > 0 && s[^1] is 'Z' or 'z')
        {
            kind = DateTimeKind.Utc;
            s = s[..^1];
        }

        // yyyy-MM-dd?HH:mm:ss = 19 characters at least
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or 't' or ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)
            || !Digits(s.Slice(11, 2), out var hour) || !Digits(s.Slice(14, 2), out var minute) || !Digits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        long ticks = 0;
        var rest = s[19..];
        if (!rest.IsEmpty)
        {
            if (rest[0] is not ('.' or ',') || rest.Length is < 2 or > 8 || !Digits(rest[1..], out var fraction))
            {
                return false;
            }

            ticks = fraction;
            for (var i = rest.Length - 1; i < 7; i++)
            {
                ticks *= 10;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second, kind).AddTicks(ticks);
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>; throws a <see cref="FormatException"/> that quotes the value.</summary>
    public static DateTime Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a GB28181 time (expected yyyy-MM-ddTHH:mm:ss[.SSS])");

    /// <summary>
    /// Parses a SIP <c>Date</c> header: the GB form, or the RFC 1123 form some servers send
    /// (<c>Mon, 08 Jan 2024 05:39:52 GMT</c>, returned as UTC).
    /// </summary>
    public static bool TryParseDateHeader(ReadOnlySpan<char> text, out DateTime value)
    {
        if (TryParse(text, out value))
        {
            return true;
        }

        if (DateTime.TryParseExact(text.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value))
        {
            value = DateTime.SpecifyKind(value, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    private static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return !s.IsEmpty;
    }
}
