using System.Globalization;
using System.Net;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// The server transport's Via rules: stamp <c>received</c>/<c>rport</c> on arrival (RFC 3261 §18.2.1,
/// RFC 3581 §4) and pick where a response goes (§18.2.2, RFC 3581 §4).
/// </summary>
internal static class SipViaProcessing
{
    /// <summary>
    /// Adds <c>received=&lt;source ip&gt;</c> when the sent-by host is not the source address or when rport was
    /// asked for, and fills <c>rport=&lt;source port&gt;</c> when present. Only the top Via value changes; other
    /// values in the same header line are kept as received.
    /// </summary>
    public static void StampReceived(SipRequest request, IPEndPoint source)
    {
        var headers = request.Headers;
        var index = headers.IndexOf(SipHeaderKind.Via);
        if (index < 0 || request.TopVia is not { } top)
        {
            return;
        }

        var hostMatches = TryParseHost(top.Host, out var viaAddress) && viaAddress.Equals(source.Address);
        if (hostMatches && !top.HasRPort)
        {
            return;
        }

        var parameters = top.Parameters.With("received", source.Address.ToString());
        if (top.HasRPort)
        {
            parameters = parameters.With("rport", source.Port.ToString(CultureInfo.InvariantCulture));
        }

        var stamped = top with { Parameters = parameters };
        ref var entry = ref headers.EntryAt(index);
        var rest = RestAfterFirstElement(ref entry);
        entry = new SipHeaders.Entry
        {
            Kind = SipHeaderKind.Via,
            Name = SipHeaderNames.Via,
            Value = rest is null ? stamped : stamped + ", " + rest,
        };
    }

    /// <summary>
    /// Where a response to a request from <paramref name="source"/> goes. Over UDP: the received address (else
    /// the sent-by host) and the rport value (else the sent-by port, else 5060). Over TCP the open connection is
    /// tried first (the caller's job); <paramref name="fallback"/> is where to connect when it is gone.
    /// </summary>
    public static SipEndPoint ResolveResponseTarget(SipVia via, SipEndPoint source, out SipEndPoint fallback)
    {
        var address = TryParseHost(via.Received ?? via.Host, out var a) ? a : source.Address.Address;
        fallback = new SipEndPoint(source.Transport, new IPEndPoint(address, via.PortOrDefault));
        if (source.Transport == SipTransportKind.Tcp)
        {
            return source;
        }

        var port = via.RPort ?? via.PortOrDefault;
        return new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(address, port));
    }

    /// <summary>Parses an IP literal as written in a Via host (IPv6 possibly bracketed).</summary>
    public static bool TryParseHost(string host, out IPAddress address)
    {
        var span = host.AsSpan();
        if (span.Length > 2 && span[0] == '[' && span[^1] == ']')
        {
            span = span[1..^1];
        }

        if (IPAddress.TryParse(span, out var parsed))
        {
            address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static string? RestAfterFirstElement(ref SipHeaders.Entry entry)
    {
        ReadOnlySpan<byte> text = entry.HasRaw
            ? entry.Folded ? SipHeaders.Unfold(entry.Raw.Span) : entry.Raw.Span
            : System.Text.Encoding.UTF8.GetBytes(SipHeaders.ValueText(ref entry));
        var comma = SipSyntax.IndexOfUnquoted(text, (byte)',');
        if (comma < 0)
        {
            return null;
        }

        var rest = SipSyntax.TrimLws(text[(comma + 1)..]);
        return rest.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(rest);
    }
}
