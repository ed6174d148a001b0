using System.Diagnostics.CodeAnalysis;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// The value of From, To, Contact, Route, Record-Route, Refer-To: an optional display name, a URI and
/// header parameters (RFC 3261 §20.10, §25.1 name-addr / addr-spec). <c>Contact: *</c> is <see cref="IsWildcard"/>.
/// </summary>
public sealed record SipNameAddress : ISipHeaderText
{
    public SipNameAddress(SipUri uri, string? displayName = null, SipParameters? parameters = null)
    {
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? SipParameters.Empty;
    }

    private SipNameAddress()
    {
        Uri = new SipUri();
        Parameters = SipParameters.Empty;
        IsWildcard = true;
    }

    /// <summary><c>Contact: *</c>, used to remove all bindings.</summary>
    public static SipNameAddress Wildcard { get; } = new();

    /// <summary>The display name, unquoted and unescaped; null when absent or empty (<c>""</c>).</summary>
    public string? DisplayName { get; init; }

    public SipUri Uri { get; init; }

    public SipParameters Parameters { get; init; }

    public bool IsWildcard { get; }

    /// <summary>The <c>tag</c> parameter (From/To), or null.</summary>
    public string? Tag => Parameters["tag"];

    /// <summary>The <c>expires</c> parameter of a Contact, or null when absent or not a number.</summary>
    public int? Expires => int.TryParse(Parameters["expires"], out var e) && e >= 0 ? e : null;

    public SipNameAddress WithTag(string tag) => this with { Parameters = Parameters.With("tag", tag) };

    public static SipNameAddress Parse(string text) => TryParse(Encoding.UTF8.GetBytes(text), out var value)
        ? value
        : throw new FormatException($"invalid name-addr '{text}'");

    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out SipNameAddress? value) =>
        TryParse(text, materialize: true, out value);

    /// <summary>Checks the syntax without allocating.</summary>
    internal static bool IsValid(ReadOnlySpan<byte> text) => TryParse(text, materialize: false, out _);

    /// <summary>
    /// A header parameter (e.g. the tag) of a name-addr or addr-spec without building it: false when
    /// <paramref name="text"/> does not parse, as <see cref="TryParse(ReadOnlySpan{byte}, out SipNameAddress?)"/>.
    /// </summary>
    internal static bool TryGetParameter(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name, out string? value)
    {
        value = null;
        if (!IsValid(text))
        {
            return false;
        }

        text = SipSyntax.TrimLws(text);
        var lt = FindOpeningAngle(text);
        ReadOnlySpan<byte> paramText;
        if (lt >= 0)
        {
            paramText = text[(lt + 1)..];
            paramText = paramText[(paramText.IndexOf((byte)'>') + 1)..];
        }
        else
        {
            var semi = text.IndexOf((byte)';');
            paramText = semi < 0 ? [] : text[semi..];
        }

        value = SipParameters.Find(paramText, name);
        return true;
    }

    private static bool TryParse(ReadOnlySpan<byte> text, bool materialize, out SipNameAddress? value)
    {
        value = null;
        text = SipSyntax.TrimLws(text);
        if (text.IsEmpty)
        {
            return false;
        }

        if (text.Length == 1 && text[0] == (byte)'*')
        {
            value = materialize ? Wildcard : null;
            return true;
        }

        string? displayName = null;
        ReadOnlySpan<byte> uriText;
        ReadOnlySpan<byte> paramText;
        var lt = FindOpeningAngle(text);
        if (lt >= 0)
        {
            // name-addr: [display-name] "<" addr-spec ">" *(";" param)
            var display = SipSyntax.TrimLws(text[..lt]);
            if (!display.IsEmpty)
            {
                if (display[0] == (byte)'"')
                {
                    if (display.Length < 2 || display[^1] != (byte)'"' || !SipSyntax.IsBalanced(display))
                    {
                        return false;
                    }

                    // an empty quoted name ("") is no name: it is not written back either
                    displayName = materialize && display.Length > 2 ? SipSyntax.Unquote(Encoding.UTF8.GetString(display)) : null;
                }
                else
                {
                    // display-name = *(token LWS): no separators (RFC 4475 §3.1.2.15 baddn: "Bell, Alexander"
                    // unquoted is refused). Non-ASCII bytes are tolerated: devices send unquoted GBK/UTF-8 names.
                    if (!IsUnquotedDisplayName(display))
                    {
                        return false;
                    }

                    displayName = materialize ? Encoding.UTF8.GetString(display) : null;
                }
            }

            var gt = text[(lt + 1)..].IndexOf((byte)'>');
            if (gt < 0)
            {
                return false;
            }

            gt += lt + 1;
            uriText = text[(lt + 1)..gt];
            paramText = text[(gt + 1)..];
        }
        else if (text[0] == (byte)'"')
        {
            return false;
        }
        else
        {
            // addr-spec: parameters after the URI belong to the header, not to the URI (RFC 3261 §20.10);
            // LWS may separate the URI from the first ';' (RFC 4475 §3.1.1.1 wsinv).
            var semi = text.IndexOf((byte)';');
            uriText = SipSyntax.TrimLws(semi < 0 ? text : text[..semi]);
            if (uriText.ContainsAny((byte)',', (byte)'?'))
            {
                return false;
            }

            paramText = semi < 0 ? [] : text[semi..];
        }

        if (!materialize)
        {
            return SipUri.IsValid(uriText) && SipParameters.IsValid(paramText, allowQuoted: true);
        }

        if (!SipUri.TryParse(uriText, out var uri) || !SipParameters.TryParse(paramText, allowQuoted: true, out var parameters))
        {
            return false;
        }

        value = new SipNameAddress(uri, displayName, parameters);
        return true;
    }

    private static bool IsUnquotedDisplayName(ReadOnlySpan<byte> display)
    {
        foreach (var c in display)
        {
            if (!SipSyntax.IsTokenChar(c) && !SipSyntax.IsLws(c) && c < 0x80)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first '&lt;' outside quoted strings (a display name may contain one); -1 when none.</summary>
    private static int FindOpeningAngle(ReadOnlySpan<byte> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == (byte)'"')
            {
                i = SipSyntax.ClosingQuote(text, i);
                if (i < 0)
                {
                    return -1;
                }
            }
            else if (c == (byte)'<')
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString()
    {
        if (IsWildcard)
        {
            return "*";
        }

        var sb = new StringBuilder(96);
        ((ISipHeaderText)this).AppendTo(sb);
        return sb.ToString();
    }

    void ISipHeaderText.AppendTo(StringBuilder sb)
    {
        if (IsWildcard)
        {
            sb.Append('*');
            return;
        }

        if (DisplayName is { Length: > 0 } name)
        {
            sb.Append(SipSyntax.Quote(name)).Append(' ');
        }

        sb.Append('<');
        Uri.AppendTo(sb);
        sb.Append('>');
        Parameters.AppendTo(sb);
    }
}
