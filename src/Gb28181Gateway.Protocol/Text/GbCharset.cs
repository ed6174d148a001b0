namespace Gb28181Gateway.Protocol.Text;

/// <summary>The character sets GB28181 peers use for MANSCDP bodies.</summary>
public enum GbCharset
{
    /// <summary>
    /// Declared <c>GB2312</c> (2016 devices). Sent as GBK bytes (code page 936, a superset every GB2312
    /// reader decodes), with characters outside GBK written as XML character references.
    /// </summary>
    Gb2312 = 0,

    /// <summary>Declared <c>GB18030</c> (required by the 2022 edition; code page 54936).</summary>
    Gb18030 = 1,

    /// <summary>Declared <c>UTF-8</c>.</summary>
    Utf8 = 2,
}
