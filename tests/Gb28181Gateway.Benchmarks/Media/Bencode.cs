using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>A decoded bencode value (BEP 3): byte string, integer, list or dictionary.</summary>
internal abstract class BencodeValue
{
}

internal sealed class BencodeInteger(long value) : BencodeValue
{
    public long Value { get; } = value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class BencodeBytes(ReadOnlyMemory<byte> value) : BencodeValue
{
    public ReadOnlyMemory<byte> Value { get; } = value;

    /// <summary>The bytes as UTF-8 text (made on request only).</summary>
    public override string ToString() => Encoding.UTF8.GetString(Value.Span);
}

internal sealed class BencodeList(IReadOnlyList<BencodeValue> items) : BencodeValue
{
    public IReadOnlyList<BencodeValue> Items { get; } = items;
}

internal sealed class BencodeDictionary(IReadOnlyDictionary<string, BencodeValue> items) : BencodeValue
{
    public IReadOnlyDictionary<string, BencodeValue> Items { get; } = items;

    public BencodeValue? this[string key] => Items.GetValueOrDefault(key);

    /// <summary>The byte string under <paramref name="key"/> as text, or null when absent or not a byte string.</summary>
    public string? GetText(string key) => this[key] is BencodeBytes b ? b.ToString() : null;

    /// <summary>The integer under <paramref name="key"/>, or null when absent or not an integer.</summary>
    public long? GetInteger(string key) => this[key] is BencodeInteger i ? i.Value : null;

    public BencodeDictionary? GetDictionary(string key) => this[key] as BencodeDictionary;
}

/// <summary>
/// Reads one complete bencode value (an rtpengine ng reply arrives whole in one datagram, so there is no
/// "need more" state: truncation is an error). Strict: no leading zeros, no "-0", dictionary keys are byte
/// strings, nesting at most <see cref="MaxDepth"/> deep, nothing after the value.
/// </summary>
internal static class BencodeReader
{
    public const int MaxDepth = 32;

    public static BencodeValue Parse(ReadOnlyMemory<byte> data)
    {
        var position = 0;
        var value = ReadValue(data, ref position, 0);
        if (position != data.Length)
        {
            ThrowFormat(position, $"{data.Length - position} byte(s) after the value");
        }

        return value;
    }

    private static BencodeValue ReadValue(ReadOnlyMemory<byte> data, ref int position, int depth)
    {
        var span = data.Span;
        if (position >= span.Length)
        {
            ThrowFormat(position, "truncated: a value was expected");
        }

        switch (span[position])
        {
            case (byte)'i':
                position++;
                var integer = ReadNumber(span, ref position, (byte)'e', allowNegative: true);
                return new BencodeInteger(integer);
            case (byte)'l':
                CheckDepth(position, depth);
                position++;
                var items = new List<BencodeValue>();
                while (Peek(span, position) != 'e')
                {
                    items.Add(ReadValue(data, ref position, depth + 1));
                }

                position++;
                return new BencodeList(items);
            case (byte)'d':
                CheckDepth(position, depth);
                position++;
                var entries = new Dictionary<string, BencodeValue>(StringComparer.Ordinal);
                while (Peek(span, position) != 'e')
                {
                    var keyAt = position;
                    if (span[position] is < (byte)'0' or > (byte)'9')
                    {
                        ThrowFormat(position, "a dictionary key must be a byte string");
                    }

                    var key = Encoding.UTF8.GetString(ReadBytes(data, ref position).Span);
                    if (!entries.TryAdd(key, ReadValue(data, ref position, depth + 1)))
                    {
                        ThrowFormat(keyAt, $"duplicate dictionary key '{key}'");
                    }
                }

                position++;
                return new BencodeDictionary(entries);
            case >= (byte)'0' and <= (byte)'9':
                return new BencodeBytes(ReadBytes(data, ref position));
            default:
                ThrowFormat(position, $"unexpected byte 0x{span[position]:X2} where a value begins");
                return null;
        }
    }

    private static ReadOnlyMemory<byte> ReadBytes(ReadOnlyMemory<byte> data, ref int position)
    {
        var length = ReadNumber(data.Span, ref position, (byte)':', allowNegative: false);
        if (length > data.Length - position)
        {
            ThrowFormat(position, $"truncated: a byte string of {length} bytes but {data.Length - position} left");
        }

        var bytes = data.Slice(position, (int)length);
        position += (int)length;
        return bytes;
    }

