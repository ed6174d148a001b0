using System.Net;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Simulator;

/// <summary>Simulator log events (9000-9999): 9000 devices, 9300 media, 9500 platform.</summary>
internal static partial class Log
{
    [LoggerMessage(9000, LogLevel.Information, "Device farm: {Count} devices x {Channels} channels on {Transports} {Transport} socket(s), server {Server}")]
    public static partial void FarmStarted(ILogger logger, int count, int channels, int transports, string transport, SipEndPoint server);

    [LoggerMessage(9001, LogLevel.Debug, "Device {DeviceId} registered (expires {Expires} s)")]
    public static partial void Registered(ILogger logger, string deviceId, int expires);

    [LoggerMessage(9002, LogLevel.Warning, "Device {DeviceId} registration failed: {StatusCode} {Reason}")]
    public static partial void RegistrationFailed(ILogger logger, string deviceId, int statusCode, string reason);

    [LoggerMessage(9003, LogLevel.Warning, "Device {DeviceId} keepalive answered {StatusCode}: registering again")]
    public static partial void KeepaliveRejected(ILogger logger, string deviceId, int statusCode);

    [LoggerMessage(9004, LogLevel.Warning, "Device {DeviceId}: {Misses} keepalives unanswered, registering again")]
    public static partial void KeepaliveLost(ILogger logger, string deviceId, int misses);

    [LoggerMessage(9010, LogLevel.Information, "Device {DeviceId}: {CmdType} query (SN {Sn}) answered with {Messages} message(s)")]
    public static partial void QueryAnswered(ILogger logger, string deviceId, string cmdType, long sn, int messages);

    [LoggerMessage(9011, LogLevel.Information, "Device {DeviceId}: DeviceControl for {TargetId}: {Command}")]
    public static partial void ControlReceived(ILogger logger, string deviceId, string targetId, string command);

    [LoggerMessage(9012, LogLevel.Warning, "Unreadable MANSCDP body from {Source}: {Reason}")]
    public static partial void BadBody(ILogger logger, SipEndPoint source, string reason);

    [LoggerMessage(9013, LogLevel.Warning, "Request {Method} for unknown ID {Id} from {Source}: 404")]
    public static partial void UnknownTarget(ILogger logger, string method, string id, SipEndPoint source);

    [LoggerMessage(9014, LogLevel.Warning, "Device {DeviceId}: sending {CmdType} answer failed: {StatusCode}")]
    public static partial void AnswerFailed(ILogger logger, string deviceId, string cmdType, int statusCode);

    [LoggerMessage(9015, LogLevel.Information, "Device {DeviceId}: {Event} subscription accepted (expires {Expires} s)")]
    public static partial void SubscriptionAccepted(ILogger logger, string deviceId, string @event, int expires);

    [LoggerMessage(9300, LogLevel.Information, "Channel {ChannelId}: streaming to {Target} over {Transport}, SSRC {Ssrc}")]
    public static partial void StreamStarted(ILogger logger, string channelId, EndPoint target, string transport, string ssrc);

    [LoggerMessage(9301, LogLevel.Information, "Channel {ChannelId}: stream ended after {Packets} packets ({Reason})")]
    public static partial void StreamEnded(ILogger logger, string channelId, long packets, string reason);

    [LoggerMessage(9302, LogLevel.Warning, "Channel {ChannelId}: INVITE refused with {StatusCode}: {Reason}")]
    public static partial void InviteRefused(ILogger logger, string channelId, int statusCode, string reason);

    [LoggerMessage(9303, LogLevel.Information, "Channel {ChannelId}: playback control {Command}")]
    public static partial void PlaybackControl(ILogger logger, string channelId, string command);

    [LoggerMessage(9500, LogLevel.Information, "Platform {ServerId} listening on {EndPoint}")]
    public static partial void PlatformListening(ILogger logger, string serverId, IPEndPoint endPoint);

    [LoggerMessage(9501, LogLevel.Information, "Client {ClientId} registered from {Source} (expires {Expires} s)")]
    public static partial void ClientRegistered(ILogger logger, string clientId, SipEndPoint source, int expires);

    [LoggerMessage(9502, LogLevel.Warning, "Client {ClientId} from {Source}: wrong password (403)")]
    public static partial void ClientWrongPassword(ILogger logger, string clientId, SipEndPoint source);

    [LoggerMessage(9503, LogLevel.Warning, "{CmdType} query to {ClientId} answered {StatusCode}")]
    public static partial void QueryRejected(ILogger logger, string cmdType, string clientId, int statusCode);

    [LoggerMessage(9504, LogLevel.Warning, "INVITE of {ChannelId} answered {StatusCode} {Reason}")]
    public static partial void PlayFailed(ILogger logger, string channelId, int statusCode, string reason);

    [LoggerMessage(9505, LogLevel.Information, "Client {ClientId} unregistered")]
    public static partial void ClientUnregistered(ILogger logger, string clientId);
}
