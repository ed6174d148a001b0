using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Xml;

internal enum XmlTokenKind : byte
{
    None,
    StartElement,
    EndElement,
    Text,
    CData,
    EndOfInput,
}

/// <summary>
/// A forward-only XML tokenizer over bytes, just enough for MANSCDP: elements, attributes (kept as a raw
/// range), text, CDATA; comments and processing instructions are skipped. Markup characters are ASCII and
/// never occur inside GB18030 or UTF-8 multi-byte sequences, so the tokenizer needs no decoding.
/// Deliberately refuses every <c>&lt;!DOCTYPE</c> / <c>&lt;!ENTITY</c>: no DTD is ever read, so entity
/// expansion (billion laughs) and external entities (XXE) cannot happen. Tolerates a '&lt;' that cannot
/// start markup (followed by a space, digit, '=' ...) as literal text, the way devices write it.
/// </summary>
internal ref struct XmlTokenizer
{
    private readonly ReadOnlySpan<byte> _source;
    private int _position;

    public XmlTokenizer(ReadOnlySpan<byte> source)
    {
        _source = source;
        _position = source.Length - GbText.SkipBom(source).Length;
    }

    public XmlTokenKind Kind { get; private set; }

    /// <summary>Byte offset where the current token starts (its '&lt;' for markup).</summary>
    public int TokenStart { get; private set; }

    /// <summary>Byte offset just after the current token.</summary>
    public readonly int Position => _position;

    public int NameStart { get; private set; }

    public int NameLength { get; private set; }

    /// <summary>Raw attribute region of a start tag (between the name and the closing '&gt;' or '/&gt;').</summary>
    public int AttributesStart { get; private set; }

    public int AttributesLength { get; private set; }

    public bool IsSelfClosing { get; private set; }

    /// <summary>Range of a Text token, or of a CDATA section's content.</summary>
    public int ValueStart { get; private set; }

    public int ValueLength { get; private set; }

    public readonly ReadOnlySpan<byte> Name => _source.Slice(NameStart, NameLength);

    public readonly ReadOnlySpan<byte> Value => _source.Slice(ValueStart, ValueLength);

    public bool Read()
    {
        while (true)
        {
            TokenStart = _position;
            if (_position >= _source.Length)
            {
                Kind = XmlTokenKind.EndOfInput;
                return false;
            }

            var rest = _source[_position..];
            if (!StartsMarkup(rest))
            {
                ScanText();
                return true;
            }

            switch (rest[1])
            {
                case (byte)'?':
                    _position = SkipPast(rest, 2, "?>"u8, "processing instruction");
                    continue;
                case (byte)'!':
                    if (rest.StartsWith("<!--"u8))
                    {
                        _position = SkipPast(rest, 4, "-->"u8, "comment");
                        continue;
                    }

                    if (rest.StartsWith("<![CDATA["u8))
                    {
                        var end = rest[9..].IndexOf("]]>"u8);
                        if (end < 0)
                        {
                            throw Errors.Format($"CDATA section at byte {_position} is not closed (missing ']]>')");
                        }

                        Kind = XmlTokenKind.CData;
                        ValueStart = _position + 9;
                        ValueLength = end;
                        _position = ValueStart + end + 3;
                        return true;
                    }

                    throw Errors.Format(
                        $"document type declarations are not allowed (found '{Errors.Excerpt(rest, 12)}' at byte {_position}); " +
                        "MANSCDP bodies never carry a DTD, and entity definitions are refused rather than expanded");
                case (byte)'/':
                    ScanEndTag(rest);
                    return true;
                default:
                    ScanStartTag(rest);
                    return true;
            }
        }
    }

    /// <summary>True when '&lt;' at the start of <paramref name="s"/> begins markup rather than being a stray character.</summary>
    internal static bool StartsMarkup(ReadOnlySpan<byte> s) =>
        s.Length >= 2 && s[0] == (byte)'<' && (s[1] is (byte)'/' or (byte)'!' or (byte)'?' || IsNameStart(s[1]));

    private static bool IsNameStart(byte b) => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (byte)'_' or (byte)':' or >= 0x80;

    private static bool IsNameEnd(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/' or (byte)'>';

    private void ScanText()
    {
        var start = _position;
        var at = start;
        while (true)
        {
            var next = _source[at..].IndexOf((byte)'<');
            if (next < 0)
            {
                at = _source.Length;
                break;
            }

            at += next;
            if (StartsMarkup(_source[at..]))
            {
                break;
            }

            at++;
        }

        Kind = XmlTokenKind.Text;
        ValueStart = start;
        ValueLength = at - start;
        _position = at;
    }

    private void ScanStartTag(ReadOnlySpan<byte> rest)
    {
        var nameEnd = 1;
        while (nameEnd < rest.Length && !IsNameEnd(rest[nameEnd]))
        {
            nameEnd++;
        }

        var quote = (byte)0;
        var i = nameEnd;
        for (; i < rest.Length; i++)
        {
            var b = rest[i];
            if (quote != 0)
            {
                if (b == quote)
                {
                    quote = 0;
                }
            }
            else if (b is (byte)'"' or (byte)'\'')
            {
                quote = b;
            }
            else if (b == (byte)'>')
            {
                break;
            }
        }

        if (i >= rest.Length)
        {
            throw Errors.Format($"start tag <{Errors.Excerpt(rest[1..nameEnd], 40)} at byte {_position} is not closed (missing '>')");
        }

        Kind = XmlTokenKind.StartElement;
        NameStart = _position + 1;
        NameLength = nameEnd - 1;
        IsSelfClosing = rest[i - 1] == (byte)'/' && i - 1 >= nameEnd;
        AttributesStart = _position + nameEnd;
        AttributesLength = (IsSelfClosing ? i - 1 : i) - nameEnd;
        _position += i + 1;
    }

    private void ScanEndTag(ReadOnlySpan<byte> rest)
    {
        var nameEnd = 2;
        while (nameEnd < rest.Length && !IsNameEnd(rest[nameEnd]))
        {
            nameEnd++;
        }

        var i = nameEnd;
        while (i < rest.Length && rest[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        if (i >= rest.Length || rest[i] != (byte)'>' || nameEnd == 2)
        {
            throw Errors.Format($"end tag '{Errors.Excerpt(rest, 40)}' at byte {_position} is malformed (expected '</name>')");
        }

        Kind = XmlTokenKind.EndElement;
        NameStart = _position + 2;
        NameLength = nameEnd - 2;
        _position += i + 1;
    }

    private readonly int SkipPast(ReadOnlySpan<byte> rest, int from, ReadOnlySpan<byte> terminator, string what)
    {
        var end = rest[from..].IndexOf(terminator);
        return end < 0
            ? throw Errors.Format($"{what} at byte {_position} is not closed (missing '{System.Text.Encoding.ASCII.GetString(terminator)}')")
            : _position + from + end + terminator.Length;
    }
}
