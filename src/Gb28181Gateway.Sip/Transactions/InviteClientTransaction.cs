using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// RFC 3261 §17.1.1 INVITE client transaction, with RFC 6026's Accepted state.
/// Calling: the INVITE is retransmitted over UDP on Timer A (T1, doubling without cap); Timer B (64*T1)
/// gives up with 408. A provisional moves to Proceeding (no more retransmissions, no timeout: the user's
/// own timer decides when to CANCEL). A 300-699 is acknowledged here, with the INVITE's branch (§17.1.1.3),
/// and every retransmission of it gets the same ACK until Timer D. A 2xx moves to Accepted for Timer M
/// (64*T1); further 2xx responses go to the owner, which acknowledges each (the ACK for a 2xx is the
/// user agent's, §13.2.2.4).
/// </summary>
internal sealed class InviteClientTransaction : SipClientTransaction
{
    private SipOutboundMessage? _ack;

    public InviteClientTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint target, ISipClientTransactionOwner owner, SipTransactionKey key)
        : base(layer, request, target, owner, key, SipTransactionState.Calling)
    {
    }

    /// <summary>True once a provisional arrived: from then on a CANCEL may be sent (§9.1).</summary>
    public bool HasProvisional { get; private set; }

    protected override bool AwaitingFinal => State is SipTransactionState.Calling or SipTransactionState.Proceeding;

    /// <summary>Timer B gives up only in Calling: once a provisional arrived the user's own timer decides when to CANCEL.</summary>
    protected override bool TimeoutApplies => State == SipTransactionState.Calling;

    internal override void OnResponse(SipResponse response)
    {
        var action = Action.None;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsProvisional:
                    State = SipTransactionState.Proceeding;
                    HasProvisional = true;
                    StopRetransmitting();
                    action = Action.Provisional;
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsSuccess:
                    State = SipTransactionState.Accepted;
                    StopRetransmitAndTimeout();
                    StartEndTimer(Layer.Timers.Timeout); // Timer M
                    action = Action.Final;
                    break;
                case SipTransactionState.Calling or SipTransactionState.Proceeding:
                    StopRetransmitAndTimeout();
                    _ack = new SipOutboundMessage(CreateAck(response));
                    var d = Layer.Timers.D(Reliable);
                    if (d > TimeSpan.Zero)
                    {
                        State = SipTransactionState.Completed;
                        StartEndTimer(d);
                    }
                    else
                    {
                        State = SipTransactionState.Terminated;
                    }

                    action = Action.AckFinal;
                    break;
                case SipTransactionState.Completed when response.StatusCode >= 300:
                    action = Action.AckAgain;
                    break;
                case SipTransactionState.Accepted when response.IsSuccess:
                    action = Action.Additional2xx;
                    break;
            }
        }

        switch (action)
        {
            case Action.Provisional:
                ReportProvisional(response);
                break;
            case Action.Final:
                ReportFinal(response);
                break;
            case Action.AckFinal:
                Send(_ack!, retransmission: false);
                ReportFinal(response);
                if (Reliable)
                {
                    Terminate();
                }

                break;
            case Action.AckAgain:
                TransactionLog.ResponseAbsorbed(Layer.Logger, response.StatusCode, Key.Branch);
                Send(_ack!, retransmission: true);
                break;
            case Action.Additional2xx:
                ReportAdditional2xx(response);
                break;
        }
    }

    /// <summary>Timer A: only in Calling, doubling without cap (§17.1.1.2).</summary>
    protected override TimeSpan? NextRetransmitInterval(TimeSpan last) =>
        State == SipTransactionState.Calling ? last * 2 : null;

    /// <summary>§17.1.1.3: Request-URI, Call-ID, From, CSeq number and Route of the INVITE, the To of the response, the INVITE's top Via only.</summary>
    private SipRequest CreateAck(SipResponse response)
    {
        var ack = new SipRequest(SipMethod.Ack, Request.RequestUri);
        var h = ack.Headers;
        h.Add(SipHeaderKind.Via, Request.TopVia!);
        h.CopyFrom(response.Headers, SipHeaderKind.To);
        h.CopyFrom(Request.Headers, SipHeaderKind.From);
        h.CopyFrom(Request.Headers, SipHeaderKind.CallId);
        h.Add(SipHeaderKind.CSeq, new SipCSeq(Request.CSeq.Number, SipMethod.Ack));
        h.CopyFrom(Request.Headers, SipHeaderKind.Route);
        h.Add(SipHeaderKind.MaxForwards, 70);
        return ack;
    }

    private enum Action
    {
        None,
        Provisional,
        Final,
        AckFinal,
        AckAgain,
        Additional2xx,
    }
}
