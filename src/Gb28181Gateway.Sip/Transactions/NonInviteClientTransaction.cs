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
    private TransactionTimer? _timerE;
    private TransactionTimer? _timerF;
    private TransactionTimer? _timerK;
    private TimeSpan _intervalE;

    public NonInviteClientTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint target, ISipClientTransactionOwner owner,
        SipTransactionKey key)
        : base(layer, request, target, owner, key, SipTransactionState.Trying)
    {
    }

    public override void Start()
    {
        lock (Gate)
        {
            if (!Reliable)
            {
                _intervalE = Layer.Timers.T1;
                _timerE = new TransactionTimer(Layer.Time, OnTimerE);
                _timerE.Start(_intervalE);
            }

            _timerF = new TransactionTimer(Layer.Time, OnTimerF);
            _timerF.Start(Layer.Timers.Timeout);
        }

        Send(Outbound, retransmission: false);
    }

    internal override void OnResponse(SipResponse response)
    {
        bool provisional;
        bool final;
        var terminate = false;
        lock (Gate)
        {
            provisional = response.IsProvisional && State is SipTransactionState.Trying or SipTransactionState.Proceeding;
            final = !response.IsProvisional && State is SipTransactionState.Trying or SipTransactionState.Proceeding;
            if (provisional)
            {
                State = SipTransactionState.Proceeding;
            }
            else if (final)
            {
                _timerE?.Stop();
                _timerF?.Stop();
                var k = Layer.Timers.T4OrZero(Reliable);
                if (k > TimeSpan.Zero)
                {
                    State = SipTransactionState.Completed;
                    _timerK = new TransactionTimer(Layer.Time, OnTimerK);
                    _timerK.Start(k);
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

    internal override void OnTransportError(string error)
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }

            State = SipTransactionState.Terminated;
        }

        TransactionLog.TransportError(Layer.Logger, Request.Method, Target, error);
        ReportFinal(LocalResponse(SipStatus.ServiceUnavailable, error));
        Terminate();
    }

    protected override void Terminate()
    {
        lock (Gate)
        {
            _timerE?.Dispose();
            _timerF?.Dispose();
            _timerK?.Dispose();
        }

        base.Terminate();
    }

    private void OnTimerE()
    {
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Trying:
                    _intervalE = Layer.Timers.Backoff(_intervalE);
                    break;
                case SipTransactionState.Proceeding:
                    _intervalE = Layer.Timers.T2;
                    break;
                default:
                    return;
            }

            _timerE!.Start(_intervalE);
        }

        Send(Outbound, retransmission: true);
    }

    private void OnTimerF()
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }

            State = SipTransactionState.Terminated;
        }

        TransactionLog.TimedOut(Layer.Logger, Request.Method, Target, Key.Branch);
        ReportFinal(LocalResponse(SipStatus.RequestTimeout, TimeoutDetail()));
        Terminate();
    }

    private void OnTimerK()
    {
        lock (Gate)
        {
            State = SipTransactionState.Terminated;
        }

        Terminate();
    }
}
