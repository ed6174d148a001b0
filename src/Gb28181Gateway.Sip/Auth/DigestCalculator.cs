using System.Security.Cryptography;
using System.Text;

namespace Gb28181Gateway.Sip.Auth;

/// <summary>
/// RFC 2617 / RFC 7616 digest computations, MD5 only (what GB28181 devices use). Hex is lower-case;
/// comparison of a received response is case-insensitive.
/// </summary>
public static class DigestCalculator
{
    /// <summary>HA1 = MD5(username:realm:password).</summary>
    public static string Ha1(string username, string realm, string password) => Md5Hex($"{username}:{realm}:{password}");

    /// <summary>HA2 = MD5(method:digest-uri) (qop absent or "auth").</summary>
    public static string Ha2(string method, string uri) => Md5Hex($"{method}:{uri}");

    /// <summary>response = MD5(HA1:nonce:HA2), or with qop MD5(HA1:nonce:nc:cnonce:qop:HA2).</summary>
    public static string ResponseFromHashes(string ha1, string nonce, string ha2, string? qop = null, string? nc = null, string? cnonce = null) =>
        string.IsNullOrEmpty(qop)
            ? Md5Hex($"{ha1}:{nonce}:{ha2}")
            : Md5Hex($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");

    /// <summary>The whole computation from the clear-text password.</summary>
    public static string Response(string username, string realm, string password, string method, string uri, string nonce,
        string? qop = null, string? nc = null, string? cnonce = null) =>
        ResponseFromHashes(Ha1(username, realm, password), nonce, Ha2(method, uri), qop, nc, cnonce);

    internal static string Md5Hex(string text)
    {
        Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // MD5 is what RFC 2617 digest and every GB28181 device use
        MD5.HashData(Encoding.UTF8.GetBytes(text), hash);
#pragma warning restore CA5351
        return Convert.ToHexStringLower(hash);
    }
}
