using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Gb28181Gateway.Sip.Auth;

/// <summary>
/// RFC 2617 / RFC 7616 digest computations, MD5 only (what GB28181 devices use). Hex is lower-case;
/// comparison of a received response is case-insensitive.
/// </summary>
public static class DigestCalculator
{
    /// <summary>Length of an MD5 digest in hex.</summary>
    internal const int HexLength = 32;

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
        string? qop = null, string? nc = null, string? cnonce = null)
    {
        Span<byte> response = stackalloc byte[HexLength];
        Response(username, realm, password, method, uri, nonce, qop, nc, cnonce, response);
        return Encoding.ASCII.GetString(response);
    }

    /// <summary>
    /// <see cref="Response(string, string, string, string, string, string, string?, string?, string?)"/> as 32 lower-case
    /// hex ASCII bytes in <paramref name="response"/>, with no string made on the way (the registrar checks every REGISTER).
    /// </summary>
    internal static void Response(string username, string realm, string password, string method, string uri, string nonce,
        string? qop, string? nc, string? cnonce, Span<byte> response)
    {
        Span<byte> ha1 = stackalloc byte[HexLength];
        Span<byte> ha2 = stackalloc byte[HexLength];
        var joined = new Joined(stackalloc byte[256]);
        try
        {
            joined.Append(username, realm, password);
            joined.HashTo(ha1);
            joined.Append(method, uri);
            joined.HashTo(ha2);
            joined.Append(ha1);
            joined.Append(null, nonce, string.IsNullOrEmpty(qop) ? null : nc);
            if (!string.IsNullOrEmpty(qop))
            {
                joined.Append(null, cnonce, qop);
            }

            joined.Append(":"u8);
            joined.Append(ha2);
            joined.HashTo(response);
        }
        finally
        {
            joined.Dispose();
        }
    }

    internal static string Md5Hex(string text)
    {
        Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // MD5 is what RFC 2617 digest and every GB28181 device use
        MD5.HashData(Encoding.UTF8.GetBytes(text), hash);
#pragma warning restore CA5351
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>UTF-8 text joined into a stack buffer (a pooled array when it does not fit), hashed to hex and reset.</summary>
    private ref struct Joined
    {
        private Span<byte> _buffer;
        private byte[]? _rented;
        private int _length;

        public Joined(Span<byte> buffer)
        {
            _buffer = buffer;
        }

        /// <summary>Appends <c>a:b[:c]</c> (a null <paramref name="first"/> appends <c>:b[:c]</c>, continuing the text).</summary>
        public void Append(string? first, string? second, string? third = null)
        {
            if (first is not null)
            {
                AppendText(first);
            }

            Append(":"u8);
            AppendText(second);
            if (third is not null)
            {
                Append(":"u8);
                AppendText(third);
            }
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer[_length..]);
            _length += bytes.Length;
        }

        private void AppendText(string? text)
        {
            text ??= string.Empty;
            Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
            _length += Encoding.UTF8.GetBytes(text, _buffer[_length..]);
        }

        /// <summary>MD5 of what was appended, as lower-case hex, into <paramref name="hex"/> (32 bytes); starts over.</summary>
        public void HashTo(Span<byte> hex)
        {
            Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // MD5 is what RFC 2617 digest and every GB28181 device use
            MD5.HashData(_buffer[.._length], hash);
#pragma warning restore CA5351
            var digits = "0123456789abcdef"u8;
            for (var i = 0; i < hash.Length; i++)
            {
                hex[2 * i] = digits[hash[i] >> 4];
                hex[(2 * i) + 1] = digits[hash[i] & 0xF];
            }

            _length = 0;
        }

        public readonly void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }
        }

        private void Ensure(int more)
        {
            if (_length + more <= _buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
            _buffer[.._length].CopyTo(larger);
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }

            _rented = larger;
            _buffer = larger;
        }
    }
}
