using System.Net;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>One local SIP endpoint: UDP and TCP on the same address and port.</summary>
public sealed class SipTransportOptions
{
    /// <summary>The address to bind; <see cref="IPAddress.Any"/> listens on every interface.</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>The port for both UDP and TCP; 0 picks a free port (the same one for both).</summary>
    public int Port { get; set; } = 5060;

    public bool EnableUdp { get; set; } = true;

    public bool EnableTcp { get; set; } = true;

    /// <summary>
    /// The host advertised in Via and Contact (e.g. the public address when behind NAT). Empty: the bound
    /// address, or, when bound to any address, the local interface address that routes to the peer.
    /// </summary>
    public string? ExternalAddress { get; set; }

    /// <summary>The port advertised in Via and Contact when a NAT maps it to another; null: the bound port.</summary>
    public int? ExternalPort { get; set; }

    /// <summary>The largest message accepted on either transport (at most 65535). Larger TCP frames close the connection.</summary>
    public int MaxMessageSize { get; set; } = SipMessageParser.MaxMessageSize;

    /// <summary>TCP connections (accepted and opened) kept at once; further ones are refused.</summary>
    public int MaxTcpConnections { get; set; } = 1024;

    /// <summary>A TCP connection with no traffic either way for this long is closed. GB devices send keepalives every 60 s.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an outgoing TCP connect may take before the send fails (503 to the transaction).</summary>
    public TimeSpan TcpConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Parse errors and refused connections are logged at most a few times per interval; the rest are counted.</summary>
    public TimeSpan ErrorLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenAddress, nameof(ListenAddress));
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "the SIP port must be 0-65535");
        }

        if (!EnableUdp && !EnableTcp)
        {
            throw new ArgumentException("at least one of EnableUdp and EnableTcp must be set", nameof(EnableUdp));
        }

        if (ExternalPort is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(ExternalPort), ExternalPort, "the external port must be 1-65535");
        }

        if (MaxMessageSize is < 1024 or > SipMessageParser.MaxMessageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, $"the message size limit must be 1024-{SipMessageParser.MaxMessageSize}");
        }

        if (MaxTcpConnections < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTcpConnections), MaxTcpConnections, "at least one TCP connection must be allowed");
        }

        if (TcpIdleTimeout <= TimeSpan.Zero || TcpConnectTimeout <= TimeSpan.Zero || ErrorLogInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TcpIdleTimeout), "TCP idle and connect timeouts and the error log interval must be positive");
        }
    }
}
