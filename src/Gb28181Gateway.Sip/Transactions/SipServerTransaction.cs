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

    protected SipServerTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint source, SipTransactionKey key,
        SipTransactionState initialState)
    {
        Layer = layer;
        Request = request;
        Source = source;
        Key = key;
        State = initialState;
    }

    public SipTransactionKey Key { get; }

    public SipRequest Request { get; }

    public SipEndPoint Source { get; }

    public SipTransactionState State { get; protected set; }

    /// <summary>The final response sent, or null.</summary>
    public SipResponse? FinalResponse { get; protected set; }

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

    protected static InvalidOperationException AlreadyAnswered(SipResponse final) =>
        new($"the request was already answered with {final.StatusCode} {final.ReasonPhrase}");

    protected virtual void Terminate() => Layer.Remove(this);
}
