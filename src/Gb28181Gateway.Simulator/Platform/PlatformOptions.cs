using System.Net;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Simulator.Platform;

/// <summary>What <c>gbsim platform</c> does: where it listens, who it is, and what it asks the registered clients.</summary>
internal sealed record PlatformOptions
{
    public required IPEndPoint Listen { get; init; }

    public required string ServerId { get; init; }

    /// <summary>SIP domain and digest realm; defaults to the first 10 digits of <see cref="ServerId"/>.</summary>
    public string? Domain { get; init; }

    public string DomainOrDefault => string.IsNullOrEmpty(Domain) ? ServerId[..10] : Domain;

    /// <summary>Empty: REGISTER is accepted without authentication.</summary>
    public string Password { get; init; } = string.Empty;

    /// <summary>Longest registration granted; longer requests are clamped.</summary>
    public int MaxExpires { get; init; } = 3600;

    /// <summary>Query every client's catalog once it registers (a new registration, not a refresh).</summary>
    public bool QueryCatalog { get; init; }

    public bool QueryDeviceInfo { get; init; }

    /// <summary>How long to wait for the last catalog item (or a DeviceInfo answer) before giving up.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The media address offered in INVITEs (where RTP is received).</summary>
    public IPAddress MediaAddress { get; init; } = IPAddress.Loopback;

    public GbCharset Charset { get; init; } = GbCharset.Gb2312;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is wrong.</summary>
    public void Validate()
    {
        if (DeviceId.Validate(ServerId) != DeviceIdError.None)
        {
            throw new ArgumentException($"--server-id '{ServerId}' is not a 20-digit GB28181 ID");
        }

        if (DomainOrDefault.Length != 10 || !DomainOrDefault.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"--domain '{DomainOrDefault}' is not a 10-digit SIP domain ID");
        }

        if (MaxExpires < 10 || QueryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("--max-expires must be at least 10 and --query-timeout positive");
        }
    }
}
