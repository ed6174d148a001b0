using System.Diagnostics.CodeAnalysis;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// A challenge (WWW-Authenticate, Proxy-Authenticate) or credentials (Authorization, Proxy-Authorization):
/// a scheme such as "Digest" and comma-separated auth-params (RFC 3261 §20.7, §25.1; RFC 7616).
/// Parameter values are stored unquoted; <see cref="IsQuoted"/> says how each was (or will be) written.
/// </summary>
public sealed class SipAuthHeader : ISipHeaderText
{
    private readonly List<(string Name, string Value, bool Quoted)> _parameters;

    public SipAuthHeader(string scheme)
    {
        Scheme = scheme;
        _parameters = [];
    }

    private SipAuthHeader(string scheme, List<(string, string, bool)> parameters)
    {
        Scheme = scheme;
        _parameters = parameters;
    }

    public string Scheme { get; }

    public int Count => _parameters.Count;

    public IEnumerable<KeyValuePair<string, string>> Parameters => _parameters.Select(p => KeyValuePair.Create(p.Name, p.Value));

    /// <summary>The unquoted value of a parameter, or null.</summary>
    public string? this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i < 0 ? null : _parameters[i].Value;
        }
    }

    public bool IsQuoted(string name)
    {
        var i = IndexOf(name);
        return i >= 0 && _parameters[i].Quoted;
    }

    /// <summary>Adds or replaces a parameter. Quote per RFC: realm, nonce, opaque, uri, response, cnonce, username, domain; not algorithm, nc, stale, and qop only in challenges.</summary>
    public SipAuthHeader Set(string name, string value, bool quoted)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            _parameters[i] = (_parameters[i].Name, value, quoted);
        }
        else
        {
            _parameters.Add((name, value, quoted));
        }

        return this;
    }

    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out SipAuthHeader? header)
    {
        header = null;
        text = SipSyntax.TrimLws(text);
        var sp = text.IndexOfAny((byte)' ', (byte)'\t');
        var scheme = sp < 0 ? text : text[..sp];
        if (!SipSyntax.IsToken(scheme))
        {
            return false;
        }

        var parameters = new List<(string, string, bool)>(8);
        var rest = sp < 0 ? [] : text[sp..];
        while (true)
        {
            rest = SipSyntax.TrimLws(rest);
            if (rest.IsEmpty)
            {
                break;
            }

            var comma = SipSyntax.IndexOfUnquoted(rest, (byte)',');
            var part = SipSyntax.TrimLws(comma < 0 ? rest : rest[..comma]);
            rest = comma < 0 ? [] : rest[(comma + 1)..];
            if (part.IsEmpty)
            {
                continue; // tolerate "a=b,,c=d" and a trailing comma
            }

            var eq = part.IndexOf((byte)'=');
            if (eq <= 0)
            {
                return false;
            }

            var name = SipSyntax.TrimLws(part[..eq]);
            var value = SipSyntax.TrimLws(part[(eq + 1)..]);
            if (!SipSyntax.IsToken(name))
            {
                return false;
            }

            var quoted = value.Length >= 2 && value[0] == (byte)'"' && value[^1] == (byte)'"';
            if (!quoted && value.Contains((byte)'"'))
            {
                return false;
            }

            parameters.Add((InternName(name), ValueText(value, quoted), quoted));
        }

        header = new SipAuthHeader(scheme.SequenceEqual("Digest"u8) ? "Digest" : Encoding.ASCII.GetString(scheme), parameters);
        return true;
    }

    /// <summary>The value as <see cref="SipSyntax.Unquote"/> gives it, decoded once (no intermediate quoted string).</summary>
    private static string ValueText(ReadOnlySpan<byte> value, bool quoted)
    {
        if (!quoted)
        {
            return value.SequenceEqual("MD5"u8) ? "MD5" : value.SequenceEqual("auth"u8) ? "auth" : Encoding.UTF8.GetString(value);
        }

        var inner = value[1..^1];
        return inner.Contains((byte)'\\') ? SipSyntax.Unquote(Encoding.UTF8.GetString(value)) : Encoding.UTF8.GetString(inner);
    }

    /// <summary>The digest parameter names (RFC 2617 / 7616) as shared strings; others decoded.</summary>
    private static string InternName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("username"u8) => "username",
        _ when name.SequenceEqual("realm"u8) => "realm",
        _ when name.SequenceEqual("nonce"u8) => "nonce",
        _ when name.SequenceEqual("uri"u8) => "uri",
        _ when name.SequenceEqual("response"u8) => "response",
        _ when name.SequenceEqual("algorithm"u8) => "algorithm",
        _ when name.SequenceEqual("opaque"u8) => "opaque",
        _ when name.SequenceEqual("qop"u8) => "qop",
        _ when name.SequenceEqual("nc"u8) => "nc",
        _ when name.SequenceEqual("cnonce"u8) => "cnonce",
        _ => Encoding.ASCII.GetString(name),
    };

    public override string ToString()
    {
        var sb = new StringBuilder(256);
        ((ISipHeaderText)this).AppendTo(sb);
        return sb.ToString();
    }

    void ISipHeaderText.AppendTo(StringBuilder sb)
    {
        sb.Append(Scheme);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var (name, value, quoted) = _parameters[i];
            sb.Append(i == 0 ? " " : ", ").Append(name).Append('=');
            sb.Append(quoted ? SipSyntax.Quote(value) : value);
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _parameters.Count; i++)
        {
            if (string.Equals(_parameters[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
