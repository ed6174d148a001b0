using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>Log messages of the upper domain (event IDs 5000-5999).</summary>
internal static partial class UpperLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Platform {Platform}: registered (expires {Expires}s, platform Date {Date})")]
    public static partial void Registered(ILogger logger, string platform, int expires, string? date);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Platform {Platform}: REGISTER failed ({Error}); retrying in {Delay}")]
    public static partial void RegisterFailed(ILogger logger, string platform, string error, TimeSpan delay);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Platform {Platform}: lost ({Reason}); registering again")]
    public static partial void Lost(ILogger logger, string platform, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Platform {Platform}: keepalive not answered ({Error}), {Misses} of {MaxMisses}")]
    public static partial void KeepaliveMissed(ILogger logger, string platform, PlatformAnswer error, int misses, int maxMisses);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Platform {Platform}: unregistered ({Status})")]
    public static partial void Unregistered(ILogger logger, string platform, PlatformAnswer status);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Platform {Platform}: unregistering failed: {Error}")]
    public static partial void UnregisterFailed(ILogger logger, string platform, string error);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Platform {Platform}: registration loop failed; restarting it")]
    public static partial void LoopFailed(ILogger logger, string platform, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "Platform {Platform}: registration refreshed (expires {Expires}s)")]
    public static partial void Refreshed(ILogger logger, string platform, int expires);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Platform {Platform}: REGISTER at {From} redirected ({Status}) to {To}; following")]
    public static partial void Redirected(ILogger logger, string platform, int status, SipEndPoint from, SipEndPoint to);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Platform {Platform}: redirect {Status} from {From} not followed: {Why}; the next attempt starts at the configured address")]
    public static partial void RedirectNotFollowed(ILogger logger, string platform, int status, SipEndPoint from, string why);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Platform {Platform}: REGISTER at the redirect target {Target} failed ({Status}); the next attempt goes to the configured {Host}:{Port}")]
    public static partial void RedirectFailed(ILogger logger, string platform, SipEndPoint target, int status, string host, int port);

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Platform {Platform}: {CmdType} for unknown or unshared ID {TargetId}; answered 404")]
    public static partial void UnknownTarget(ILogger logger, string platform, string cmdType, string targetId);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Platform {Platform}: PTZ on {TargetId} refused (AllowPtz is false)")]
    public static partial void PtzRefused(ILogger logger, string platform, string targetId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Platform {Platform}: unreadable MESSAGE body: {Error}")]
    public static partial void BadBody(ILogger logger, string platform, string error);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Platform {Platform}: Catalog SN {Sn} is already being answered; duplicate ignored")]
    public static partial void DuplicateCatalog(ILogger logger, string platform, long sn);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Platform {Platform}: answer {Index}/{Count} to {CmdType} SN {Sn} not accepted ({Status}); rest of the answer dropped")]
    public static partial void AnswerNotAccepted(ILogger logger, string platform, int index, int count, string cmdType, long sn, string status);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Platform {Platform}: {CmdType} SN {Sn} for {TargetId} ({Channel}) failed below: {Reason} ({Error}); the platform is answered with an empty list or Result ERROR")]
    public static partial void ForwardFailed(ILogger logger, string platform, string cmdType, long sn, string targetId, string channel, string reason, string error);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Error, Message = "Platform {Platform}: forwarding {CmdType} SN {Sn} for {TargetId} ({Channel}) failed in the gateway; the platform is answered with an empty list or Result ERROR")]
    public static partial void ForwardFaulted(ILogger logger, string platform, string cmdType, long sn, string targetId, string channel, Exception exception);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "Platform {Platform}: {CmdType} (SN {Sn}) not supported; answered 405 Not Allowed body-less")]
    public static partial void Unsupported(ILogger logger, string platform, string cmdType, long sn);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Debug, Message = "Platform {Platform}: answered {CmdType} SN {Sn} in {Count} message(s)")]
    public static partial void Answered(ILogger logger, string platform, string cmdType, long sn, int count);

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Platform {Platform}: {Kind} subscription {State} (expires {Expires}s)")]
    public static partial void Subscription(ILogger logger, string platform, PlatformSubscriptionKind kind, string state, int expires);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Platform {Platform}: sending {What} notification failed: {Error}")]
    public static partial void NotifyFailed(ILogger logger, string platform, object what, object error);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Debug, Message = "Platform {Platform}: {CmdType} from {DeviceId} not forwarded: channel {ChannelId} is not shared")]
    public static partial void NotShared(ILogger logger, string platform, string cmdType, string deviceId, string channelId);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Error, Message = "Upper domain event loop failed on {Event}")]
    public static partial void EventFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Error, Message = "Answering a platform request failed")]
    public static partial void WorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5210, Level = LogLevel.Information, Message = "Platform {Platform}: {Kind} subscription passed on to {Count} online device(s) ({Scope})")]
    public static partial void DevicesSubscribing(ILogger logger, string platform, PlatformSubscriptionKind kind, int count, string scope);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Information, Message = "Platform {Platform}: {Kind} subscription ended ({Reason}); {Count} device(s) released")]
    public static partial void DevicesReleased(ILogger logger, string platform, PlatformSubscriptionKind kind, string reason, int count);

    [LoggerMessage(EventId = 5212, Level = LogLevel.Warning, Message = "Platform {Platform}: {Package} subscription of device {DeviceId} failed: {Error}")]
    public static partial void DeviceSubscribeFailed(ILogger logger, string platform, Lower.SubscriptionPackage package, string deviceId, string error);

    [LoggerMessage(EventId = 5213, Level = LogLevel.Warning, Message = "Platform {Platform}: {Kind} SUBSCRIBE names {TargetId}, neither the gateway nor a shared channel or device; no device is subscribed")]
    public static partial void UnknownSubscriptionTarget(ILogger logger, string platform, PlatformSubscriptionKind kind, string targetId);

    [LoggerMessage(EventId = 5300, Level = LogLevel.Warning, Message = "Platform {Platform}: channel {Channel} has ID {ChannelId} already used by another device; renumbered to {UpperId}")]
    public static partial void Renumbered(ILogger logger, string platform, string channel, string channelId, string upperId);
}
