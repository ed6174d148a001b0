namespace Gb28181Gateway.Sip.Dialogs;

/// <summary>A dialog's identity (RFC 3261 §12): Call-ID and the two tags, ours first. Compared exactly.</summary>
public readonly record struct SipDialogId(string CallId, string LocalTag, string RemoteTag)
{
    public override string ToString() => CallId + ";local=" + LocalTag + ";remote=" + RemoteTag;
}

public enum SipDialogState
{
    /// <summary>Created by a 101-199 with a To tag; becomes Confirmed on the 2xx, or ends on a failure.</summary>
    Early,

    Confirmed,

    Terminated,
}

/// <summary>Why a dialog ended.</summary>
public enum SipDialogEndReason
{
    /// <summary>We sent BYE.</summary>
    ByeSent,

    /// <summary>The peer sent BYE.</summary>
    ByeReceived,

    /// <summary>An early dialog whose INVITE got a non-2xx final response (or another fork's 2xx).</summary>
    Rejected,

    /// <summary>An in-dialog request got 481 or 408, or could not be sent (RFC 5057 §5.1).</summary>
    RequestFailed,

    /// <summary>The application ended it without BYE (<see cref="SipDialog.Terminate"/>), e.g. a subscription that expired.</summary>
    Local,

    /// <summary>The user agent was disposed.</summary>
    Shutdown,
}
