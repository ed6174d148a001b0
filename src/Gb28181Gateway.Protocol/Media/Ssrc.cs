using System.Globalization;

namespace Gb28181Gateway.Protocol;

/// <summary>What the first digit of a GB28181 SSRC says.</summary>
public enum SsrcKind
{
    /// <summary>First digit 0: a live stream.</summary>
    Live = 0,

    /// <summary>First digit 1: playback or download.</summary>
    History = 1,

    /// <summary>Any other first digit: not produced by a GB allocator (a device answering with its own).</summary>
    NonStandard = 2,
}

/// <summary>
/// A GB28181 SSRC: 10 decimal digits (the SDP <c>y=</c> line and the INVITE Subject). First digit 0 live /
/// 1 history; digits 2-6 are characters 4-8 of the domain ID; the last 4 a serial unique in that domain.
/// The RTP header carries the decimal value as a uint32.
/// </summary>
public readonly record struct Ssrc : ISpanFormattable
{
    public const int Digits = 10;

    /// <summary>Serials run 1-9999 (0 is never issued so that no SSRC reads as "0000000000").</summary>
    public const int MaxSerial = 9999;

    public Ssrc(uint value)
    {
        Value = value;
    }

    /// <summary>The RTP SSRC.</summary>
    public uint Value { get; }

    public SsrcKind Kind => (Value / 1_000_000_000) switch
    {
        0 => SsrcKind.Live,
        1 => SsrcKind.History,
        _ => SsrcKind.NonStandard,
    };

    /// <summary>Digits 2-6 as a number (the domain segment).</summary>
    public int DomainSegment => (int)(Value / 10_000 % 100_000);

    /// <summary>Digits 7-10.</summary>
    public int Serial => (int)(Value % 10_000);

    /// <summary>Builds the SSRC for (<paramref name="kind"/>, <paramref name="domainId"/>, <paramref name="serial"/>).</summary>
    public static Ssrc Create(SsrcKind kind, ReadOnlySpan<char> domainId, int serial)
    {
        if (kind is not (SsrcKind.Live or SsrcKind.History))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "an SSRC is built for a live or a history stream");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, MaxSerial);
        return new Ssrc((uint)((kind == SsrcKind.History ? 1_000_000_000L : 0) + (DomainSegmentOf(domainId) * 10_000L) + serial));
    }

    /// <summary>
    /// The 5-digit domain segment of an SSRC: characters 4-8 of the domain ID (<c>domain.Substring(3, 5)</c>).
    /// The domain is the 10-digit SIP domain (a 20-digit ID works too: its first 10 digits are the domain).
    /// </summary>
    public static int DomainSegmentOf(ReadOnlySpan<char> domainId)
    {
        domainId = domainId.Trim();
        if (domainId.Length < 8 || domainId[..8].ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException($"'{domainId}' is not a GB domain ID (at least 8 leading digits are needed for the SSRC)", nameof(domainId));
        }

        return int.Parse(domainId.Slice(3, 5), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Parses exactly 10 decimal digits whose value fits in 32 bits; throws a <see cref="FormatException"/> saying why not.</summary>
    public static Ssrc Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var ssrc, out var error) ? ssrc : throw new FormatException(error);

    public static bool TryParse(ReadOnlySpan<char> text, out Ssrc ssrc) => TryParse(text, out ssrc, out _);

    /// <summary>
    /// Parses a <c>y=</c> value. Exactly 10 digits, value at most 4294967295 (devices that answer with their own
    /// SSRC still fit; <see cref="Kind"/> then says NonStandard). On failure <paramref name="error"/> says why.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ssrc ssrc, out string? error)
    {
        ssrc = default;
        var s = text.Trim();
        if (s.Length != Digits)
        {
            error = $"SSRC '{s}' must be {Digits} decimal digits, not {s.Length} characters";
            return false;
        }

        if (s.ContainsAnyExceptInRange('0', '9'))
        {
            error = $"SSRC '{s}' contains a non-digit";
            return false;
        }

        var value = long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value > uint.MaxValue)
        {
            error = $"SSRC '{s}' is larger than 4294967295 and cannot be an RTP SSRC";
            return false;
        }

        ssrc = new Ssrc((uint)value);
        error = null;
        return true;
    }

    /// <summary>The 10 digits, zero-padded.</summary>
    public override string ToString() => Value.ToString("D10", CultureInfo.InvariantCulture);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        Value.TryFormat(destination, out charsWritten, "D10", CultureInfo.InvariantCulture);
}
