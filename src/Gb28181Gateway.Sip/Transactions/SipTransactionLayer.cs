using System.Collections.Concurrent;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>What the transaction layer hands up (the user agent core). Called on the receive loop: do not block.</summary>
internal interface ISipTransactionUser
{
    /// <summary>A new request (not a retransmission, not ACK, not CANCEL) with its server transaction.</summary>
    void OnRequest(SipServerTransaction transaction);

    /// <summary>An ACK no transaction absorbed: the ACK for a 2xx (§17.2.3 sends these to the user).</summary>
    void OnAck(SipRequest ack, SipEndPoint source);

    /// <summary>A CANCEL matched a pending INVITE, which was told; the CANCEL was answered 200.</summary>
    void OnCancelled(InviteServerTransaction invite, SipRequest cancel);

    /// <summary>A response no client transaction matched (typically a 2xx retransmitted after Timer M).</summary>
    void OnStrayResponse(SipResponse response, SipEndPoint source);
}

/// <summary>
/// RFC 3261 §17: matches received messages to transactions (§17.1.3 for responses, §17.2.3 for requests),
/// creates server transactions for new requests, answers CANCEL, and runs client transactions.
/// </summary>
internal sealed class SipTransactionLayer : ISipMessageReceiver, ISipTransportErrorReceiver
{
    private readonly ConcurrentDictionary<SipTransactionKey, SipClientTransaction> _clients = new();
    private readonly ConcurrentDictionary<SipTransactionKey, SipServerTransaction> _servers = new();
    private readonly TimeSpan _cancelAnswerTimeout;
    private ISipTransactionUser? _user;

    public SipTransactionLayer(ISipTransport transport, SipTimers timers, TimeSpan cancelAnswerTimeout, TimeProvider time, ILogger logger, SipMetrics metrics)
    {
        timers.Validate();
        Transport = transport;
        Timers = timers;
        Time = time;
        Logger = logger;
        Metrics = metrics;
        _cancelAnswerTimeout = cancelAnswerTimeout;
    }

    public ISipTransport Transport { get; }

    public SipTimers Timers { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public SipMetrics Metrics { get; }

    public int ClientTransactionCount => _clients.Count;

    public int ServerTransactionCount => _servers.Count;

    /// <summary>Attaches the user and starts receiving from the transport.</summary>
    public void Attach(ISipTransactionUser user)
    {
        _user = user;
        Transport.Attach(this);
    }

    /// <summary>
    /// Starts a client transaction for <paramref name="request"/>, whose top Via must carry a fresh RFC 3261
    /// branch. ACK is not sent in a transaction: use <see cref="SendStatelessAsync"/>.
    /// </summary>
    public SipClientTransaction StartClient(SipRequest request, SipEndPoint target, ISipClientTransactionOwner owner)
    {
        if (request.Method == SipMethod.Ack)
        {
            throw new ArgumentException("an ACK is not sent in a client transaction", nameof(request));
        }

        var via = request.TopVia ?? throw new ArgumentException("the request has no Via", nameof(request));
        if (!via.HasRfc3261Branch)
        {
            throw new ArgumentException($"the top Via branch '{via.Branch}' does not start with {SipVia.MagicCookie}", nameof(request));
        }

        var key = SipTransactionKey.ForClient(via.Branch!, request.Method);
        SipClientTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteClientTransaction(this, request, target, owner, key)
            : new NonInviteClientTransaction(this, request, target, owner, key);
        if (!_clients.TryAdd(key, transaction))
        {
            throw new InvalidOperationException($"a client transaction {key} is already running; every request needs a new branch");
        }

        transaction.Start();
        return transaction;
    }

    /// <summary>Sends a request outside any transaction (the ACK for a 2xx, §13.2.2.4).</summary>
    public ValueTask SendStatelessAsync(SipOutboundMessage message, SipEndPoint target) => Transport.SendAsync(message, target);

    public void OnRequest(SipRequest request, SipEndPoint source)
    {
        var user = _user;
        if (user is null || !SipTransactionKey.TryForServer(request, out var key))
        {
            return;
        }

        if (_servers.TryGetValue(key, out var existing))
        {
            if (!existing.OnRetransmission(request) && request.Method == SipMethod.Ack)
            {
                user.OnAck(request, source);
            }
            else
            {
                TransactionLog.RequestAbsorbed(Logger, request.Method, source, key.Branch);
            }

            return;
        }

        if (request.Method == SipMethod.Ack)
        {
            user.OnAck(request, source);
            return;
        }

        SipServerTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteServerTransaction(this, request, source, key)
            : new NonInviteServerTransaction(this, request, source, key);
        if (!_servers.TryAdd(key, transaction))
        {
            // the same request arrived twice at once on two threads: the second is a retransmission
            _servers.TryGetValue(key, out existing);
            existing?.OnRetransmission(request);
            return;
        }

        transaction.Start();
        if (request.Method == SipMethod.Cancel)
        {
            Cancel((NonInviteServerTransaction)transaction, key, user);
            return;
        }

        user.OnRequest(transaction);
    }

    public void OnResponse(SipResponse response, SipEndPoint source)
    {
        var via = response.TopVia;
        if (via?.Branch is { } branch && _clients.TryGetValue(SipTransactionKey.ForClient(branch, response.CSeq.Method), out var transaction))
        {
            transaction.OnResponse(response);
            return;
        }

        _user?.OnStrayResponse(response, source);
    }

    public void OnUnreachable(SipEndPoint target, string error)
    {
        foreach (var transaction in _clients.Values)
        {
            if (transaction.Target == target)
            {
                transaction.OnTransportError("destination unreachable (" + error + ")");
            }
        }
    }

    /// <summary>Stops every transaction's timers (user agent shutdown); nothing more is sent or reported.</summary>
    public void Shutdown()
    {
        foreach (var transaction in _clients.Values)
        {
            transaction.Abandon();
        }

        foreach (var transaction in _servers.Values)
        {
            transaction.Abandon();
        }
    }

    internal void Remove(SipClientTransaction transaction) => _clients.TryRemove(KeyValuePair.Create(transaction.Key, transaction));

    internal void Remove(SipServerTransaction transaction) => _servers.TryRemove(KeyValuePair.Create(transaction.Key, transaction));

    internal SipServerTransaction? FindServer(SipTransactionKey key) => _servers.GetValueOrDefault(key);

    /// <summary>§9.2: a CANCEL matching a pending INVITE gets 200 and the INVITE is told; no match gets 481.</summary>
    private void Cancel(NonInviteServerTransaction cancelTransaction, SipTransactionKey key, ISipTransactionUser user)
    {
        var cancel = cancelTransaction.Request;
        if (_servers.TryGetValue(key.WithMethod(SipMethod.Invite), out var found) && found is InviteServerTransaction invite)
        {
            _ = cancelTransaction.SendResponseAsync(SipResponse.CreateFor(cancel, SipStatus.Ok, toTag: invite.LocalTag)).AsTask();
            if (invite.Cancel(_cancelAnswerTimeout))
            {
                TransactionLog.CancelMatched(Logger, cancel.CallId, cancelTransaction.Source);
                user.OnCancelled(invite, cancel);
            }

            return;
        }

        TransactionLog.CancelUnmatched(Logger, cancel.CallId, cancelTransaction.Source);
        _ = cancelTransaction.SendResponseAsync(SipResponse.CreateFor(cancel, SipStatus.CallOrTransactionDoesNotExist, toTag: SipIdentifiers.NewTag())).AsTask();
    }
}
