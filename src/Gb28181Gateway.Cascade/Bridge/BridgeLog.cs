using System.Net;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>The bridge's log messages (event IDs 6000-6999).</summary>
internal static partial class BridgeLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "INVITE from platform {Platform} for {UpperChannelId} ({Channel}, {Kind}), media to {Remote}")]
    public static partial void PlatformInvite(ILogger logger, string platform, string upperChannelId, ChannelRef channel, SdpSessionKind kind, IPEndPoint remote);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "INVITE from platform {Platform} for {UpperChannelId} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string platform, string upperChannelId, int status, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Platform {Platform} cancelled its INVITE for {UpperChannelId}")]
    public static partial void Cancelled(ILogger logger, string platform, string upperChannelId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "INVITE to channel {ChannelId} failed (status {Status}): {Reason}")]
    public static partial void DeviceInviteFailed(ILogger logger, string channelId, int status, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Live stream of {Channel} is running: sharing it")]
    public static partial void Sharing(ILogger logger, ChannelRef channel);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Session {SessionId} started: {Channel} to platform '{Platform}' at {PlatformMedia}, SSRC {Ssrc}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, ChannelRef channel, string platform, string platformMedia, Ssrc ssrc);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Session {SessionId} ({Channel}, platform '{Platform}') ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, ChannelRef channel, string platform, string reason);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "Device stream of {Channel} ({Kind}) ended: {Reason}")]
    public static partial void StreamEnded(ILogger logger, ChannelRef channel, SdpSessionKind kind, string reason);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "No media from {Channel} for {Seconds} s: ending its sessions")]
    public static partial void NoMedia(ILogger logger, ChannelRef channel, int seconds);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "BYE to {Peer} (Call-ID {CallId}) answered {Status}")]
    public static partial void ByeAnswered(ILogger logger, string peer, string callId, int status);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "BYE to {Peer} (Call-ID {CallId}) failed")]
    public static partial void ByeFailed(ILogger logger, string peer, string callId, Exception exception);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Session {SessionId}: media to {Remote} failed: {Reason}")]
    public static partial void ViewerConnectFailed(ILogger logger, string sessionId, string remote, string reason);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "Session {SessionId} of {Channel} was left by a previous process: ending both dialogs")]
    public static partial void StaleSession(ILogger logger, string sessionId, ChannelRef channel);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Information, Message = "BYE from a stale session to {Peer} (Call-ID {CallId}) answered {Status}")]
    public static partial void StaleBye(ILogger logger, string peer, string callId, int status);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Information, Message = "Session {SessionId}: MediaStatus {NotifyType} relayed to platform '{Platform}', answered {Status}")]
    public static partial void MediaStatusRelayed(ILogger logger, string sessionId, int notifyType, string platform, int status);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Warning, Message = "Session {SessionId} ({Channel}, platform '{Platform}'): the platform's media connection closed ({Reason}): ending the viewer")]
    public static partial void PlatformMediaClosed(ILogger logger, string sessionId, ChannelRef channel, string platform, MediaLegCloseReason reason);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Warning, Message = "Device stream of {Channel}: the device answered {Answered} to an offer of {Offered}: BYE to the device, {Status} to its viewers")]
    public static partial void DeviceTransportMismatch(ILogger logger, ChannelRef channel, string answered, string offered, int status);
}
