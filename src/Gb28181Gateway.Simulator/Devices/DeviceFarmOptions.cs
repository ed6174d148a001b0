using System.Net;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Simulator.Devices;

/// <summary>What <c>gbsim devices</c> simulates: how many devices, where they register, and how they behave.</summary>
internal sealed record DeviceFarmOptions
{
    public required SipEndPoint Server { get; init; }

    public required string ServerId { get; init; }

    /// <summary>The SIP domain (digest realm and URI host); defaults to the first 10 digits of <see cref="ServerId"/>.</summary>
    public string? Domain { get; init; }

    public string DomainOrDefault => string.IsNullOrEmpty(Domain) ? ServerId[..10] : Domain;

    public int Count { get; init; } = 1;

    public int Channels { get; init; } = 1;

    /// <summary>Empty: register without credentials (a 401 then fails the registration).</summary>
    public string Password { get; init; } = string.Empty;

    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Unanswered keepalives in a row after which the device registers again.</summary>
    public int KeepaliveMaxMisses { get; init; } = 3;

    public int Expires { get; init; } = 3600;

    public string FirstId { get; init; } = "34020000001320000001";

    /// <summary>Registrations started per second; 0 = as fast as <see cref="MaxInFlight"/> allows.</summary>
    public double Rate { get; init; }

    /// <summary>Initial registrations outstanding at once.</summary>
    public int MaxInFlight { get; init; } = 256;

    public IPAddress LocalAddress { get; init; } = IPAddress.Loopback;

    /// <summary>First local SIP port; 0 = ephemeral ports. One port (one SipTransport) per <see cref="DevicesPerPort"/> devices.</summary>
    public int LocalPortBase { get; init; }

    public int DevicesPerPort { get; init; } = 1000;

    /// <summary>Where RTP sockets bind (and the address answered in SDP).</summary>
    public IPAddress MediaAddress { get; init; } = IPAddress.Loopback;

    public GbCharset Charset { get; init; } = GbCharset.Gb18030;

    /// <summary>Catalog items per MESSAGE: 0 = by transport (2 over UDP, 20 over TCP).</summary>
    public int CatalogItemsPerMessage { get; init; }

    /// <summary>The RTP capture to stream; null = the one embedded in gbsim.</summary>
    public string? MediaFile { get; init; }

    public string Manufacturer { get; init; } = "gbsim";

    public bool UnregisterOnStop { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is wrong.</summary>
    public void Validate()
    {
        if (DeviceId.Validate(ServerId) != DeviceIdError.None)
        {
            throw new ArgumentException($"--server-id '{ServerId}' is not a 20-digit GB28181 ID");
        }

        if (DeviceId.Validate(FirstId) != DeviceIdError.None)
        {
            throw new ArgumentException($"--first-id '{FirstId}' is not a 20-digit GB28181 ID");
        }

        var first = DeviceId.Parse(FirstId);
        if (Count < 1 || first.Serial + Count - 1 > DeviceNumberingPlan.MaxSerial)
        {
            throw new ArgumentException($"--count {Count} must be at least 1 and fit the 7-digit serial after --first-id {FirstId}");
        }

        if (Channels < 0 || (long)(first.Serial + Count) * Math.Max(Channels, 1) > DeviceNumberingPlan.MaxSerial)
        {
            throw new ArgumentException($"--channels {Channels}: channel serials (device serial x channels) must stay below 10,000,000");
        }

        if (KeepaliveInterval <= TimeSpan.Zero || Expires < 10 || Rate < 0 || MaxInFlight < 1 || DevicesPerPort < 1 || KeepaliveMaxMisses < 1)
        {
            throw new ArgumentException("--keepalive, --expires (>= 10), --rate (>= 0), --max-inflight and --devices-per-port must be positive");
        }

        if (DomainOrDefault.Length != 10 || !DomainOrDefault.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"--domain '{DomainOrDefault}' is not a 10-digit SIP domain ID");
        }

        if (LocalPortBase is < 0 or > 65535 || LocalPortBase > 0 && LocalPortBase + TransportCount - 1 > 65535)
        {
            throw new ArgumentException($"--local-port-base {LocalPortBase} leaves no room for {TransportCount} port(s)");
        }
    }

    public int TransportCount => (Count + DevicesPerPort - 1) / DevicesPerPort;

    public int ItemsPerMessage => CatalogItemsPerMessage > 0 ? CatalogItemsPerMessage : Server.IsReliable ? 20 : 2;

    /// <summary>Largest MANSCDP body per MESSAGE: keeps UDP datagrams under ~1300 bytes with the SIP headers.</summary>
    public int MaxBodyBytes => Server.IsReliable ? 60_000 : 900;
}
