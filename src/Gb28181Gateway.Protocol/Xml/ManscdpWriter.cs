using System.Buffers;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Protocol.Xml;

/// <summary>
/// Writes MANSCDP XML as bytes in one charset: ASCII markup, one element per line (CRLF, no indentation:
/// bytes matter on UDP), text escaped and encoded in the charset, characters the charset cannot hold as
/// character references. Values that are null are not written at all.
/// </summary>
internal sealed class ManscdpWriter
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create("&<>\"\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");
    private readonly IBufferWriter<byte> _output;
    private readonly Encoding _encoding;

    public ManscdpWriter(IBufferWriter<byte> output, GbCharset charset)
    {
        _output = output;
        Charset = charset;
        _encoding = GbEncodings.ForXml(charset);
    }

    public GbCharset Charset { get; }

    public void Declaration()
    {
        Ascii("<?xml version=\"1.0\" encoding=\""u8);
        Ascii(Encoding.ASCII.GetBytes(GbEncodings.DeclarationName(Charset)));
        Ascii("\"?>\r\n"u8);
    }

    public void Start(ReadOnlySpan<byte> name)
    {
        Ascii("<"u8);
        Ascii(name);
        Ascii(">\r\n"u8);
    }

    /// <summary>A start tag with one integer attribute, e.g. <c>&lt;DeviceList Num="2"&gt;</c>.</summary>
    public void Start(ReadOnlySpan<byte> name, ReadOnlySpan<byte> attribute, int value)
    {
        Ascii("<"u8);
        Ascii(name);
        Ascii(" "u8);
        Ascii(attribute);
        Ascii("=\""u8);
        Number(value);
        Ascii("\">\r\n"u8);
    }

    public void End(ReadOnlySpan<byte> name)
    {
        Ascii("</"u8);
        Ascii(name);
        Ascii(">\r\n"u8);
    }

    public void Element(ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            return;
        }

        Open(name);
        Text(value, attribute: false);
        Close(name);
    }

    public void Element(ReadOnlySpan<byte> name, long? value)
    {
        if (value is null)
        {
            return;
        }

        Open(name);
        Number(value.Value);
        Close(name);
    }

    public void Element(ReadOnlySpan<byte> name, int? value) => Element(name, (long?)value);

    public void Element(ReadOnlySpan<byte> name, double? value)
    {
        if (value is null)
        {
            return;
        }

        Element(name, value.Value.ToString("R", CultureInfo.InvariantCulture));
    }

    public void Element(ReadOnlySpan<byte> name, DateTime? value)
    {
        if (value is null)
        {
            return;
        }

        Element(name, GbTime.FormatXmlTime(value.Value));
    }

    /// <summary>Writes a generic element and its subtree.</summary>
    public void Element(ManscdpElement? element)
    {
        if (element is null)
        {
            return;
        }

        Ascii("<"u8);
        Name(element.Name);
        foreach (var attribute in element.Attributes)
        {
            Ascii(" "u8);
            Name(attribute.Name);
            Ascii("=\""u8);
            Text(attribute.Value, attribute: true);
            Ascii("\""u8);
        }

        if (element.Children.Count == 0)
        {
            Ascii(">"u8);
            Text(element.Text ?? string.Empty, attribute: false);
            Ascii("</"u8);
            Name(element.Name);
            Ascii(">\r\n"u8);
            return;
        }

        Ascii(">\r\n"u8);
        if (!string.IsNullOrEmpty(element.Text))
        {
            Text(element.Text, attribute: false);
            Ascii("\r\n"u8);
        }

        foreach (var child in element.Children)
        {
            Element(child);
        }

        Ascii("</"u8);
        Name(element.Name);
        Ascii(">\r\n"u8);
    }

    public void Elements(IReadOnlyList<ManscdpElement> elements)
    {
        foreach (var element in elements)
        {
            Element(element);
        }
    }

    public void Ascii(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    private void Open(ReadOnlySpan<byte> name)
    {
        Ascii("<"u8);
        Ascii(name);
        Ascii(">"u8);
    }

    private void Close(ReadOnlySpan<byte> name)
    {
        Ascii("</"u8);
        Ascii(name);
        Ascii(">\r\n"u8);
    }

    private void Number(long value)
    {
        var span = _output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        _output.Advance(written);
    }

    private void Name(string name) => Encode(name);

    private void Text(string value, bool attribute)
    {
        var text = value.AsSpan();
        if (text.IndexOfAny(NeedsEscape) < 0)
        {
            Encode(text);
            return;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '"' when attribute:
                    builder.Append("&quot;");
                    break;
                case < ' ' when c is not ('\t' or '\r' or '\n'):
                    break; // not representable in XML 1.0
                default:
                    builder.Append(c);
                    break;
            }
        }

        Encode(builder.ToString());
    }

    private void Encode(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(_encoding.GetMaxByteCount(text.Length));
        var written = _encoding.GetBytes(text, span);
        _output.Advance(written);
    }
}
