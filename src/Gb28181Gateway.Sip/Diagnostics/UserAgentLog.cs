using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Diagnostics;

/// <summary>User agent log events, 1800-1999.</summary>
internal static partial class UserAgentLog
{
    [LoggerMessage(1800, LogLevel.Error, "{Method} handler for a request from {Source} failed")]
    public static partial void HandlerFailed(ILogger logger, string method, SipEndPoint source, Exception exception);

    [LoggerMessage(1801, LogLevel.Warning, "{Method} handler finished without answering the request from {Source}: 500 sent")]
    public static partial void HandlerDidNotAnswer(ILogger logger, string method, SipEndPoint source);

    [LoggerMessage(1802, LogLevel.Information, "{Method} from {Source} has no handler: 405")]
    public static partial void MethodNotAllowed(ILogger logger, string method, SipEndPoint source);

    [LoggerMessage(1803, LogLevel.Debug, "{StatusCode} to {Method} not sent: {Reason}")]
    public static partial void ResponseRejected(ILogger logger, int statusCode, string method, string reason);

    [LoggerMessage(1804, LogLevel.Debug, "response {StatusCode} to {Method} from {Source} (call {CallId}) matches no transaction; dropped")]
    public static partial void StrayResponse(ILogger logger, int statusCode, string method, SipEndPoint source, string callId);

    [LoggerMessage(1805, LogLevel.Debug, "{StatusCode} to {Method}: sending again with credentials (CSeq {CSeq})")]
    public static partial void Authenticating(ILogger logger, int statusCode, string method, uint cseq);

    [LoggerMessage(1806, LogLevel.Warning, "cannot answer the {StatusCode} challenge to {Method}: {Reason}")]
    public static partial void ChallengeNotAnswered(ILogger logger, int statusCode, string method, string reason);

    [LoggerMessage(1807, LogLevel.Information, "INVITE to {Target} (call {CallId}) abandoned: {Reason}")]
    public static partial void InviteAbandoned(ILogger logger, SipEndPoint target, string callId, string reason);

    [LoggerMessage(1808, LogLevel.Warning, "provisional-response callback failed")]
    public static partial void ProvisionalCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(1809, LogLevel.Warning, "2xx to INVITE from {Peer} (call {CallId}) without a To tag: no dialog")]
    public static partial void SuccessWithoutTag(ILogger logger, SipEndPoint peer, string callId);
}
