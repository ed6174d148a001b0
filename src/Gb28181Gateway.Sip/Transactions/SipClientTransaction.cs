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
/// Common ground of the two client state machines: the request (serialised once), its target, timers,
/// and reporting to the owner. State changes happen under <see cref="Gate"/>; sends and owner callbacks
/// happen after it is released.
/// </summary>
internal abstract class SipClientTransaction : IDisposable
{
    private readonly ISipClientTransactionOwner _owner;
    private readonly long _startedAt;
    private int _finalReported;

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

    /// <summary>Sends the request and starts the timers.</summary>
    public abstract void Start();

    internal abstract void OnResponse(SipResponse response);

    /// <summary>A transport error for this transaction's target (failed send, ICMP unreachable).</summary>
    internal abstract void OnTransportError(string error);

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

    /// <summary>408 or 503 made here (RFC 3261 §8.1.3.1, §17.1.1.2): the reason phrase says why.</summary>
    protected SipResponse LocalResponse(int statusCode, string detail) =>
        SipResponse.CreateFor(Request, statusCode, SipStatus.GetReasonPhrase(statusCode) + " (" + detail + ")");

    protected string TimeoutDetail() => "no final response within " + Layer.Timers.Timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";

    protected virtual void Terminate() => Layer.Remove(this);

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
