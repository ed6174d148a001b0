using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media;

/// <summary>The <c>Gateway:Media</c> configuration section.</summary>
public sealed class MediaOptions
{
    /// <summary>The section these options bind from.</summary>
    public const string SectionName = "Media";

    /// <summary>Address the media ports are bound on (<c>0.0.0.0</c> = every IPv4 interface; an IPv6 address enables dual-stack).</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Address advertised in SDP when the gateway is behind NAT; empty = the listen address (or the SIP interface's when that is a wildcard).</summary>
    public string ExternalAddress { get; set; } = "";

    /// <summary>Lowest media port (inclusive). Each leg takes one port: RTP only, no RTCP port (see README, "RTCP").</summary>
    public int PortMin { get; set; } = 30000;

    /// <summary>Highest media port (inclusive).</summary>
    public int PortMax { get; set; } = 30999;

    /// <summary>Not used by the relay: the B2BUA tears a session down after this long without media (<see cref="RelaySession.IdleTime"/>).</summary>
    public int NoMediaTimeoutSeconds { get; set; } = 20;

    /// <summary>Which sources a device leg accepts; see <see cref="Media.SourceCheck"/>.</summary>
    public SourceCheck SourceCheck { get; set; } = SourceCheck.Address;

    /// <summary>
    /// Before the device's SDP answer gives its address, accept the first source (and only it) when true;
    /// drop everything until the answer when false.
    /// </summary>
    public bool LatchBeforeAnswer { get; set; } = true;

    /// <summary>Timeout for a TCP-active leg's connect.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Bytes queued per TCP platform leg when the platform reads slower than the device sends (on top of the
    /// kernel's socket buffer). Beyond it whole packets are dropped (reason <c>egress_overflow</c>).
    /// </summary>
    public int TcpBacklogBytes { get; set; } = 512 * 1024;

    /// <summary>How UDP device legs wait for datagrams; see <see cref="Media.UdpReceiveMode"/>.</summary>
    public UdpReceiveMode UdpReceive { get; set; } = UdpReceiveMode.Thread;

    /// <summary>
    /// Datagrams a UDP device leg takes per receive call in <see cref="UdpReceiveMode.Thread"/> mode on Linux
    /// (<c>recvmmsg</c>; every platform leg then sends them with one <c>sendmmsg</c>): 1-64, default 16 (a
    /// camera's frame burst is ~14 packets). 1 = one <c>recvfrom</c>/<c>sendto</c> per datagram, as on other systems.
    /// Each leg reserves UdpBatch x 64 KiB of address space; only the pages datagrams are written to are resident.
    /// </summary>
    public int UdpBatch { get; set; } = 16;

    /// <summary>Every problem with these options, each naming its key; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(ListenAddress, out var listen)
            || listen.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            errors.Add($"Media:ListenAddress '{ListenAddress}' is not an IPv4 or IPv6 address");
        }

        if (!string.IsNullOrEmpty(ExternalAddress) && !IPAddress.TryParse(ExternalAddress, out _))
        {
            errors.Add($"Media:ExternalAddress '{ExternalAddress}' is not an IP address (SDP c= needs one)");
        }

        if (PortMin is < 1 or > 65535)
        {
            errors.Add($"Media:PortMin {PortMin} is outside 1-65535");
        }

        if (PortMax is < 1 or > 65535)
        {
            errors.Add($"Media:PortMax {PortMax} is outside 1-65535");
        }

        if (PortMax < PortMin)
        {
            errors.Add($"Media:PortMax {PortMax} is below Media:PortMin {PortMin}");
        }

        if (NoMediaTimeoutSeconds < 1)
        {
            errors.Add($"Media:NoMediaTimeoutSeconds {NoMediaTimeoutSeconds} must be at least 1");
        }

        if (!Enum.IsDefined(SourceCheck))
        {
            errors.Add($"Media:SourceCheck {SourceCheck} is not one of Address, AddressAndPort, Latch, Off");
        }

        if (!Enum.IsDefined(UdpReceive))
        {
            errors.Add($"Media:UdpReceive {UdpReceive} is not one of Thread, Async");
        }

        if (UdpBatch is < 1 or > Relay.Linux.UdpDatagramBatch.MaxCapacity)
        {
            errors.Add($"Media:UdpBatch {UdpBatch} is outside 1-{Relay.Linux.UdpDatagramBatch.MaxCapacity} (datagrams per receive call; 1 = one per call)");
        }

        if (ConnectTimeoutSeconds < 1)
        {
            errors.Add($"Media:ConnectTimeoutSeconds {ConnectTimeoutSeconds} must be at least 1");
        }

        if (TcpBacklogBytes < Framing.RtpTcpFrameScanner.MaxFrameLength)
        {
            errors.Add($"Media:TcpBacklogBytes {TcpBacklogBytes} must be at least {Framing.RtpTcpFrameScanner.MaxFrameLength} (one maximal RFC 4571 frame)");
        }

        return errors;
    }
}
