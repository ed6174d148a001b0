using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Gb28181Gateway.Protocol;

/// <summary>Why a string is not a 20-digit GB28181 ID.</summary>
public enum DeviceIdError
{
    None = 0,
    Empty,
    WrongLength,
    NotDigits,
}

/// <summary>
/// A 20-digit GB28181 ID: centre code (8: province 2, city 2, district 2, unit 2), industry (2), type (3),
/// serial (7; in 2022 the first serial digit is the network identifier). The first 10 digits are the SIP
/// domain (and digest realm). <c>default</c> is the empty ID. Compared ordinally.
/// </summary>
public readonly record struct DeviceId : IComparable<DeviceId>, ISpanFormattable
{
    public const int Length = 20;

    private readonly string? _value;

    private DeviceId(string value)
    {
        _value = value;
    }

    public bool IsEmpty => _value is null;

    /// <summary>The 20 digits ("" for the empty ID).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The SIP domain ID: digits 1-10 (centre code + industry).</summary>
    public string DomainId => Value.Length == Length ? Value[..10] : string.Empty;

    /// <summary>Digits 1-8: province, city, district, unit.</summary>
    public string CenterCode => Value.Length == Length ? Value[..8] : string.Empty;

    /// <summary>Digits 9-10.</summary>
    public int IndustryCode => Number(8, 2);

    /// <summary>Digits 11-13.</summary>
    public int TypeCode => Number(10, 3);

    /// <summary>The type code as an enum (any code is representable; undefined ones just have no name).</summary>
    public DeviceType Type => (DeviceType)TypeCode;

    /// <summary>2022: digit 14, the network identifier.</summary>
    public int NetworkId => Number(13, 1);

    /// <summary>Digits 14-20.</summary>
    public int Serial => Number(13, 7);

    /// <summary>True for video channels: camera (131) and IPC (132).</summary>
    public bool IsVideoChannel => Type is DeviceType.Camera or DeviceType.Ipc;

    /// <summary>Parses 20 digits (surrounding whitespace ignored); throws a <see cref="FormatException"/> naming the problem.</summary>
    public static DeviceId Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(Describe(text, error));

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static DeviceId Parse(ReadOnlySpan<byte> utf8) =>
        TryParse(utf8, out var id, out var error) ? id : throw new FormatException(Describe(System.Text.Encoding.UTF8.GetString(utf8), error));

    public static bool TryParse(ReadOnlySpan<char> text, out DeviceId id) => TryParse(text, out id, out _);

    public static bool TryParse([NotNullWhen(true)] string? text, out DeviceId id) => TryParse(text.AsSpan(), out id, out _);

    /// <summary>Parses 20 digits; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DeviceId id, out DeviceIdError error)
    {
        id = default;
        text = text.Trim();
        error = Validate(text);
        if (error != DeviceIdError.None)
        {
            return false;
        }

        id = new DeviceId(text.ToString());
        return true;
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out DeviceId, out DeviceIdError)"/>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DeviceId id, out DeviceIdError error)
    {
        id = default;
        utf8 = utf8.Trim(" \t\r\n"u8);
        if (utf8.Length != Length)
        {
            error = utf8.IsEmpty ? DeviceIdError.Empty : DeviceIdError.WrongLength;
            return false;
        }

        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = (char)utf8[i];
        }

        return TryParse(chars, out id, out error);
    }

    /// <summary>Checks 20 ASCII digits; <see cref="DeviceIdError.None"/> when valid.</summary>
    public static DeviceIdError Validate(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return DeviceIdError.Empty;
        }

        if (text.Length != Length)
        {
            return DeviceIdError.WrongLength;
        }

        return text.ContainsAnyExceptInRange('0', '9') ? DeviceIdError.NotDigits : DeviceIdError.None;
    }

    /// <summary>
    /// True for an administrative-region node of a catalog (CivilCode): 2, 4, 6 or 8 digits (province,
    /// city, district, grassroots unit).
    /// </summary>
    public static bool IsCivilCode(ReadOnlySpan<char> text) =>
        text.Length is 2 or 4 or 6 or 8 && !text.ContainsAnyExceptInRange('0', '9');

    /// <summary>
    /// Builds an ID in a numbering plan: a 10-digit domain (centre code + industry), a type code (100-999)
    /// and a serial (0-9,999,999).
    /// </summary>
    public static DeviceId Create(ReadOnlySpan<char> domainId, int typeCode, int serial)
    {
        if (domainId.Length != 10 || domainId.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException($"'{domainId}' is not a 10-digit domain ID", nameof(domainId));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(typeCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(typeCode, 999);
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, 9_999_999);
        return new DeviceId(string.Create(CultureInfo.InvariantCulture, $"{domainId}{typeCode:D3}{serial:D7}"));
    }

    /// <inheritdoc cref="Create(ReadOnlySpan{char}, int, int)"/>
    public static DeviceId Create(ReadOnlySpan<char> domainId, DeviceType type, int serial) => Create(domainId, (int)type, serial);

    public int CompareTo(DeviceId other) => string.CompareOrdinal(_value, other._value);

    public static bool operator <(DeviceId left, DeviceId right) => left.CompareTo(right) < 0;

    public static bool operator >(DeviceId left, DeviceId right) => left.CompareTo(right) > 0;

    public static bool operator <=(DeviceId left, DeviceId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(DeviceId left, DeviceId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value;

    public string ToString(string? format, IFormatProvider? formatProvider) => Value;

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        if (!Value.AsSpan().TryCopyTo(destination))
        {
            return false;
        }

        charsWritten = Value.Length;
        return true;
    }

    internal static string Describe(ReadOnlySpan<char> text, DeviceIdError error) => error switch
    {
        DeviceIdError.Empty => "a GB28181 ID is 20 digits; the value is empty",
        DeviceIdError.WrongLength => $"'{text.Trim()}' is {text.Trim().Length} characters; a GB28181 ID is 20 digits",
        _ => $"'{text.Trim()}' contains a non-digit; a GB28181 ID is 20 digits",
    };

    private int Number(int start, int length) =>
        Value.Length == Length ? int.Parse(Value.AsSpan(start, length), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
}

/// <summary>
/// A numbering plan for IDs the gateway issues itself (renumbering channels toward a platform): the
/// platform's 10-digit domain plus a type code, with serials 0-9,999,999.
/// </summary>
public sealed class DeviceNumberingPlan
{
    public DeviceNumberingPlan(string domainId, DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(domainId);
        _ = DeviceId.Create(domainId, type, 0); // validates both
        DomainId = domainId;
        Type = type;
    }

    public const int MaxSerial = 9_999_999;

    public string DomainId { get; }

    public DeviceType Type { get; }

    /// <summary>The ID with <paramref name="serial"/> in this plan.</summary>
    public DeviceId Create(int serial) => DeviceId.Create(DomainId, Type, serial);

    /// <summary>True when <paramref name="id"/> belongs to this plan (same domain and type).</summary>
    public bool Contains(DeviceId id) => !id.IsEmpty && id.DomainId == DomainId && id.Type == Type;
}
