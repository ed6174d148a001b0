using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Diagnostics;

/// <summary>Transport log events, 1000-1199.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(1000, LogLevel.Information, "SIP listening on {LocalEndPoint} (udp: {Udp}, tcp: {Tcp})")]
    public static partial void Listening(ILogger logger, IPEndPoint localEndPoint, bool udp, bool tcp);

    [LoggerMessage(1001, LogLevel.Information, "SIP transport on {LocalEndPoint} stopped")]
    public static partial void Stopped(ILogger logger, IPEndPoint localEndPoint);

    [LoggerMessage(1002, LogLevel.Warning, "UDP receive on {LocalEndPoint} failed: {Error}")]
    public static partial void UdpReceiveFailed(ILogger logger, IPEndPoint localEndPoint, SocketError error, Exception exception);

    [LoggerMessage(1003, LogLevel.Debug, "UDP on {LocalEndPoint}: ICMP error {Error} for an unknown destination")]
    public static partial void UdpIcmpWithoutAddress(ILogger logger, IPEndPoint localEndPoint, SocketError error);

    [LoggerMessage(1004, LogLevel.Information, "UDP destination {Target} unreachable ({Error})")]
    public static partial void UdpUnreachable(ILogger logger, IPEndPoint target, SocketError error);

    [LoggerMessage(1010, LogLevel.Warning, "malformed request from {Source} answered {StatusCode}: {Error} ({Suppressed} similar not logged)")]
    public static partial void MalformedRequestAnswered(ILogger logger, SipEndPoint source, string error, int statusCode, long suppressed);

    [LoggerMessage(1011, LogLevel.Warning, "malformed {Kind} from {Source} dropped: {Error} ({Suppressed} similar not logged)")]
    public static partial void MalformedMessageDropped(ILogger logger, SipEndPoint source, string kind, string error, long suppressed);

    [LoggerMessage(1012, LogLevel.Warning, "TCP stream from {Remote} cannot be framed, closing: {Error} ({Suppressed} similar not logged)")]
    public static partial void FramingError(ILogger logger, IPEndPoint remote, string error, long suppressed);

    [LoggerMessage(1013, LogLevel.Debug, "error response to {Source} not sent: {Reason}")]
    public static partial void ErrorResponseNotSent(ILogger logger, SipEndPoint source, string reason);

    [LoggerMessage(1014, LogLevel.Error, "processing a message from {Source} failed")]
    public static partial void ReceiverFailed(ILogger logger, SipEndPoint source, Exception exception);

    [LoggerMessage(1020, LogLevel.Debug, "TCP connection from {Remote} accepted on {Local}")]
    public static partial void TcpAccepted(ILogger logger, IPEndPoint remote, IPEndPoint local);

    [LoggerMessage(1021, LogLevel.Debug, "TCP connection to {Remote} opened from {Local}")]
    public static partial void TcpConnected(ILogger logger, IPEndPoint remote, IPEndPoint local);

    [LoggerMessage(1022, LogLevel.Debug, "TCP connection with {Remote} closed: {Reason}")]
    public static partial void TcpClosed(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1023, LogLevel.Information, "TCP connection with {Remote} idle for {Idle}, closing")]
    public static partial void TcpIdle(ILogger logger, IPEndPoint remote, TimeSpan idle);

    [LoggerMessage(1024, LogLevel.Warning, "TCP connection from {Remote} refused: {Max} connections open ({Suppressed} similar not logged)")]
    public static partial void TcpRefused(ILogger logger, IPEndPoint? remote, int max, long suppressed);

    [LoggerMessage(1025, LogLevel.Warning, "TCP connect to {Remote} failed: {Reason}")]
    public static partial void TcpConnectFailed(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1026, LogLevel.Warning, "TCP accept on {LocalEndPoint} failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, IPEndPoint localEndPoint, SocketError error, Exception exception);

    [LoggerMessage(1030, LogLevel.Warning, "no route to {Remote} ({Error}); advertising loopback")]
    public static partial void NoRoute(ILogger logger, IPAddress remote, SocketError error);
}
