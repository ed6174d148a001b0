using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>What a client transaction tells its user (the user agent's request operation). Called outside the transaction's lock.</summary>
internal interface ISipClientTransactionOwner
{
    void OnProvisional(SipClientTransaction transaction, SipResponse response);

    /// <summary>The first final response, or a locally made 408 (Timer B/F) or 503 (transport error). Called once.</summary>
    void OnFinal(SipClientTransaction transaction, SipResponse response);

    /// <summary>INVITE only: a further 2xx in the Accepted state (a retransmission, or another fork's answer) that needs its own ACK.</summary>
    void OnAdditional2xx(SipClientTransaction transaction, SipResponse response);
}

/// <summary>
/// Common ground of the two client state machines: the request (serialised once), its target, the three
/// timers (retransmission A/E over UDP, timeout B/F, and the end of Completed or Accepted: D/K/M), the
/// local 408 and 503 endings, and reporting to the owner. State changes happen under <see cref="Gate"/>;
/// sends and owner callbacks happen after it is released.
/// </summary>
internal abstract class SipClientTransaction : IDisposable
{
    private readonly ISipClientTransactionOwner _owner;
    private readonly long _startedAt;
    private int _finalReported;
    private TransactionTimer? _retransmitTimer;
    private TransactionTimer? _timeoutTimer;
    private TransactionTimer? _endTimer;
    private TimeSpan _retransmitInterval;

    protected SipClientTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint target, ISipClientTransactionOwner owner,
        SipTransactionKey key, SipTransactionState initialState)
    {
        Layer = layer;
        Request = request;
        Target = target;
        Key = key;
        State = initialState;
        _owner = owner;
        Outbound = new SipOutboundMessage(request);
        _startedAt = layer.Time.GetTimestamp();
    }

    public SipTransactionKey Key { get; }

    public SipRequest Request { get; }

    public SipEndPoint Target { get; }

    public SipTransactionState State { get; protected set; }

    internal SipOutboundMessage Outbound { get; }

    protected SipTransactionLayer Layer { get; }

    protected Lock Gate { get; } = new();

    protected bool Reliable => Target.IsReliable;

    /// <summary>Calling/Trying or Proceeding: no final response yet, so a transport error ends the transaction with a 503. Read under <see cref="Gate"/>.</summary>
    protected abstract bool AwaitingFinal { get; }

    /// <summary>Where Timer B/F still ends the transaction with a 408. Read under <see cref="Gate"/>.</summary>
    protected virtual bool TimeoutApplies => AwaitingFinal;

    /// <summary>Sends the request and starts the timers: A/E over UDP from T1, B/F at 64*T1.</summary>
    public void Start()
    {
        lock (Gate)
        {
            if (!Reliable)
            {
                _retransmitInterval = Layer.Timers.T1;
                _retransmitTimer = new TransactionTimer(Layer.Time, OnRetransmitTimer);
                _retransmitTimer.Start(_retransmitInterval);
            }

            _timeoutTimer = new TransactionTimer(Layer.Time, OnTimeoutTimer);
            _timeoutTimer.Start(Layer.Timers.Timeout);
        }

        Send(Outbound, retransmission: false);
    }

    internal abstract void OnResponse(SipResponse response);

    /// <summary>A transport error for this transaction's target (failed send, ICMP unreachable).</summary>
    internal void OnTransportError(string error)
    {
        lock (Gate)
        {
            if (!AwaitingFinal)
            {
                return;
            }

            State = SipTransactionState.Terminated;
        }

        TransactionLog.TransportError(Layer.Logger, Request.Method, Target, error);
        ReportFinal(LocalResponse(SipStatus.ServiceUnavailable, error));
        Terminate();
    }

    /// <summary>Stops timers and forgets the transaction: nothing more is sent or reported (user agent shutdown).</summary>
    public void Dispose() => Abandon();

    /// <summary>Stops timers and forgets the transaction (user agent shutdown).</summary>
    internal void Abandon()
    {
        lock (Gate)
        {
            State = SipTransactionState.Terminated;
        }

        Terminate();
    }

    protected void Send(SipOutboundMessage message, bool retransmission)
    {
        if (retransmission)
        {
            Layer.Metrics.Retransmitted(message.Method);
            TransactionLog.Retransmitting(Layer.Logger, message.ToString(), Target, Key.Branch);
        }

        var pending = Layer.Transport.SendAsync(message, Target);
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        _ = ObserveSendAsync(pending);
    }

    protected void ReportProvisional(SipResponse response) => _owner.OnProvisional(this, response);

    protected void ReportAdditional2xx(SipResponse response) => _owner.OnAdditional2xx(this, response);

    protected void ReportFinal(SipResponse response)
    {
        if (Interlocked.Exchange(ref _finalReported, 1) != 0)
        {
            return;
        }

        Layer.Metrics.TransactionCompleted(Request.Method, Layer.Time.GetElapsedTime(_startedAt));
        _owner.OnFinal(this, response);
    }

    /// <summary>
    /// The interval before the next retransmission (Timer A/E fired, under <see cref="Gate"/>), given the last one;
    /// <see langword="null"/> when the state no longer retransmits.
    /// </summary>
    protected abstract TimeSpan? NextRetransmitInterval(TimeSpan last);

    /// <summary>Under <see cref="Gate"/>: no more retransmissions.</summary>
    protected void StopRetransmitting() => _retransmitTimer?.Stop();

    /// <summary>Under <see cref="Gate"/>: a final response arrived, so neither retransmission nor timeout applies.</summary>
    protected void StopRetransmitAndTimeout()
    {
        _retransmitTimer?.Stop();
        _timeoutTimer?.Stop();
    }

    /// <summary>Under <see cref="Gate"/>: Timer D, K or M; when it fires the transaction terminates.</summary>
    protected void StartEndTimer(TimeSpan due)
    {
        _endTimer ??= new TransactionTimer(Layer.Time, OnEndTimer);
        _endTimer.Start(due);
    }

    protected void Terminate()
    {
        lock (Gate)
        {
            _retransmitTimer?.Dispose();
            _timeoutTimer?.Dispose();
            _endTimer?.Dispose();
        }

        Layer.Remove(this);
    }

    /// <summary>408 or 503 made here (RFC 3261 §8.1.3.1, §17.1.1.2): the reason phrase says why.</summary>
    private SipResponse LocalResponse(int statusCode, string detail) =>
        SipResponse.CreateFor(Request, statusCode, SipStatus.GetReasonPhrase(statusCode) + " (" + detail + ")");

    private string TimeoutDetail() => "no final response within " + Layer.Timers.Timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";

    /// <summary>Timer A/E.</summary>
    private void OnRetransmitTimer()
    {
        lock (Gate)
        {
            if (NextRetransmitInterval(_retransmitInterval) is not { } next)
            {
                return;
            }

            _retransmitInterval = next;
            _retransmitTimer!.Start(next);
        }

        Send(Outbound, retransmission: true);
    }

    /// <summary>Timer B/F.</summary>
    private void OnTimeoutTimer()
    {
        lock (Gate)
        {
            if (!TimeoutApplies)
            {
                return;
            }

            State = SipTransactionState.Terminated;
        }

        TransactionLog.TimedOut(Layer.Logger, Request.Method, Target, Key.Branch);
        ReportFinal(LocalResponse(SipStatus.RequestTimeout, TimeoutDetail()));
        Terminate();
    }

    /// <summary>Timer D, K or M.</summary>
    private void OnEndTimer()
    {
        lock (Gate)
        {
            State = SipTransactionState.Terminated;
        }

        Terminate();
    }

    private async Task ObserveSendAsync(ValueTask pending)
    {
        try
        {
            await pending;
        }
        catch (SipTransportException ex)
        {
            OnTransportError(ex.Message);
        }
    }
}
