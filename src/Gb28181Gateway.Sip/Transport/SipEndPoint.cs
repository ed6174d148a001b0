using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>The transport protocols the stack speaks.</summary>
public enum SipTransportKind
{
    Udp,
    Tcp,
}

/// <summary>
/// A transport and an IP endpoint: where a message came from, or where one goes. GB28181 Request-URIs are
/// often <c>sip:id@domain</c> with no resolvable host, so every outgoing request names its target this way.
/// IPv4-mapped IPv6 addresses are normalised to IPv4 so that endpoints compare equal whichever socket saw them.
/// </summary>
public readonly struct SipEndPoint : IEquatable<SipEndPoint>
{
    public SipEndPoint(SipTransportKind transport, IPEndPoint address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Transport = transport;
        Address = address.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(address.Address.MapToIPv4(), address.Port) : address;
    }

    public SipTransportKind Transport { get; }

    public IPEndPoint Address { get; }

    /// <summary>TCP is reliable: no retransmissions, Timers D/I/J/K are zero.</summary>
    public bool IsReliable => Transport == SipTransportKind.Tcp;

    /// <summary>The transport as written in a Via header: "UDP" or "TCP".</summary>
    public string ViaTransport => Transport == SipTransportKind.Tcp ? "TCP" : "UDP";

    public static SipEndPoint Udp(IPAddress address, int port) => new(SipTransportKind.Udp, new IPEndPoint(address, port));

    public static SipEndPoint Tcp(IPAddress address, int port) => new(SipTransportKind.Tcp, new IPEndPoint(address, port));

    /// <summary>Parses <c>udp:10.0.0.1:5060</c> or <c>tcp:[::1]:5060</c> (the form <see cref="ToString"/> writes).</summary>
    public static SipEndPoint Parse(string text) => TryParse(text, out var endPoint)
        ? endPoint
        : throw new FormatException($"invalid SIP endpoint '{text}': expected udp:<ip>:<port> or tcp:<ip>:<port>");

    public static bool TryParse(string? text, out SipEndPoint endPoint)
    {
        endPoint = default;
        if (text is null)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !TryParseKind(text.AsSpan(0, colon), out var kind))
        {
            return false;
        }

        if (!IPEndPoint.TryParse(text.AsSpan(colon + 1), out var address) || address.Port == 0)
        {
            return false;
        }

        endPoint = new SipEndPoint(kind, address);
        return true;
    }

    /// <summary>Maps a Via transport token ("UDP", "tcp") to a kind; false for anything else (TLS, SCTP, WS).</summary>
    public static bool TryParseKind(ReadOnlySpan<char> text, out SipTransportKind kind)
    {
        if (text.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            kind = SipTransportKind.Udp;
            return true;
        }

        if (text.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            kind = SipTransportKind.Tcp;
            return true;
        }

        kind = default;
        return false;
    }

    public bool Equals(SipEndPoint other) => Transport == other.Transport && Equals(Address, other.Address);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SipEndPoint other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Transport, Address);

    public static bool operator ==(SipEndPoint left, SipEndPoint right) => left.Equals(right);

    public static bool operator !=(SipEndPoint left, SipEndPoint right) => !left.Equals(right);

    public override string ToString() => Address is null
        ? "(none)"
        : (Transport == SipTransportKind.Tcp ? "tcp:" : "udp:") + Address.ToString();
}

/// <summary>A host (IP literal, bracketed when IPv6, or a name) and port as written in Via and Contact.</summary>
public readonly record struct SipHostPort(string Host, int Port)
{
    /// <summary>The host form of an address for a Via sent-by or a URI: IPv6 in brackets.</summary>
    public static string FormatHost(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
    }

    public override string ToString() => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
