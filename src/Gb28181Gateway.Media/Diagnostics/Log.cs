using System.Net;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Media.Diagnostics;

/// <summary>Media layer log messages: event IDs 3000-3999.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "RTP relay on {ListenAddress} ports {PortMin}-{PortMax}, advertised as {AdvertisedAddress}")]
    public static partial void Started(this ILogger logger, IPAddress listenAddress, int portMin, int portMax, IPAddress? advertisedAddress);

    [LoggerMessage(3001, LogLevel.Warning, "Media ports exhausted: {Detail}")]
    public static partial void PortsExhausted(this ILogger logger, string detail);

    [LoggerMessage(3010, LogLevel.Debug, "Relay session {SessionId} created, device leg {Transport} on port {Port}")]
    public static partial void SessionCreated(this ILogger logger, long sessionId, MediaTransport transport, int port);

    [LoggerMessage(3011, LogLevel.Debug, "Relay session {SessionId} closed after {Packets} packets from the device")]
    public static partial void SessionClosed(this ILogger logger, long sessionId, long packets);

    [LoggerMessage(3012, LogLevel.Debug, "Relay session {SessionId}: platform leg {Transport} on port {Port}, SSRC {Ssrc}")]
    public static partial void PlatformAdded(this ILogger logger, long sessionId, MediaTransport transport, int port, uint? ssrc);

    [LoggerMessage(3013, LogLevel.Debug, "Relay session {SessionId}: platform leg on port {Port} removed after {Packets} packets")]
    public static partial void PlatformRemoved(this ILogger logger, long sessionId, int port, long packets);

    [LoggerMessage(3020, LogLevel.Information, "Relay session {SessionId}: device connected on port {Port} from {Remote}")]
    public static partial void DeviceConnected(this ILogger logger, long sessionId, int port, IPEndPoint remote);

    [LoggerMessage(3021, LogLevel.Information, "Relay session {SessionId}: platform connected on port {Port} with {Remote}")]
    public static partial void PlatformConnected(this ILogger logger, long sessionId, int port, IPEndPoint remote);

    [LoggerMessage(3022, LogLevel.Warning, "Relay session {SessionId}: refused a TCP connection on port {Port} from {Remote}")]
    public static partial void ConnectionRefused(this ILogger logger, long sessionId, int port, IPEndPoint remote);

    [LoggerMessage(3023, LogLevel.Information, "Relay session {SessionId}: {Side} TCP leg on port {Port} closed ({Reason})")]
    public static partial void LegClosed(this ILogger logger, long sessionId, string side, int port, MediaLegCloseReason reason);

    [LoggerMessage(3024, LogLevel.Warning, "Relay session {SessionId}: bytes from {Remote} on port {Port} are not RTP framing ({Buffered} bytes buffered); connection closed")]
    public static partial void FramingError(this ILogger logger, long sessionId, int port, IPEndPoint? remote, int buffered);

    [LoggerMessage(3025, LogLevel.Warning, "Relay session {SessionId}: dropping RTP from {Source} on port {Port}, expecting {Expected} (logged once per session)")]
    public static partial void UnexpectedSource(this ILogger logger, long sessionId, int port, EndPoint? source, IPEndPoint? expected);

    [LoggerMessage(3030, LogLevel.Error, "Relay session {SessionId}: receiving on port {Port} failed; the device leg stopped")]
    public static partial void ReceiveFailed(this ILogger logger, long sessionId, int port, Exception exception);

    [LoggerMessage(3031, LogLevel.Error, "Relay session {SessionId}: a LegClosed handler threw")]
    public static partial void LegClosedHandlerFailed(this ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(3032, LogLevel.Error, "Relay session {SessionId}: forwarding a packet failed")]
    public static partial void ForwardFailed(this ILogger logger, long sessionId, Exception exception);
}
