using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>Log messages of the lower domain (event IDs 4000-4999).</summary>
internal static partial class LowerLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Device {DeviceId} registered from {Source} for {Expires} s ({UserAgent})")]
    public static partial void Registered(ILogger logger, string deviceId, SipEndPoint source, int expires, string? userAgent);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Device {DeviceId} refreshed its registration for {Expires} s")]
    public static partial void Refreshed(ILogger logger, string deviceId, int expires);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Device {DeviceId} unregistered")]
    public static partial void Unregistered(ILogger logger, string deviceId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "REGISTER from {Source} refused with {Status}: {Reason}")]
    public static partial void RegisterRefused(ILogger logger, SipEndPoint source, int status, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Device {DeviceId} at {Source} gave a wrong password ({Failures} failures from that address)")]
    public static partial void WrongPassword(ILogger logger, string deviceId, SipEndPoint source, int failures);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "REGISTER from {Source} throttled after {Failures} failed authentications; retry in {RetryAfter} s")]
    public static partial void Throttled(ILogger logger, SipEndPoint source, int failures, int retryAfter);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Device {DeviceId} at {Source} answered the qop=\"auth\" challenge with plain digest; challenged again ({Failures} failures from that address). Set Sip:DigestQop to none if the device cannot do qop")]
    public static partial void QopMissing(ILogger logger, string deviceId, SipEndPoint source, int failures);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Device {DeviceId} is online at {EndPoint}")]
    public static partial void Online(ILogger logger, string deviceId, string endPoint);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Device {DeviceId} is offline: {Reason}")]
    public static partial void Offline(ILogger logger, string deviceId, DeviceOfflineReason reason);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "{Method} from unregistered device {DeviceId} at {Source} answered {Status} so that it registers again")]
    public static partial void UnknownDevice(ILogger logger, string method, string deviceId, SipEndPoint source, int status);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Loaded {Devices} devices and {Channels} channels from the state store")]
    public static partial void Loaded(ILogger logger, int devices, int channels);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "MANSCDP body from {DeviceId} at {Source} did not parse: {Error}")]
    public static partial void BadBody(ILogger logger, string deviceId, SipEndPoint source, string error);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Answer {CmdType} SN {Sn} from {DeviceId} matches no pending request (late, or the device changed the SN); ignored")]
    public static partial void Unmatched(ILogger logger, string deviceId, string cmdType, long sn);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Debug, Message = "{Root}/{CmdType} from {DeviceId} is not handled; answered 200")]
    public static partial void NotHandled(ILogger logger, string deviceId, Protocol.Manscdp.ManscdpRoot root, string cmdType);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Catalog of {DeviceId}: {Count} channels ({Added} added, {Removed} removed, {Changed} changed)")]
    public static partial void CatalogUpdated(ILogger logger, string deviceId, int count, int added, int removed, int changed);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "Catalog of {DeviceId} incomplete after the query timeout: {Received} of {SumNum} items kept")]
    public static partial void CatalogIncomplete(ILogger logger, string deviceId, int received, int sumNum);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Warning, Message = "Catalog of {DeviceId} refused: {Reason}; the previous catalog ({Count} channels) is kept")]
    public static partial void CatalogRefused(ILogger logger, string deviceId, string reason, int count);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Warning, Message = "Catalog query to {DeviceId} failed: {Error}")]
    public static partial void CatalogQueryFailed(ILogger logger, string deviceId, string error);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Warning, Message = "DeviceInfo query to {DeviceId} failed: {Error}")]
    public static partial void DeviceInfoFailed(ILogger logger, string deviceId, string error);

    [LoggerMessage(EventId = 4035, Level = LogLevel.Information, Message = "ConfigDownload {ConfigType} of {DeviceId} returned without {Missing} (not supported by the device, or not answered within the query timeout)")]
    public static partial void ConfigIncomplete(ILogger logger, string deviceId, string configType, IReadOnlyList<string> missing);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Information, Message = "{Package} subscription to {DeviceId} active for {Expires} s")]
    public static partial void Subscribed(ILogger logger, string deviceId, string package, int expires);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Information, Message = "Device {DeviceId} refused the {Package} SUBSCRIBE with {Status}; it is not subscribed")]
    public static partial void SubscribeRefused(ILogger logger, string deviceId, string package, int status);

    [LoggerMessage(EventId = 4044, Level = LogLevel.Information, Message = "{Package} subscription to {DeviceId} ended with Expires: 0 ({Outcome})")]
    public static partial void Unsubscribed(ILogger logger, string deviceId, string package, EndOutcome outcome);

    [LoggerMessage(EventId = 4043, Level = LogLevel.Information, Message = "Shutdown: {Ended} of {Total} device subscriptions ended with Expires: 0, {Refused} refused, {Unanswered} did not answer within {Deadline} s")]
    public static partial void SubscriptionsEnded(ILogger logger, int ended, int total, int refused, int unanswered, double deadline);

    [LoggerMessage(EventId = 4042, Level = LogLevel.Information, Message = "Catalog notification from {DeviceId}: {Count} changes")]
    public static partial void CatalogNotified(ILogger logger, string deviceId, int count);

    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "Alarm from {DeviceId}: priority {Priority}, method {Method}, {Description}")]
    public static partial void Alarm(ILogger logger, string deviceId, int? priority, int? method, string? description);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Warning, Message = "Answering the alarm of {DeviceId} failed: {Error}")]
    public static partial void AlarmAnswerFailed(ILogger logger, string deviceId, string error);

    [LoggerMessage(EventId = 4060, Level = LogLevel.Debug, Message = "{CmdType} to {DeviceId} (SN {Sn}) failed: {Error}")]
    public static partial void RequestFailed(ILogger logger, string deviceId, string cmdType, long sn, string error);

    [LoggerMessage(EventId = 4061, Level = LogLevel.Error, Message = "Background work for device {DeviceId} failed")]
    public static partial void BackgroundFailed(ILogger logger, string deviceId, Exception exception);
}
