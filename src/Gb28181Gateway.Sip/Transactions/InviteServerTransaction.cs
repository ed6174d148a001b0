using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// RFC 3261 §17.2.1 INVITE server transaction, with RFC 6026's Accepted state.
/// 100 Trying goes out at once on creation (not after 200 ms: it stops the peer's Timer A retransmissions
/// as early as possible, and a gateway usually has to ask a device before it can answer). Retransmitted
/// INVITEs get the last provisional again in Proceeding and the final again in Completed; they never reach
/// the user twice. A 300-699 is retransmitted over UDP on Timer G (T1 doubling to T2) until the ACK, which
/// the transaction absorbs (Confirmed, Timer I); Timer H (64*T1) gives up waiting. A 2xx moves to Accepted
/// for Timer L (64*T1): retransmitted INVITEs are absorbed, the 2xx retransmissions and the ACK are the
/// user agent's business (§13.3.1.4). A CANCEL matched here signals <see cref="CancellationToken"/>; when
/// the user has not sent a final response within the configured time, 487 goes out from here.
/// </summary>
internal sealed class InviteServerTransaction : SipServerTransaction
{
    private readonly CancellationTokenSource _cancelled = new();
    private SipOutboundMessage _lastProvisional = null!;
    private SipOutboundMessage? _final;
    private TransactionTimer? _timerG;
    private TransactionTimer? _timerH;
    private TransactionTimer? _timerEnd;
    private TransactionTimer? _cancelTimer;
    private TimeSpan _intervalG;

    public InviteServerTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint source, SipTransactionKey key)
        : base(layer, request, source, key, SipTransactionState.Proceeding)
    {
    }

    /// <summary>Signalled when a CANCEL for this INVITE arrives before a final response.</summary>
    public CancellationToken CancellationToken => _cancelled.Token;

    public override void Start()
    {
        var trying = SipResponse.CreateFor(Request, SipStatus.Trying);
        if (Request.Headers.GetFirst(SipHeaderKind.Timestamp) is { } timestamp)
        {
            trying.Headers.Add(SipHeaderKind.Timestamp, timestamp); // §8.2.6.1
        }

        _lastProvisional = new SipOutboundMessage(trying);
        Transmit(_lastProvisional, retransmission: false);
    }

    public override ValueTask SendResponseAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var outbound = new SipOutboundMessage(response);
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Proceeding when response.IsProvisional:
                    _lastProvisional = outbound;
                    break;
                case SipTransactionState.Proceeding when response.IsSuccess:
                    State = SipTransactionState.Accepted;
                    FinalResponse = response;
                    _final = outbound;
                    _cancelTimer?.Stop();
                    StartEndTimer(Layer.Timers.Timeout); // Timer L
                    break;
                case SipTransactionState.Proceeding:
                    State = SipTransactionState.Completed;
                    FinalResponse = response;
                    _final = outbound;
                    _cancelTimer?.Stop();
                    if (!Reliable)
                    {
                        _intervalG = Layer.Timers.T1;
                        _timerG = new TransactionTimer(Layer.Time, OnTimerG);
                        _timerG.Start(_intervalG);
                    }

                    _timerH = new TransactionTimer(Layer.Time, OnTimerH);
                    _timerH.Start(Layer.Timers.Timeout);
                    break;
                case SipTransactionState.Accepted when response.IsSuccess:
                    break; // the user agent retransmitting its 2xx (§13.3.1.4)
                default:
                    throw HasFinalResponse
                        ? AlreadyAnswered()
                        : new InvalidOperationException($"the INVITE transaction is {State}; {response.StatusCode} cannot be sent");
            }
        }

        return TransmitAsync(outbound, retransmission: false);
    }

    /// <summary>
    /// A CANCEL matched this INVITE (§9.2). True when no final response was sent yet: the token is signalled and
    /// 487 follows after <paramref name="answerTimeout"/> unless the user answers first.
    /// </summary>
    public bool Cancel(TimeSpan answerTimeout)
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Proceeding || _cancelled.IsCancellationRequested)
            {
                return false;
            }

            _cancelTimer = new TransactionTimer(Layer.Time, OnCancelTimer);
            _cancelTimer.Start(answerTimeout);
        }

        _cancelled.Cancel();
        return true;
    }

    internal override bool OnRetransmission(SipRequest request)
    {
        SipOutboundMessage? resend = null;
        var absorbed = true;
        var terminate = false;
        lock (Gate)
        {
            if (request.Method == SipMethod.Ack)
            {
                switch (State)
                {
                    case SipTransactionState.Completed:
                        State = SipTransactionState.Confirmed;
                        _timerG?.Stop();
                        _timerH?.Stop();
                        var i = Layer.Timers.T4OrZero(Reliable);
                        if (i > TimeSpan.Zero)
                        {
                            StartEndTimer(i); // Timer I
                        }
                        else
                        {
                            State = SipTransactionState.Terminated;
                            terminate = true;
                        }

                        break;
                    case SipTransactionState.Accepted:
                        absorbed = false; // an RFC 2543 ACK for our 2xx: the user agent's
                        break;
                }
            }
            else if (State == SipTransactionState.Proceeding)
            {
                resend = _lastProvisional;
            }
            else if (State == SipTransactionState.Completed)
            {
                resend = _final;
            }
        }

        if (resend is not null)
        {
            Transmit(resend, retransmission: true);
        }

        if (terminate)
        {
            Terminate();
        }

        return absorbed;
    }

    protected override void Terminate()
    {
        lock (Gate)
        {
            _timerG?.Dispose();
            _timerH?.Dispose();
            _timerEnd?.Dispose();
            _cancelTimer?.Dispose();
        }

        base.Terminate();
    }

    private void OnTimerG()
    {
        SipOutboundMessage final;
        lock (Gate)
        {
            if (State != SipTransactionState.Completed)
            {
                return;
            }

            _intervalG = Layer.Timers.Backoff(_intervalG);
            _timerG!.Start(_intervalG);
            final = _final!;
        }

        Transmit(final, retransmission: true);
    }

    private void OnTimerH()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Completed)
            {
                return;
            }

            State = SipTransactionState.Terminated;
        }

        TransactionLog.AckNotReceived(Layer.Logger, FinalResponse!.StatusCode, Source, Key.Branch);
        Terminate();
    }

    private void OnEndTimer()
    {
        lock (Gate)
        {
            State = SipTransactionState.Terminated;
        }

        Terminate();
    }

    private void OnCancelTimer()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Proceeding)
            {
                return;
            }
        }

        TransactionLog.CancelAnsweredByStack(Layer.Logger, Request.CallId, Source);
        try
        {
            var pending = SendResponseAsync(SipResponse.CreateFor(Request, SipStatus.RequestTerminated, toTag: LocalTag));
            if (!pending.IsCompletedSuccessfully)
            {
                _ = pending.AsTask();
            }
        }
        catch (InvalidOperationException)
        {
            // the user answered in between
        }
    }

    private void StartEndTimer(TimeSpan due)
    {
        _timerEnd ??= new TransactionTimer(Layer.Time, OnEndTimer);
        _timerEnd.Start(due);
    }
}
