using System.Text;
using System.Text.Unicode;

namespace Gb28181Gateway.Protocol.Text;

/// <summary>How an XML body was decoded: which charset it declared and which one its bytes were read as.</summary>
/// <param name="Declared">The charset the XML declaration named, or null when there was none (or an unknown one).</param>
/// <param name="Actual">The charset the bytes were decoded as (GB2312 bodies are read as GB18030, their superset).</param>
/// <param name="IsLossy">True when the bytes were valid in no candidate charset and replacement characters were used.</param>
public readonly record struct GbTextDetection(GbCharset? Declared, GbCharset Actual, bool IsLossy)
{
    /// <summary>True when the body's bytes contradict its declaration (a device that lies about its charset).</summary>
    public bool DeclarationWasWrong => Declared is { } declared && Family(declared) != Family(Actual);

    private static bool Family(GbCharset charset) => charset != GbCharset.Utf8;
}

/// <summary>
/// Decoding of GB28181 XML bodies "by the declaration, with fallback". Devices lie both ways (declare GB2312
/// and send UTF-8, declare UTF-8 and send GB18030), so the declaration is a hint checked against the bytes:
/// <list type="number">
/// <item>Pure ASCII: every candidate reads it the same; nothing to decide.</item>
/// <item>Declared UTF-8: UTF-8 when the bytes are valid UTF-8; otherwise GB18030 when they are well-formed
/// GB18030; otherwise UTF-8 with replacement characters.</item>
/// <item>Declared GB2312/GBK/GB18030: UTF-8 when the bytes are valid UTF-8 <i>and</i> hold at least one
/// three- or four-byte sequence (Chinese in UTF-8 is three bytes per character; GB text essentially never
/// forms such sequences); otherwise GB18030 when well-formed; otherwise UTF-8 when valid; otherwise GB18030
/// with replacement characters.</item>
/// <item>No (or an unknown) declaration: UTF-8 when valid (the XML default), otherwise GB18030.</item>
/// </list>
/// The one ambiguity left: a GB-declared body whose only non-ASCII text is two-byte UTF-8 (accented Latin,
/// Greek, Cyrillic) is read as GB18030. Chinese devices do not send such names.
/// </summary>
public static class GbText
{
    /// <summary>Decides how <paramref name="xml"/> is decoded, following the rules above.</summary>
    public static GbTextDetection DetectXml(ReadOnlySpan<byte> xml) => Detect(xml, XmlDeclaration.ReadCharset(xml));

    /// <summary>Decodes an XML body to text following the rules above (the declaration is kept in the text).</summary>
    public static string DecodeXml(ReadOnlySpan<byte> xml)
    {
        var detection = DetectXml(xml);
        return DecoderFor(detection.Actual).GetString(SkipBom(xml));
    }

    /// <summary>
    /// True when <paramref name="bytes"/> is well-formed GB18030: ASCII, two-byte sequences (lead 0x81-0xFE,
    /// trail 0x40-0x7E or 0x80-0xFE) and four-byte sequences (0x81-0xFE, 0x30-0x39, 0x81-0xFE, 0x30-0x39).
    /// </summary>
    public static bool IsWellFormedGb18030(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                i++;
                continue;
            }

            if (b is 0x80 or 0xFF || i + 1 >= bytes.Length)
            {
                return false;
            }

            var b2 = bytes[i + 1];
            if (b2 is (>= 0x40 and <= 0x7E) or (>= 0x80 and <= 0xFE))
            {
                i += 2;
            }
            else if (b2 is >= 0x30 and <= 0x39 && i + 3 < bytes.Length
                && bytes[i + 2] is >= 0x81 and <= 0xFE && bytes[i + 3] is >= 0x30 and <= 0x39)
            {
                i += 4;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    internal static GbTextDetection Detect(ReadOnlySpan<byte> xml, GbCharset? declared)
    {
        xml = SkipBom(xml);
        if (System.Text.Ascii.IsValid(xml))
        {
            return new GbTextDetection(declared, declared ?? GbCharset.Utf8, IsLossy: false);
        }

        var utf8 = Utf8.IsValid(xml);
        switch (declared)
        {
            case GbCharset.Utf8:
                if (utf8)
                {
                    return new(declared, GbCharset.Utf8, false);
                }

                return IsWellFormedGb18030(xml) ? new(declared, GbCharset.Gb18030, false) : new(declared, GbCharset.Utf8, true);

            case GbCharset.Gb2312 or GbCharset.Gb18030:
                if (utf8 && HasLongUtf8Sequence(xml))
                {
                    return new(declared, GbCharset.Utf8, false);
                }

                if (IsWellFormedGb18030(xml))
                {
                    return new(declared, GbCharset.Gb18030, false);
                }

                return utf8 ? new(declared, GbCharset.Utf8, false) : new(declared, GbCharset.Gb18030, true);

            default:
                if (utf8)
                {
                    return new(null, GbCharset.Utf8, false);
                }

                return new(null, GbCharset.Gb18030, !IsWellFormedGb18030(xml));
        }
    }

    /// <summary>The decoder for a detected charset (GB2312 is read as GB18030, its superset).</summary>
    internal static Encoding DecoderFor(GbCharset actual) => actual == GbCharset.Utf8 ? Encoding.UTF8 : GbEncodings.Gb18030;

    internal static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> xml) =>
        xml.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? xml[3..] : xml;

    private static bool HasLongUtf8Sequence(ReadOnlySpan<byte> validUtf8)
    {
        foreach (var b in validUtf8)
        {
            if (b >= 0xE0)
            {
                return true;
            }
        }

        return false;
    }
}
