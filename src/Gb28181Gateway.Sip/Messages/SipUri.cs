using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1), or any other absolute URI kept opaque (a Request-URI may use any
/// scheme). GB28181 uses both <c>sip:34020000001320000001@3402000000</c> (Hikvision) and
/// <c>sip:34020000001320000001@192.168.1.64:5060</c> (Dahua).
/// </summary>
public sealed record SipUri
{
    public const string SipScheme = "sip";
    public const string SipsScheme = "sips";

    private static readonly System.Buffers.SearchValues<byte> ForbiddenInSipUri = System.Buffers.SearchValues.Create(" \t\r\n<>\""u8);

    /// <summary>"sip", "sips", or another scheme (then only <see cref="Opaque"/> is set).</summary>
    public string Scheme { get; init; } = SipScheme;

    public string? User { get; init; }

    public string? Password { get; init; }

    public string Host { get; init; } = string.Empty;

    public int? Port { get; init; }

    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>The raw <c>?name=value&amp;...</c> part without the '?', or null.</summary>
    public string? Headers { get; init; }

    /// <summary>Everything after "scheme:" for schemes other than sip/sips.</summary>
    public string? Opaque { get; init; }

    public bool IsSip => ReferenceEquals(Scheme, SipScheme) || ReferenceEquals(Scheme, SipsScheme)
        || Scheme.Equals(SipScheme, StringComparison.OrdinalIgnoreCase) || Scheme.Equals(SipsScheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The transport parameter, lower-cased, or null.</summary>
    public string? Transport => Parameters["transport"]?.ToLowerInvariant();

    /// <summary>Creates <c>sip:user@host[:port]</c>.</summary>
    public static SipUri Create(string? user, string host, int? port = null) => new() { User = user, Host = host, Port = port };

    public static SipUri Parse(string text) => TryParse(Encoding.UTF8.GetBytes(text), out var uri)
        ? uri
        : throw new FormatException($"invalid SIP URI '{text}'");

    public static bool TryParse(string text, [NotNullWhen(true)] out SipUri? uri) => TryParse(Encoding.UTF8.GetBytes(text), out uri);

    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out SipUri? uri) =>
        TryParse(text, materialize: true, out uri);

    /// <summary>Checks the syntax of a URI without allocating.</summary>
    internal static bool IsValid(ReadOnlySpan<byte> text) => TryParse(text, materialize: false, out _);

    private static bool TryParse(ReadOnlySpan<byte> text, bool materialize, out SipUri? uri)
    {
        uri = null;
        var colon = text.IndexOf((byte)':');
        if (colon <= 0 || !IsScheme(text[..colon]))
        {
            return false;
        }

        var schemeBytes = text[..colon];
        var rest = text[(colon + 1)..];
        string scheme;
        if (SipSyntax.EqualsIgnoreCase(schemeBytes, "sip"u8))
        {
            scheme = SipScheme;
        }
        else if (SipSyntax.EqualsIgnoreCase(schemeBytes, "sips"u8))
        {
            scheme = SipsScheme;
        }
        else
        {
            if (rest.IsEmpty || rest.ContainsAny((byte)' ', (byte)'\t'))
            {
                return false;
            }

            if (materialize)
            {
                uri = new SipUri { Scheme = Encoding.ASCII.GetString(schemeBytes).ToLowerInvariant(), Opaque = Encoding.UTF8.GetString(rest) };
            }

            return true;
        }

        if (rest.IsEmpty || rest.ContainsAny(ForbiddenInSipUri))
        {
            return false;
        }

        ReadOnlySpan<byte> user = default;
        ReadOnlySpan<byte> password = default;
        var hasUser = false;
        var hasPassword = false;
        var at = rest.IndexOf((byte)'@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            if (userInfo.IsEmpty)
            {
                return false;
            }

            var pc = userInfo.IndexOf((byte)':');
            user = pc < 0 ? userInfo : userInfo[..pc];
            hasUser = true;
            if (pc >= 0)
            {
                password = userInfo[(pc + 1)..];
                hasPassword = true;
            }

            rest = rest[(at + 1)..];
        }

        var q = rest.IndexOf((byte)'?');
        ReadOnlySpan<byte> headers = default;
        if (q >= 0)
        {
            headers = rest[(q + 1)..];
            rest = rest[..q];
        }

        var semi = rest.IndexOf((byte)';');
        var hostPort = semi < 0 ? rest : rest[..semi];
        if (!TryScanHostPort(hostPort, out var hostBytes, out var port))
        {
            return false;
        }

        var paramText = semi < 0 ? [] : rest[semi..];
        if (!materialize)
        {
            return SipParameters.IsValid(paramText, allowQuoted: false);
        }

        if (!SipParameters.TryParse(paramText, allowQuoted: false, out var parameters))
        {
            return false;
        }

        uri = new SipUri
        {
            Scheme = scheme,
            User = hasUser ? Encoding.UTF8.GetString(user) : null,
            Password = hasPassword ? Encoding.UTF8.GetString(password) : null,
            Host = Encoding.ASCII.GetString(hostBytes),
            Port = port,
            Parameters = parameters,
            Headers = q >= 0 ? Encoding.UTF8.GetString(headers) : null,
        };
        return true;
    }

    /// <summary>
    /// Whether a SIP or SIPS URI carries a <c>?headers</c> part (not allowed in a Request-URI, RFC 3261 §19.1.5).
    /// A '?' in the user part (allowed there) does not count.
    /// </summary>
    internal static bool HasHeaders(ReadOnlySpan<byte> text)
    {
        var colon = text.IndexOf((byte)':');
        if (colon <= 0 || !(SipSyntax.EqualsIgnoreCase(text[..colon], "sip"u8) || SipSyntax.EqualsIgnoreCase(text[..colon], "sips"u8)))
        {
            return false;
        }

        var rest = text[(colon + 1)..];
        var at = rest.IndexOf((byte)'@');
        return (at < 0 ? rest : rest[(at + 1)..]).Contains((byte)'?');
    }

    /// <summary>Parses <c>host[:port]</c> where host is a name, an IPv4 address or a bracketed IPv6 reference.</summary>
    internal static bool TryParseHostPort(ReadOnlySpan<byte> text, [NotNullWhen(true)] out string? host, out int? port)
    {
        host = null;
        if (!TryScanHostPort(text, out var hostBytes, out port))
        {
            return false;
        }

        host = Encoding.ASCII.GetString(hostBytes);
        return true;
    }

    internal static bool TryScanHostPort(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> hostBytes, out int? port)
    {
        port = null;
        hostBytes = default;
        ReadOnlySpan<byte> portBytes = default;
        var hasPort = false;
        if (!text.IsEmpty && text[0] == (byte)'[')
        {
            var close = text.IndexOf((byte)']');
            if (close < 0)
            {
                return false;
            }

            hostBytes = text[..(close + 1)];
            var after = text[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != (byte)':')
                {
                    return false;
                }

                portBytes = after[1..];
                hasPort = true;
            }
        }
        else
        {
            var colon = text.IndexOf((byte)':');
            hostBytes = colon < 0 ? text : text[..colon];
            if (colon >= 0)
            {
                portBytes = text[(colon + 1)..];
                hasPort = true;
            }
        }

        if (hostBytes.IsEmpty || !IsHost(hostBytes))
        {
            return false;
        }

        if (hasPort)
        {
            if (!SipSyntax.TryParseInt32(portBytes, out var p) || p > 65535)
            {
                return false;
            }

            port = p;
        }

        return true;
    }

    private static bool IsScheme(ReadOnlySpan<byte> s)
    {
        if (!char.IsAsciiLetter((char)s[0]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c is not ((byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHost(ReadOnlySpan<byte> s)
    {
        if (s[0] == (byte)'[')
        {
            foreach (var c in s[1..^1])
            {
                if (!char.IsAsciiHexDigit((char)c) && c is not ((byte)':' or (byte)'.'))
                {
                    return false;
                }
            }

            return s.Length > 2;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c is not ((byte)'-' or (byte)'.' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
    {
        if (Opaque is not null)
        {
            return Scheme + ":" + Opaque;
        }

        var sb = new StringBuilder(64);
        AppendTo(sb);
        return sb.ToString();
    }

    internal void AppendTo(StringBuilder sb)
    {
        sb.Append(Scheme).Append(':');
        if (Opaque is not null)
        {
            sb.Append(Opaque);
            return;
        }

        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null)
            {
                sb.Append(':').Append(Password);
            }

            sb.Append('@');
        }

        sb.Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        Parameters.AppendTo(sb);
        if (Headers is not null)
        {
            sb.Append('?').Append(Headers);
        }
    }
}