    /// <summary>Decimal digits up to <paramref name="terminator"/>, which is consumed.</summary>
    private static long ReadNumber(ReadOnlySpan<byte> span, ref int position, byte terminator, bool allowNegative)
    {
        var end = span[position..].IndexOf(terminator);
        if (end < 0)
        {
            ThrowFormat(position, $"truncated: '{(char)terminator}' expected after a number");
        }

        var digits = span.Slice(position, end);
        var negative = allowNegative && digits.Length > 0 && digits[0] == '-';
        var unsigned = negative ? digits[1..] : digits;
        if (unsigned.Length == 0 || unsigned.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            || (unsigned.Length > 1 && unsigned[0] == '0') || (negative && unsigned[0] == '0')
            || !Utf8Parser.TryParse(digits, out long value, out var consumed) || consumed != digits.Length)
        {
            ThrowFormat(position, $"invalid number '{Encoding.ASCII.GetString(digits)}'");
            return 0;
        }

        position += end + 1;
        return value;
    }

    private static char Peek(ReadOnlySpan<byte> span, int position)
    {
        if (position >= span.Length)
        {
            ThrowFormat(position, "truncated: 'e' expected to close a list or dictionary");
        }

        return (char)span[position];
    }

    private static void CheckDepth(int position, int depth)
    {
        if (depth >= MaxDepth)
        {
            ThrowFormat(position, $"nested deeper than {MaxDepth} levels");
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowFormat(int position, string problem) =>
        throw new FormatException($"bencode: {problem} (at byte {position})");
}

/// <summary>
/// Writes bencode into a buffer. Dictionary keys must be written in ascending byte order, as BEP 3
/// requires (an out-of-order or duplicate key throws), and a key must precede every dictionary value.
/// </summary>
internal sealed class BencodeWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Stack<Container> _open = new();

    public ReadOnlyMemory<byte> WrittenMemory => _open.Count == 0
        ? _buffer.WrittenMemory
        : throw new InvalidOperationException($"bencode: {_open.Count} list(s)/dictionary(ies) still open");

    public BencodeWriter StartDictionary()
    {
        BeforeValue();
        Raw("d"u8);
        _open.Push(new Container(isDictionary: true));
        return this;
    }

    public BencodeWriter StartList()
    {
        BeforeValue();
        Raw("l"u8);
        _open.Push(new Container(isDictionary: false));
        return this;
    }

    public BencodeWriter End()
    {
        if (!_open.TryPop(out var container))
        {
            throw new InvalidOperationException("bencode: End() without an open list or dictionary");
        }

        if (container.ExpectsValue)
        {
            throw new InvalidOperationException($"bencode: key '{container.LastKey}' has no value");
        }

        Raw("e"u8);
        return this;
    }

    public BencodeWriter Key(string key)
    {
        if (!_open.TryPeek(out var container) || !container.IsDictionary || container.ExpectsValue)
        {
            throw new InvalidOperationException($"bencode: key '{key}' written where a value belongs");
        }

        if (container.LastKey is { } last && string.CompareOrdinal(last, key) >= 0)
        {
            throw new InvalidOperationException($"bencode: key '{key}' after '{last}' (keys must be unique and sorted)");
        }

        container.LastKey = key;
        WriteBytes(key);
        container.ExpectsValue = true;
        return this;
    }

    public BencodeWriter String(string value)
    {
        BeforeValue();
        WriteBytes(value);
        return this;
    }

    public BencodeWriter Integer(long value)
    {
        BeforeValue();
        Raw("i"u8);
        Ascii(value);
        Raw("e"u8);
        return this;
    }

    /// <summary>Shorthand for <c>Key(key).String(value)</c>.</summary>
    public BencodeWriter Entry(string key, string value) => Key(key).String(value);

    private void BeforeValue()
    {
        if (_open.TryPeek(out var container))
        {
            if (container.IsDictionary && !container.ExpectsValue)
            {
                throw new InvalidOperationException("bencode: a dictionary value needs a key first");
            }

            container.ExpectsValue = false;
        }
        else if (_buffer.WrittenCount > 0)
        {
            throw new InvalidOperationException("bencode: only one top-level value");
        }
    }

    private void WriteBytes(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Ascii(length);
        Raw(":"u8);
        _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
    }

    private void Ascii(long value)
    {
        var span = _buffer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _buffer.Advance(written);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private sealed class Container(bool isDictionary)
    {
        public bool IsDictionary { get; } = isDictionary;

        public bool ExpectsValue { get; set; }

        public string? LastKey { get; set; }
    }
}
