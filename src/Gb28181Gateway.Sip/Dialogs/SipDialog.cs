using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Sip.Dialogs;

/// <summary>
/// An INVITE or SUBSCRIBE dialog (RFC 3261 §12, RFC 6665), UAC or UAS side. Holds the tags, Call-ID,
/// local and remote CSeq, remote target and route set; builds and sends the requests that belong in it
/// (BYE, INFO, MESSAGE, NOTIFY, re-SUBSCRIBE); receives the peer's in-dialog requests through the
/// user agent's handlers (<see cref="SipIncomingRequest.Dialog"/>).
/// In-dialog requests go to <see cref="Peer"/>: the endpoint the dialog's INVITE/SUBSCRIBE went to (UAC) or
/// came from (UAS), which is how GB28181 devices behind NAT are reached; set it to route elsewhere.
/// </summary>
public sealed class SipDialog
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _firstAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SipInviteAckWait? _ackWait;
    private SipOutboundMessage? _ack;
    private uint _localCSeq;
    private uint? _remoteCSeq;

    internal SipDialog(SipUserAgent userAgent, SipDialogId id, bool isUac, string method, SipNameAddress localParty, SipNameAddress remoteParty,
        SipUri remoteTarget, IReadOnlyList<SipNameAddress> routeSet, SipEndPoint peer, uint localCSeq, uint? remoteCSeq, bool early)
    {
        UserAgent = userAgent;
        Id = id;
        IsUac = isUac;
        Method = method;
        LocalParty = localParty;
        RemoteParty = remoteParty;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        Peer = peer;
        _localCSeq = localCSeq;
        _remoteCSeq = remoteCSeq;
        State = early ? SipDialogState.Early : SipDialogState.Confirmed;
        if (method != SipMethod.Invite)
        {
            _firstAck.TrySetResult(true);
        }
    }

    public SipDialogId Id { get; }

    public string CallId => Id.CallId;

    /// <summary>True when we sent the INVITE/SUBSCRIBE that created the dialog.</summary>
    public bool IsUac { get; }

    /// <summary>INVITE or SUBSCRIBE: what created the dialog.</summary>
    public string Method { get; }

    public SipDialogState State { get; private set; }

    /// <summary>Set when <see cref="State"/> is Terminated.</summary>
    public SipDialogEndReason? EndReason { get; private set; }

    /// <summary>Our URI with our tag (From of our requests).</summary>
    public SipNameAddress LocalParty { get; }

    /// <summary>The peer's URI with its tag (To of our requests).</summary>
    public SipNameAddress RemoteParty { get; }

    /// <summary>The peer's Contact, updated by target-refresh requests and responses.</summary>
    public SipUri RemoteTarget { get; private set; }

    /// <summary>The Record-Route set, in the order our requests carry it as Route.</summary>
    public IReadOnlyList<SipNameAddress> RouteSet { get; private set; }

    /// <summary>Where in-dialog requests are sent.</summary>
    public SipEndPoint Peer { get; set; }

    /// <summary>The CSeq number of the last request we sent in the dialog (0 when none yet on the UAS side).</summary>
    public uint LocalCSeq
    {
        get
        {
            lock (_gate)
            {
                return _localCSeq;
            }
        }
    }

    public uint? RemoteCSeq
    {
        get
        {
            lock (_gate)
            {
                return _remoteCSeq;
            }
        }
    }

    public SipUserAgent UserAgent { get; }

    /// <summary>
    /// INVITE dialogs: UAS side, true when the ACK for our 2xx arrived, false when 64*T1 passed without it
    /// (§13.3.1.4: the call should then be ended with <see cref="ByeAsync"/>); UAC side, true once our ACK is
    /// sent. SUBSCRIBE dialogs: true.
    /// </summary>
    public Task<bool> Acknowledged => _firstAck.Task;

    /// <summary>Completes when the dialog ends (<see cref="EndReason"/> says why).</summary>
    public Task Terminated => _terminated.Task;

    /// <summary>
    /// A request in this dialog (§12.2.1.1): Request-URI from the remote target (or the first route when it is a
    /// strict router), Route from the route set, From/To with the tags, the Call-ID, the next local CSeq, and a
    /// Contact for target-refresh methods. The Via is added when it is sent.
    /// </summary>
    public SipRequest CreateRequest(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (method is SipMethod.Ack or SipMethod.Cancel)
        {
            throw new ArgumentException($"{method} is built by the stack, not with CreateRequest", nameof(method));
        }

        uint cseq;
        lock (_gate)
        {
            cseq = ++_localCSeq;
        }

        var request = CreateRequestCore(method, cseq);
        if (method is SipMethod.Invite or SipMethod.Subscribe or SipMethod.Notify or SipMethod.Update or SipMethod.Refer)
        {
            request.Headers.Add(SipHeaderKind.Contact, new SipNameAddress(UserAgent.CreateContactUri(LocalParty.Uri.User, Peer)));
        }

        return request;
    }

    /// <summary>
    /// Sends a request made by <see cref="CreateRequest"/> to <see cref="Peer"/> and returns the final response.
    /// A 481 or 408 ends the dialog (RFC 5057). INVITE (re-INVITE) is not supported here.
    /// </summary>
    public Task<SipResponse> SendRequestAsync(SipRequest request, SipRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == SipMethod.Invite)
        {
            throw new NotSupportedException("re-INVITE is not supported: GB28181 sessions are changed with INFO (MANSRTSP)");
        }

        if (State == SipDialogState.Terminated && request.Method != SipMethod.Bye)
        {
            throw new InvalidOperationException($"dialog {Id} is terminated ({EndReason})");
        }

        return UserAgent.SendInDialogAsync(this, request, options, cancellationToken);
    }

    /// <summary>Ends the dialog and sends BYE; returns the BYE's final response (408/503 made locally when the peer is gone).</summary>
    public Task<SipResponse> ByeAsync(CancellationToken cancellationToken = default)
    {
        var bye = CreateRequest(SipMethod.Bye);
        End(SipDialogEndReason.ByeSent);
        return UserAgent.SendInDialogAsync(this, bye, null, cancellationToken);
    }

    /// <summary>Ends the dialog without sending anything (e.g. a subscription that ended or expired).</summary>
    public void Terminate() => End(SipDialogEndReason.Local);

    public override string ToString() => $"{Method} dialog {Id} ({State}, {(IsUac ? "UAC" : "UAS")}, peer {Peer})";

    internal void End(SipDialogEndReason reason)
    {
        SipInviteAckWait? wait;
        lock (_gate)
        {
            if (State == SipDialogState.Terminated)
            {
                return;
            }

            State = SipDialogState.Terminated;
            EndReason = reason;
            wait = _ackWait;
            _ackWait = null;
        }

        wait?.Dispose();
        UserAgent.RemoveDialog(this);
        DialogLog.Terminated(UserAgent.Logger, Id, reason);
        _firstAck.TrySetResult(false);
        _terminated.TrySetResult();
    }

    internal void Confirm(SipUri? remoteTarget, IReadOnlyList<SipNameAddress>? routeSet)
    {
        lock (_gate)
        {
            if (State == SipDialogState.Early)
            {
                State = SipDialogState.Confirmed;
            }

            if (remoteTarget is not null)
            {
                RemoteTarget = remoteTarget;
            }

            if (routeSet is not null)
            {
                RouteSet = routeSet;
            }
        }
    }

    /// <summary>§12.2.2: a lower CSeq than the last one seen is out of order (500); ACK and CANCEL carry the INVITE's.</summary>
    internal bool AcceptRemoteCSeq(SipRequest request)
    {
        if (request.Method is SipMethod.Ack or SipMethod.Cancel)
        {
            return true;
        }

        var number = request.CSeq.Number;
        lock (_gate)
        {
            if (_remoteCSeq is { } last && number < last)
            {
                return false;
            }

            _remoteCSeq = number;
            if (request.Method is SipMethod.Invite or SipMethod.Subscribe or SipMethod.Notify or SipMethod.Update && request.Contact is { IsWildcard: false } contact)
            {
                RemoteTarget = contact.Uri; // target refresh
            }
        }

        return true;
    }

    /// <summary>The next local CSeq, for a request re-sent with credentials (CSeq+1).</summary>
    internal uint NextLocalCSeq()
    {
        lock (_gate)
        {
            return ++_localCSeq;
        }
    }

    /// <summary>UAS: our 2xx to an INVITE went out; retransmit it until the ACK (§13.3.1.4).</summary>
    internal void WaitForAck(SipOutboundMessage ok, uint cseq, SipEndPoint source)
    {
        var wait = new SipInviteAckWait(UserAgent.Layer.Transport, UserAgent.Layer.Timers, UserAgent.Layer.Time, UserAgent.Layer.Metrics, ok, cseq, source);
        SipInviteAckWait? previous;
        lock (_gate)
        {
            previous = _ackWait;
            _ackWait = wait;
        }

        previous?.Dispose();
        _ = ObserveAckAsync(wait);
    }

    /// <summary>An ACK for a 2xx arrived in this dialog.</summary>
    internal void OnAck(uint cseq)
    {
        SipInviteAckWait? wait;
        lock (_gate)
        {
            wait = _ackWait;
        }

        if (wait?.OnAck(cseq) == true)
        {
            lock (_gate)
            {
                if (_ackWait == wait)
                {
                    _ackWait = null;
                }
            }
        }
    }

    /// <summary>UAC: the ACK for our INVITE's 2xx, sent now and again for every retransmitted 2xx.</summary>
    internal void SetAck(SipOutboundMessage ack)
    {
        lock (_gate)
        {
            _ack = ack;
        }

        _firstAck.TrySetResult(true);
    }

    /// <summary>UAC: a 2xx for our INVITE arrived again: send the same ACK again. False when there is none for that CSeq.</summary>
    internal bool TryResendAck(uint cseq)
    {
        SipOutboundMessage? ack;
        lock (_gate)
        {
            ack = _ack;
        }

        if (ack is null || ack.Message.CSeq.Number != cseq)
        {
            return false;
        }

        UserAgent.Layer.Metrics.Retransmitted(SipMethod.Ack);
        _ = ResendAckAsync(ack);
        return true;
    }

    /// <summary>Builds a request with the dialog's headers and the given CSeq (also used for the ACK of a 2xx).</summary>
    internal SipRequest CreateRequestCore(string method, uint cseq)
    {
        SipUri requestUri;
        IReadOnlyList<SipNameAddress> routes;
        lock (_gate)
        {
            (requestUri, routes) = RouteRequest();
        }

        var request = new SipRequest(method, requestUri);
        var h = request.Headers;
        foreach (var route in routes)
        {
            h.Add(SipHeaderKind.Route, route);
        }

        h.Add(SipHeaderKind.From, LocalParty);
        h.Add(SipHeaderKind.To, RemoteParty);
        h.Add(SipHeaderKind.CallId, CallId);
        h.Add(SipHeaderKind.CSeq, new SipCSeq(cseq, method));
        h.Add(SipHeaderKind.MaxForwards, UserAgent.Options.MaxForwards);
        if (UserAgent.Options.UserAgent is { Length: > 0 } agent)
        {
            h.Add(SipHeaderKind.UserAgent, agent);
        }

        return request;
    }

    /// <summary>§12.2.1.1: loose routing keeps the remote target as Request-URI; a strict first hop takes its place.</summary>
    private (SipUri RequestUri, IReadOnlyList<SipNameAddress> Routes) RouteRequest()
    {
        if (RouteSet.Count == 0 || RouteSet[0].Uri.Parameters.Contains("lr"))
        {
            return (RemoteTarget, RouteSet);
        }

        var first = RouteSet[0].Uri with { Headers = null };
        var routes = new List<SipNameAddress>(RouteSet.Count);
        for (var i = 1; i < RouteSet.Count; i++)
        {
            routes.Add(RouteSet[i]);
        }

        routes.Add(new SipNameAddress(RemoteTarget));
        return (first, routes);
    }

    private async Task ResendAckAsync(SipOutboundMessage ack)
    {
        try
        {
            await UserAgent.SendStatelessAsync(ack, Peer);
        }
        catch (SipTransportException)
        {
            // the next retransmitted 2xx gets another try
        }
    }

    private async Task ObserveAckAsync(SipInviteAckWait wait)
    {
        var acknowledged = await wait.Result;
        if (!acknowledged && State != SipDialogState.Terminated)
        {
            DialogLog.AckNeverArrived(UserAgent.Logger, Id, Peer);
        }

        _firstAck.TrySetResult(acknowledged);
    }
}
