using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Diagnostics;

/// <summary>Dialog log events, 1400-1599.</summary>
internal static partial class DialogLog
{
    [LoggerMessage(1400, LogLevel.Debug, "{Method} dialog {Id} created ({Side}, {State}) with {Peer}")]
    public static partial void Created(ILogger logger, string method, SipDialogId id, string side, SipDialogState state, SipEndPoint peer);

    [LoggerMessage(1401, LogLevel.Debug, "dialog {Id} terminated: {Reason}")]
    public static partial void Terminated(ILogger logger, SipDialogId id, SipDialogEndReason reason);

    [LoggerMessage(1402, LogLevel.Warning, "no ACK from {Peer} for the 2xx of dialog {Id} within 64*T1; the call should be ended")]
    public static partial void AckNeverArrived(ILogger logger, SipDialogId id, SipEndPoint peer);

    [LoggerMessage(1403, LogLevel.Information, "{Method} from {Source} for unknown dialog (call {CallId}): 481")]
    public static partial void UnknownDialog(ILogger logger, string method, SipEndPoint source, string callId);

    [LoggerMessage(1404, LogLevel.Warning, "{Method} from {Source} in dialog {Id} has CSeq {CSeq} below {Last}: 500")]
    public static partial void CSeqOutOfOrder(ILogger logger, string method, SipEndPoint source, SipDialogId id, uint cseq, uint last);

    [LoggerMessage(1405, LogLevel.Debug, "ACK from {Source} matches no dialog (call {CallId}); dropped")]
    public static partial void StrayAck(ILogger logger, SipEndPoint source, string callId);

    [LoggerMessage(1406, LogLevel.Information, "a further 2xx from {Peer} for call {CallId} (tag {Tag}) is acknowledged and ended with BYE")]
    public static partial void ExtraDialogEnded(ILogger logger, SipEndPoint peer, string callId, string tag);
}
