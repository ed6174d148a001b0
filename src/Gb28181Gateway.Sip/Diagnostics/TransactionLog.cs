using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Diagnostics;

/// <summary>Transaction log events, 1200-1399.</summary>
internal static partial class TransactionLog
{
    [LoggerMessage(1200, LogLevel.Debug, "retransmitting {Message} to {Peer} (branch {Branch})")]
    public static partial void Retransmitting(ILogger logger, string message, SipEndPoint peer, string branch);

    [LoggerMessage(1201, LogLevel.Warning, "{Method} to {Target} timed out (branch {Branch})")]
    public static partial void TimedOut(ILogger logger, string method, SipEndPoint target, string branch);

    [LoggerMessage(1202, LogLevel.Warning, "{Method} to {Target} failed: {Error}")]
    public static partial void TransportError(ILogger logger, string method, SipEndPoint target, string error);

    [LoggerMessage(1203, LogLevel.Debug, "retransmitted {Method} from {Source} absorbed (branch {Branch})")]
    public static partial void RequestAbsorbed(ILogger logger, string method, SipEndPoint source, string branch);

    [LoggerMessage(1204, LogLevel.Debug, "retransmitted {StatusCode} absorbed (branch {Branch})")]
    public static partial void ResponseAbsorbed(ILogger logger, int statusCode, string branch);

    [LoggerMessage(1205, LogLevel.Warning, "response {Response} to {Peer} not sent: {Error}")]
    public static partial void ResponseNotSent(ILogger logger, string response, SipEndPoint peer, string error);

    [LoggerMessage(1206, LogLevel.Warning, "no ACK from {Peer} for {StatusCode} within 64*T1 (branch {Branch})")]
    public static partial void AckNotReceived(ILogger logger, int statusCode, SipEndPoint peer, string branch);

    [LoggerMessage(1207, LogLevel.Information, "CANCEL from {Source} for call {CallId} matched a pending INVITE")]
    public static partial void CancelMatched(ILogger logger, string callId, SipEndPoint source);

    [LoggerMessage(1208, LogLevel.Information, "CANCEL from {Source} for call {CallId} matches no pending INVITE: 481")]
    public static partial void CancelUnmatched(ILogger logger, string callId, SipEndPoint source);

    [LoggerMessage(1209, LogLevel.Information, "cancelled INVITE from {Source} (call {CallId}) not answered in time: 487 sent by the stack")]
    public static partial void CancelAnsweredByStack(ILogger logger, string callId, SipEndPoint source);
}
