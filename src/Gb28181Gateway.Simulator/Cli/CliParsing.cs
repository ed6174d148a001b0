using System.Net;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Simulator.Cli;

/// <summary>Option values the CLI turns into typed settings, with errors that name the option.</summary>
internal static class CliParsing
{
    public static IPEndPoint EndPoint(string option, string text) =>
        IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0 || IPEndPoint.TryParse(text, out endPoint) && option == "--listen"
            ? endPoint
            : throw new ArgumentException($"{option} '{text}' is not an address:port (e.g. 127.0.0.1:5060)");

    public static IPAddress Address(string option, string text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new ArgumentException($"{option} '{text}' is not an IP address");

    public static SipTransportKind Transport(string text) => text.ToLowerInvariant() switch
    {
        "udp" => SipTransportKind.Udp,
        "tcp" => SipTransportKind.Tcp,
        _ => throw new ArgumentException($"--transport '{text}' must be udp or tcp"),
    };
}
