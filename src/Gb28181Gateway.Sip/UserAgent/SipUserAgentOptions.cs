using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;

namespace Gb28181Gateway.Sip.UserAgent;

/// <summary>Settings of a <see cref="SipUserAgent"/>.</summary>
public sealed class SipUserAgentOptions
{
    /// <summary>RTT estimate (RFC 3261 T1): first retransmission interval; 64*T1 is every transaction timeout.</summary>
    public TimeSpan T1 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest retransmission interval for non-INVITE requests and INVITE responses.</summary>
    public TimeSpan T2 { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a message may stay in the network (Timers I and K over UDP).</summary>
    public TimeSpan T4 { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>User-Agent header on the requests the stack builds; none when empty.</summary>
    public string? UserAgent { get; set; }

    public int MaxForwards { get; set; } = 70;

    /// <summary>After a CANCEL, how long the INVITE handler has to answer (487) before the stack sends 487 itself.</summary>
    public TimeSpan CancelAnswerTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An outgoing INVITE with no final response after this long is cancelled and reported as 408 (the stack
    /// sends CANCEL once a provisional arrived, as RFC 3261 Timer C would). Per request: <see cref="SipRequestOptions.InviteTimeout"/>.
    /// </summary>
    public TimeSpan InviteTimeout { get; set; } = TimeSpan.FromMinutes(3);

    internal SipTimers Timers => new(T1, T2, T4);

    internal void Validate()
    {
        Timers.Validate();
        if (MaxForwards is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxForwards), MaxForwards, "Max-Forwards must be 1-255");
        }

        if (CancelAnswerTimeout < TimeSpan.Zero || InviteTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InviteTimeout), "CancelAnswerTimeout must not be negative and InviteTimeout must be positive");
        }
    }
}

/// <summary>Per-request settings for <see cref="SipUserAgent.SendRequestAsync"/>, <see cref="SipUserAgent.InviteAsync"/> and dialog requests.</summary>
public sealed class SipRequestOptions
{
    /// <summary>
    /// Answers a 401/407 once (again only when the server says stale=true): the request is re-sent with the same
    /// Call-ID and From tag, CSeq+1, a new branch and the Authorization (or Proxy-Authorization) header.
    /// Keep one instance per peer and credential so the nonce count carries over.
    /// </summary>
    public DigestClient? Credentials { get; init; }

    /// <summary>Called for each provisional response (1xx), on the receive path: do not block.</summary>
    public Action<SipResponse>? OnProvisional { get; init; }

    /// <summary>Overrides <see cref="SipUserAgentOptions.InviteTimeout"/> for one INVITE.</summary>
    public TimeSpan? InviteTimeout { get; init; }
}

/// <summary>The outcome of an INVITE or SUBSCRIBE: the final response, and the dialog when it was a 2xx.</summary>
public sealed class SipDialogResult
{
    internal SipDialogResult(SipResponse response, SipDialog? dialog)
    {
        Response = response;
        Dialog = dialog;
    }

    public SipResponse Response { get; }

    /// <summary>The confirmed dialog (the ACK already sent for an INVITE), or null when the request failed.</summary>
    public SipDialog? Dialog { get; }

    public bool IsSuccess => Dialog is not null;

    public int StatusCode => Response.StatusCode;
}
