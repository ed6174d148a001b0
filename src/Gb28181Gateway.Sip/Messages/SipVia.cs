using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>One Via entry (RFC 3261 §20.42, §18.2.2, RFC 3581 rport).</summary>
public sealed record SipVia : ISipHeaderText
{
    /// <summary>The RFC 3261 branch prefix (§8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    public SipVia(string transport, string host, int? port, SipParameters? parameters = null)
    {
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters ?? SipParameters.Empty;
    }

    /// <summary>"SIP/2.0".</summary>
    public string Protocol { get; init; } = "SIP/2.0";

    /// <summary>Upper-case transport: "UDP", "TCP", "TLS", ...</summary>
    public string Transport { get; init; }

    public string Host { get; init; }

    public int? Port { get; init; }

    public SipParameters Parameters { get; init; }

    public string? Branch => Parameters["branch"];

    public string? Received => Parameters["received"];

    /// <summary>True when the rport parameter is present, with or without a value.</summary>
    public bool HasRPort => Parameters.Contains("rport");

    /// <summary>The rport value, when present and numeric.</summary>
    public int? RPort => int.TryParse(Parameters["rport"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    public string? MAddr => Parameters["maddr"];

    /// <summary>
    /// Whether the branch is an RFC 3261 transaction id (the magic cookie and something after it), so §17.1.3/§17.2.3
    /// matching applies. A branch that is only the cookie identifies nothing (RFC 4475 §3.2.1): RFC 2543 matching.
    /// </summary>
    public bool HasRfc3261Branch => Branch is { Length: > 7 } branch && branch.StartsWith(MagicCookie, StringComparison.Ordinal);

    /// <summary>The port the sender expects responses on when neither rport nor received says otherwise.</summary>
    public int PortOrDefault => Port ?? (Transport.Equals("TLS", StringComparison.OrdinalIgnoreCase) ? 5061 : 5060);

    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out SipVia? via) =>
        TryParse(text, materialize: true, out via);

    /// <summary>Checks the syntax without allocating (except for the rare "host : port" form).</summary>
    internal static bool IsValid(ReadOnlySpan<byte> text) => TryParse(text, materialize: false, out _);

    /// <summary>A Via parameter (e.g. the branch) without building the Via: false when <paramref name="text"/> does not parse.</summary>
    internal static bool TryGetParameter(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name, out string? value)
    {
        value = null;
        if (!IsValid(text))
        {
            return false;
        }

        // sent-protocol and sent-by contain no ';': the parameters start at the first one
        var semi = text.IndexOf((byte)';');
        value = semi < 0 ? null : SipParameters.Find(text[semi..], name);
        return true;
    }

    private static bool TryParse(ReadOnlySpan<byte> text, bool materialize, out SipVia? via)
    {
        via = null;
        text = SipSyntax.TrimLws(text);

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, with LWS allowed around the slashes
        if (!TryReadToken(ref text, out var name) || !TryConsume(ref text, (byte)'/')
            || !TryReadToken(ref text, out var version) || !TryConsume(ref text, (byte)'/')
            || !TryReadToken(ref text, out var transport))
        {
            return false;
        }

        // LWS separates the transport from sent-by
        if (text.IsEmpty || !SipSyntax.IsLws(text[0]))
        {
            return false;
        }

        text = SipSyntax.TrimLws(text);

        var semi = text.IndexOf((byte)';');
        var sentBy = semi < 0 ? text : text[..semi];
        sentBy = RemoveLwsAroundColon(SipSyntax.TrimLws(sentBy), out var hadInnerSpace);
        if (hadInnerSpace || !SipUri.TryScanHostPort(sentBy, out var hostBytes, out var port))
        {
            return false;
        }

        var paramText = semi < 0 ? [] : text[semi..];
        if (!materialize)
        {
            return SipParameters.IsValid(paramText, allowQuoted: true);
        }

        if (!SipParameters.TryParse(paramText, allowQuoted: true, out var parameters))
        {
            return false;
        }

        var host = Encoding.ASCII.GetString(hostBytes);

        var protocol = name.SequenceEqual("SIP"u8) && version.SequenceEqual("2.0"u8)
            ? "SIP/2.0"
            : Encoding.ASCII.GetString(name) + "/" + Encoding.ASCII.GetString(version);
        via = new SipVia(InternTransport(transport), host, port, parameters) { Protocol = protocol };
        return true;
    }

    private static bool TryReadToken(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> token)
    {
        text = SipSyntax.TrimLws(text);
        var i = 0;
        while (i < text.Length && SipSyntax.IsTokenChar(text[i]))
        {
            i++;
        }

        token = text[..i];
        text = text[i..];
        return i > 0;
    }

    private static bool TryConsume(ref ReadOnlySpan<byte> text, byte c)
    {
        text = SipSyntax.TrimLws(text);
        if (text.IsEmpty || text[0] != c)
        {
            return false;
        }

        text = text[1..];
        return true;
    }

    private static ReadOnlySpan<byte> RemoveLwsAroundColon(ReadOnlySpan<byte> sentBy, out bool hadInnerSpace)
    {
        hadInnerSpace = false;
        var ws = sentBy.IndexOfAny((byte)' ', (byte)'\t');
        if (ws < 0)
        {
            return sentBy;
        }

        // "host : port" is allowed (COLON = SWS ":" SWS); anything else with inner whitespace is not.
        var colon = sentBy.IndexOf((byte)':');
        if (colon < 0 || sentBy[0] == (byte)'[')
        {
            hadInnerSpace = true;
            return sentBy;
        }

        var host = SipSyntax.TrimLws(sentBy[..colon]);
        var port = SipSyntax.TrimLws(sentBy[(colon + 1)..]);
        if (host.ContainsAny((byte)' ', (byte)'\t') || port.ContainsAny((byte)' ', (byte)'\t'))
        {
            hadInnerSpace = true;
            return sentBy;
        }

        var joined = new byte[host.Length + 1 + port.Length];
        host.CopyTo(joined);
        joined[host.Length] = (byte)':';
        port.CopyTo(joined.AsSpan(host.Length + 1));
        return joined;
    }

    private static string InternTransport(ReadOnlySpan<byte> t)
    {
        if (SipSyntax.EqualsIgnoreCase(t, "UDP"u8))
        {
            return "UDP";
        }

        if (SipSyntax.EqualsIgnoreCase(t, "TCP"u8))
        {
            return "TCP";
        }

        if (SipSyntax.EqualsIgnoreCase(t, "TLS"u8))
        {
            return "TLS";
        }

        return Encoding.ASCII.GetString(t).ToUpperInvariant();
    }

    public override string ToString()
    {
        var sb = new StringBuilder(96);
        ((ISipHeaderText)this).AppendTo(sb);
        return sb.ToString();
    }

    void ISipHeaderText.AppendTo(StringBuilder sb)
    {
        sb.Append(Protocol).Append('/').Append(Transport).Append(' ').Append(Host);
        if (Port is { } port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        Parameters.AppendTo(sb);
    }
}
