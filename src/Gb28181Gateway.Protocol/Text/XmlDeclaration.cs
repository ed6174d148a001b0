namespace Gb28181Gateway.Protocol.Text;

/// <summary>Reads the <c>encoding</c> pseudo-attribute of an XML declaration without decoding the body.</summary>
internal static class XmlDeclaration
{
    /// <summary>The declared charset, or null when there is no declaration, no encoding, or one GB28181 does not use.</summary>
    public static GbCharset? ReadCharset(ReadOnlySpan<byte> xml)
    {
        var encoding = ReadEncodingName(xml);
        if (encoding.IsEmpty || encoding.Length > 32)
        {
            return null;
        }

        Span<char> name = stackalloc char[encoding.Length];
        for (var i = 0; i < encoding.Length; i++)
        {
            name[i] = (char)encoding[i];
        }

        return GbEncodings.TryParseCharset(name, out var charset) ? charset : null;
    }

    /// <summary>The raw bytes of the declared encoding name (empty when absent).</summary>
    public static ReadOnlySpan<byte> ReadEncodingName(ReadOnlySpan<byte> xml)
    {
        xml = GbText.SkipBom(xml);
        var start = 0;
        while (start < xml.Length && xml[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        xml = xml[start..];
        if (!xml.StartsWith("<?xml"u8))
        {
            return default;
        }

        var end = xml.IndexOf("?>"u8);
        if (end < 0)
        {
            return default;
        }

        var declaration = xml[5..end];
        var at = declaration.IndexOf("encoding"u8);
        if (at < 0)
        {
            return default;
        }

        var rest = declaration[(at + 8)..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)'=')
        {
            return default;
        }

        rest = rest[1..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] is not ((byte)'"' or (byte)'\''))
        {
            return default;
        }

        var quote = rest[0];
        rest = rest[1..];
        var close = rest.IndexOf(quote);
        return close < 0 ? default : rest[..close].Trim(" \t"u8);
    }
}
