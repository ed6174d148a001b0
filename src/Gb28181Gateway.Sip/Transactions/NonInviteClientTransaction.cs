using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// RFC 3261 §17.1.2 non-INVITE client transaction. Trying: over UDP the request is retransmitted on Timer E
/// (T1, doubling, capped at T2); a provisional moves to Proceeding, where Timer E fires every T2. Timer F
/// (64*T1) gives up with 408 in either state. A final response moves to Completed, where retransmitted
/// responses are absorbed until Timer K (T4 over UDP, at once over TCP).
/// </summary>
internal sealed class NonInviteClientTransaction : SipClientTransaction
{
    public NonInviteClientTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint target, ISipClientTransactionOwner owner,
        SipTransactionKey key)
        : base(layer, request, target, owner, key, SipTransactionState.Trying)
    {
    }

    protected override bool AwaitingFinal => State is SipTransactionState.Trying or SipTransactionState.Proceeding;

    internal override void OnResponse(SipResponse response)
    {
        bool provisional;
        bool final;
        var terminate = false;
        lock (Gate)
        {
            provisional = response.IsProvisional && AwaitingFinal;
            final = !response.IsProvisional && AwaitingFinal;
            if (provisional)
            {
                State = SipTransactionState.Proceeding;
            }
            else if (final)
            {
                StopRetransmitAndTimeout();
                var k = Layer.Timers.T4OrZero(Reliable);
                if (k > TimeSpan.Zero)
                {
                    State = SipTransactionState.Completed;
                    StartEndTimer(k); // Timer K
                }
                else
                {
                    State = SipTransactionState.Terminated;
                    terminate = true;
                }
            }
        }

        if (provisional)
        {
            ReportProvisional(response);
        }
        else if (final)
        {
            ReportFinal(response);
            if (terminate)
            {
                Terminate();
            }
        }
        else
        {
            TransactionLog.ResponseAbsorbed(Layer.Logger, response.StatusCode, Key.Branch);
        }
    }

    /// <summary>Timer E: doubling up to T2 in Trying, every T2 in Proceeding (§17.1.2.2).</summary>
    protected override TimeSpan? NextRetransmitInterval(TimeSpan last) => State switch
    {
        SipTransactionState.Trying => Layer.Timers.Backoff(last),
        SipTransactionState.Proceeding => Layer.Timers.T2,
        _ => null,
    };
}
