using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// Common ground of the two server state machines: the request, where it came from, the To tag every
/// response of this transaction carries (made once), and sending responses back per §18.2.2.
/// </summary>
internal abstract class SipServerTransaction : IDisposable
{
    private string? _localTag;
    private SipRequest? _request;
    private SipResponse? _finalResponse;
    private int _finalStatus;
    private string? _finalReason;

    protected SipServerTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint source, SipTransactionKey key,
        SipTransactionState initialState)
    {
        Layer = layer;
        _request = request;
        Method = request.Method;
        Source = source;
        Key = key;
        State = initialState;
    }

    public SipTransactionKey Key { get; }

    /// <summary>
    /// The request. A non-INVITE transaction over UDP lets go of it once it has sent its final response (it
    /// only resends that response while Timer J runs): reading it then throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public SipRequest Request => _request
        ?? throw new InvalidOperationException($"the {Method} transaction has sent its final response and no longer holds its request");

    /// <summary>The request method, kept for the transaction's whole life.</summary>
    public string Method { get; }

    public SipEndPoint Source { get; }

    public SipTransactionState State { get; protected set; }

    /// <summary>The final response sent, or null (also once a completed non-INVITE transaction released it).</summary>
    public SipResponse? FinalResponse
    {
        get => _finalResponse;
        protected set
        {
            _finalResponse = value;
            if (value is not null)
            {
                _finalStatus = value.StatusCode;
                _finalReason = value.ReasonPhrase;
                HasFinalResponse = true;
            }
        }
    }

    /// <summary>Whether a final response was sent (stays true after the response is released).</summary>
    public bool HasFinalResponse { get; private set; }

    /// <summary>The To tag of this transaction's responses: the request's own when in a dialog, else one made here, once.</summary>
    public string LocalTag
    {
        get
        {
            if (_localTag is not null)
            {
                return _localTag;
            }

            var tag = Request.To.Tag ?? SipIdentifiers.NewTag();
            return Interlocked.CompareExchange(ref _localTag, tag, null) ?? tag;
        }
    }

    protected SipTransactionLayer Layer { get; }

    /// <summary>
    /// Drops the request and the final response once only the final response's bytes are needed (the local
    /// tag is fixed first): during Timer J (32 s over UDP) the transaction then keeps a few hundred bytes
    /// instead of two parsed messages (headers, URIs, parameters, the received datagram).
    /// </summary>
    protected void ReleaseMessages()
    {
        _ = LocalTag;
        _request = null;
        _finalResponse = null;
    }

    protected Lock Gate { get; } = new();

    protected bool Reliable => Source.IsReliable;

    /// <summary>Starts the transaction (the INVITE one sends 100 Trying at once).</summary>
    public virtual void Start()
    {
    }

    /// <summary>
    /// Sends a response from the transaction user. Throws <see cref="InvalidOperationException"/> when a final
    /// response was already sent. Transport errors are logged, not thrown: the transaction ends.
    /// </summary>
    public abstract ValueTask SendResponseAsync(SipResponse response);

    /// <summary>A request matching this transaction arrived again (or, for INVITE, its ACK). True when absorbed here.</summary>
    internal abstract bool OnRetransmission(SipRequest request);

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

    protected async ValueTask TransmitAsync(SipOutboundMessage response, bool retransmission)
    {
        if (retransmission)
        {
            Layer.Metrics.Retransmitted(response.Method);
            TransactionLog.Retransmitting(Layer.Logger, response.ToString(), Source, Key.Branch);
        }

        try
        {
            await Layer.Transport.SendResponseAsync(response, Source);
        }
        catch (SipTransportException ex)
        {
            TransactionLog.ResponseNotSent(Layer.Logger, response.ToString(), Source, ex.Message);
            lock (Gate)
            {
                State = SipTransactionState.Terminated;
            }

            Terminate();
        }
    }

    /// <summary>Fire-and-forget for timer callbacks and absorbed retransmissions.</summary>
    protected void Transmit(SipOutboundMessage response, bool retransmission)
    {
        var pending = TransmitAsync(response, retransmission);
        if (!pending.IsCompletedSuccessfully)
        {
            _ = pending.AsTask();
        }
    }

    protected InvalidOperationException AlreadyAnswered() =>
        new($"the request was already answered with {_finalStatus} {_finalReason}");

    protected virtual void Terminate() => Layer.Remove(this);
}
