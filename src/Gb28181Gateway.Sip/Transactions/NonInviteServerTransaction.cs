using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// RFC 3261 §17.2.2 non-INVITE server transaction. A retransmitted request is absorbed: nothing is sent in
/// Trying, the last provisional again in Proceeding, the final again in Completed; the user sees the
/// request once. Completed lasts Timer J (64*T1 over UDP, nothing over TCP).
/// </summary>
internal sealed class NonInviteServerTransaction : SipServerTransaction
{
    private SipOutboundMessage? _lastProvisional;
    private SipOutboundMessage? _final;
    private TransactionTimer? _timerJ;

    public NonInviteServerTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint source, SipTransactionKey key)
        : base(layer, request, source, key, SipTransactionState.Trying)
    {
    }

    public override async ValueTask SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var outbound = new SipOutboundMessage(response);
        var terminate = false;
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                throw HasFinalResponse
                    ? AlreadyAnswered()
                    : new InvalidOperationException($"the {Method} transaction is {State}; {response.StatusCode} cannot be sent");
            }

            if (response.IsProvisional)
            {
                State = SipTransactionState.Proceeding;
                _lastProvisional = outbound;
            }
            else
            {
                FinalResponse = response;
                _final = outbound;
                var j = Layer.Timers.J(Reliable);
                if (j > TimeSpan.Zero)
                {
                    State = SipTransactionState.Completed;
                    _timerJ = new TransactionTimer(Layer.Time, OnTimerJ);
                    _timerJ.Start(j);
                }
                else
                {
                    State = SipTransactionState.Terminated;
                    terminate = true;
                }
            }
        }

        await TransmitAsync(outbound, retransmission: false);
        if (terminate)
        {
            Terminate();
        }
        else if (!response.IsProvisional)
        {
            // Completed: only the bytes are resent until Timer J (sent first: the transport read the Via)
            lock (Gate)
            {
                outbound.ReleaseMessage();
                _lastProvisional = null;
                ReleaseMessages();
            }
        }
    }

    internal override bool OnRetransmission(SipRequest request)
    {
        SipOutboundMessage? resend;
        lock (Gate)
        {
            resend = State switch
            {
                SipTransactionState.Proceeding => _lastProvisional,
                SipTransactionState.Completed => _final,
                _ => null,
            };
        }

        if (resend is not null)
        {
            Transmit(resend, retransmission: true);
        }

        return true;
    }

    protected override void Terminate()
    {
        lock (Gate)
        {
            _timerJ?.Dispose();
        }

        base.Terminate();
    }

    private void OnTimerJ()
    {
        lock (Gate)
        {
            State = SipTransactionState.Terminated;
        }

        Terminate();
    }
}
