using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Gb28181Gateway.Protocol.Text;

/// <summary>
/// The encodings behind <see cref="GbCharset"/>. The code-page provider is registered once, the first time
/// this class is touched, so no caller has to remember to do it.
/// </summary>
public static class GbEncodings
{
    private static readonly bool Registered = Register();

    /// <summary>GB18030 (code page 54936); undecodable bytes become U+FFFD, unencodable characters '?'.</summary>
    public static Encoding Gb18030 { get; } = CodePage(54936, EncoderFallback.ReplacementFallback);

    /// <summary>GBK (code page 936): what devices that declare GB2312 actually send.</summary>
    public static Encoding Gbk { get; } = CodePage(936, EncoderFallback.ReplacementFallback);

    /// <summary>UTF-8 without a byte-order mark.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>GBK that writes characters it cannot encode as XML character references (<c>&amp;#x20000;</c>).</summary>
    internal static Encoding GbkForXml { get; } = CodePage(936, new XmlCharRefEncoderFallback());

    /// <summary>The encoding used to write text in <paramref name="charset"/> inside XML.</summary>
    public static Encoding ForXml(GbCharset charset) => charset switch
    {
        GbCharset.Gb2312 => GbkForXml,
        GbCharset.Gb18030 => Gb18030,
        GbCharset.Utf8 => Utf8,
        _ => throw new ArgumentOutOfRangeException(nameof(charset), charset, "unknown GB charset"),
    };

    /// <summary>The name written in the XML declaration: <c>GB2312</c>, <c>GB18030</c> or <c>UTF-8</c>.</summary>
    public static string DeclarationName(GbCharset charset) => charset switch
    {
        GbCharset.Gb2312 => "GB2312",
        GbCharset.Gb18030 => "GB18030",
        GbCharset.Utf8 => "UTF-8",
        _ => throw new ArgumentOutOfRangeException(nameof(charset), charset, "unknown GB charset"),
    };

    /// <summary>
    /// Reads a configured or declared charset name, case-insensitively: GB2312, GBK, CP936, EUC-CN → Gb2312;
    /// GB18030 → Gb18030; UTF-8, UTF8 → Utf8.
    /// </summary>
    public static bool TryParseCharset([NotNullWhen(true)] string? name, out GbCharset charset) =>
        TryParseCharset(name.AsSpan(), out charset) && name is not null;

    /// <inheritdoc cref="TryParseCharset(string?, out GbCharset)"/>
    public static bool TryParseCharset(ReadOnlySpan<char> name, out GbCharset charset)
    {
        name = name.Trim();
        if (name.Equals("GB2312", StringComparison.OrdinalIgnoreCase) || name.Equals("GBK", StringComparison.OrdinalIgnoreCase)
            || name.Equals("CP936", StringComparison.OrdinalIgnoreCase) || name.Equals("EUC-CN", StringComparison.OrdinalIgnoreCase)
            || name.Equals("x-gbk", StringComparison.OrdinalIgnoreCase))
        {
            charset = GbCharset.Gb2312;
            return true;
        }

        if (name.Equals("GB18030", StringComparison.OrdinalIgnoreCase))
        {
            charset = GbCharset.Gb18030;
            return true;
        }

        if (name.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || name.Equals("UTF8", StringComparison.OrdinalIgnoreCase))
        {
            charset = GbCharset.Utf8;
            return true;
        }

        charset = default;
        return false;
    }

    /// <summary>Like <see cref="TryParseCharset(string?, out GbCharset)"/>; throws naming the accepted values.</summary>
    public static GbCharset ParseCharset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParseCharset(name, out var charset)
            ? charset
            : throw new ArgumentException($"'{name}' is not a GB28181 character set; use GB2312, GB18030 or UTF-8", nameof(name));
    }

    private static bool Register()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    private static Encoding CodePage(int codePage, EncoderFallback encoderFallback)
    {
        _ = Registered;
        return Encoding.GetEncoding(codePage, encoderFallback, new DecoderReplacementFallback("\uFFFD"));
    }
}
