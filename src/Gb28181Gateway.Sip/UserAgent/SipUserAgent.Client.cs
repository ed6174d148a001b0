using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.UserAgent;

/// <summary>The client side: building requests, sending them, INVITE and SUBSCRIBE dialogs.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>The host and port advertised to <paramref name="target"/> (Via, Contact; also what to put in SDP).</summary>
    public SipHostPort GetLocalAddress(SipEndPoint target) => _transport.GetLocalAddress(target);

    /// <summary><c>sip:user@host:port</c> reachable from <paramref name="target"/>, with <c>;transport=tcp</c> over TCP.</summary>
    public SipUri CreateContactUri(string? user, SipEndPoint target)
    {
        var local = _transport.GetLocalAddress(target);
        var uri = SipUri.Create(user, local.Host, local.Port);
        return target.Transport == SipTransportKind.Tcp ? uri with { Parameters = uri.Parameters.With("transport", "tcp") } : uri;
    }

    /// <summary>
    /// A new out-of-dialog request: From with a new tag (unless it has one), To as given, a new Call-ID, CSeq 1,
    /// Max-Forwards, User-Agent when configured, and a Contact for INVITE, SUBSCRIBE, REGISTER and NOTIFY. The Via
    /// (with a new branch) is added when it is sent. Change what you need (Call-ID and CSeq for a registration
    /// refresh, Expires, Content-Type and body) before sending.
    /// </summary>
    public SipRequest CreateRequest(string method, SipUri requestUri, SipNameAddress from, SipNameAddress to, SipEndPoint target)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var request = new SipRequest(method, requestUri);
        var h = request.Headers;
        h.Add(SipHeaderKind.From, from.Tag is null ? from.WithTag(SipIdentifiers.NewTag()) : from);
        h.Add(SipHeaderKind.To, to);
        h.Add(SipHeaderKind.CallId, SipIdentifiers.NewCallId());
        h.Add(SipHeaderKind.CSeq, new SipCSeq(1, method));
        h.Add(SipHeaderKind.MaxForwards, Options.MaxForwards);
        if (method is SipMethod.Invite or SipMethod.Subscribe or SipMethod.Register or SipMethod.Notify)
        {
            h.Add(SipHeaderKind.Contact, new SipNameAddress(CreateContactUri(from.Uri.User, target)));
        }

        if (Options.UserAgent is { Length: > 0 } agent)
        {
            h.Add(SipHeaderKind.UserAgent, agent);
        }

        return request;
    }

    /// <summary>
    /// Sends a non-INVITE request to <paramref name="target"/> in a new client transaction and returns the final
    /// response: the peer's, or 408 made here when Timer F expired, or 503 when the transport failed (TCP connect
    /// refused, ICMP unreachable); the reason phrase then says why. Any Via is replaced by ours with a new branch.
    /// A 401/407 is answered when <see cref="SipRequestOptions.Credentials"/> are given. Cancelling the token stops
    /// the wait, not the transaction. A SUBSCRIBE sent here makes no dialog: use <see cref="SubscribeAsync"/>.
    /// </summary>
    public async Task<SipResponse> SendRequestAsync(SipRequest request, SipEndPoint target, SipRequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method is SipMethod.Invite or SipMethod.Ack or SipMethod.Cancel)
        {
            throw new ArgumentException($"{request.Method} is sent with InviteAsync (ACK and CANCEL are the stack's)", nameof(request));
        }

        var (_, response) = await SendWithAuthenticationAsync(request, target, options, dialog: null, cancellationToken);
        return response;
    }

    /// <summary>
    /// Sends a SUBSCRIBE (RFC 6665) and returns the final response with the dialog a 2xx created; NOTIFYs
    /// arrive at the NOTIFY handler with <see cref="SipIncomingRequest.Dialog"/> set.
    /// </summary>
    public async Task<SipDialogResult> SubscribeAsync(SipRequest subscribe, SipEndPoint target, SipRequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        if (subscribe.Method != SipMethod.Subscribe || subscribe.To.Tag is not null)
        {
            throw new ArgumentException("SubscribeAsync takes an out-of-dialog SUBSCRIBE (refresh in the dialog with SipDialog.SendRequestAsync)", nameof(subscribe));
        }

        var (request, response) = await SendWithAuthenticationAsync(subscribe, target, options, dialog: null, cancellationToken);
        if (!response.IsSuccess)
        {
            return new SipDialogResult(response, null);
        }

        var dialog = SipDialogFactory.CreateUac(this, request, response, target);
        if (dialog is not null)
        {
            AddDialog(dialog);
        }

        return new SipDialogResult(response, dialog);
    }

    /// <summary>
    /// Sends an INVITE and returns the final response, with the confirmed dialog on 2xx (the ACK already sent; a
    /// retransmitted 2xx is acknowledged again). Provisional responses with a To tag make early dialogs. Cancelling
    /// <paramref name="cancellationToken"/> sends CANCEL (at once if a provisional arrived, else when one does,
    /// §9.1) and throws <see cref="OperationCanceledException"/>; a 2xx that still arrives is acknowledged and
    /// ended with BYE. No final response within the INVITE timeout is handled the same way and reported as 408.
    /// </summary>
    public async Task<SipDialogResult> InviteAsync(SipRequest invite, SipEndPoint target, SipRequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (invite.Method != SipMethod.Invite || invite.To.Tag is not null)
        {
            throw new ArgumentException("InviteAsync takes an out-of-dialog INVITE", nameof(invite));
        }

        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var timeout = options?.InviteTimeout ?? Options.InviteTimeout;
        var attempt = invite;
        for (var challenges = 0; ; challenges++)
        {
            PrepareVia(attempt, target);
            var operation = new SipInviteOperation(this, attempt, target, options?.OnProvisional);
            SipResponse response;
            using (var timer = Time.CreateTimer(static s => ((SipInviteOperation)s!).TimeOut(), operation, timeout, Timeout.InfiniteTimeSpan))
            using (cancellationToken.Register(static s => ((SipInviteOperation)s!).Abandon("cancelled by the caller"), operation))
            {
                operation.Start();
                try
                {
                    response = await operation.Final.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    operation.Abandon("cancelled by the caller");
                    throw;
                }
            }

            if (TryCreateAuthenticatedRetry(attempt, response, options?.Credentials, challenges, dialog: null, out var retry))
            {
                attempt = retry;
                continue;
            }

            return new SipDialogResult(response, response.IsSuccess ? operation.Dialog : null);
        }
    }

    internal async Task<SipResponse> SendInDialogAsync(SipDialog dialog, SipRequest request, SipRequestOptions? options, CancellationToken cancellationToken)
    {
        var (_, response) = await SendWithAuthenticationAsync(request, dialog.Peer, options, dialog, cancellationToken);
        if (response.StatusCode is SipStatus.CallOrTransactionDoesNotExist or SipStatus.RequestTimeout)
        {
            dialog.End(SipDialogEndReason.RequestFailed); // RFC 5057 §5.1
        }

        return response;
    }

    internal ValueTask SendStatelessAsync(SipOutboundMessage message, SipEndPoint target) => Layer.SendStatelessAsync(message, target);

    /// <summary>Replaces every Via with ours: transport, advertised address, rport (RFC 3581) and a new branch.</summary>
    internal void PrepareVia(SipRequest request, SipEndPoint target)
    {
        var local = _transport.GetLocalAddress(target);
        var via = new SipVia(target.ViaTransport, local.Host, local.Port,
            SipParameters.Of(new SipParameter("rport", null), new SipParameter("branch", SipIdentifiers.NewBranch())));
        request.Headers.Remove(SipHeaderKind.Via);
        request.Headers.Insert(0, SipHeaderKind.Via, via);
        if (request.MaxForwards is null)
        {
            request.MaxForwards = Options.MaxForwards;
        }
    }

    private async Task<(SipRequest Request, SipResponse Response)> SendWithAuthenticationAsync(SipRequest request, SipEndPoint target,
        SipRequestOptions? options, SipDialog? dialog, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var attempt = request;
        for (var challenges = 0; ; challenges++)
        {
            PrepareVia(attempt, target);
            var operation = new SipRequestOperation(Logger, options?.OnProvisional);
            Layer.StartClient(attempt, target, operation);
            var response = await operation.Final.WaitAsync(cancellationToken);
            if (!TryCreateAuthenticatedRetry(attempt, response, options?.Credentials, challenges, dialog, out var retry))
            {
                return (attempt, response);
            }

            attempt = retry;
        }
    }

    /// <summary>
    /// 401/407 with credentials: the same request (copied), CSeq+1, the answer to the challenge. Once, and a second
    /// time only for stale=true (a wrong password is not retried forever).
    /// </summary>
    private bool TryCreateAuthenticatedRetry(SipRequest request, SipResponse response, DigestClient? credentials, int challenges, SipDialog? dialog,
        out SipRequest retry)
    {
        retry = null!;
        if (credentials is null || response.StatusCode is not (SipStatus.Unauthorized or SipStatus.ProxyAuthenticationRequired) || challenges >= 2)
        {
            return false;
        }

        var proxy = response.StatusCode == SipStatus.ProxyAuthenticationRequired;
        SipAuthHeader authorization;
        try
        {
            var challenge = proxy ? response.ProxyAuthenticate : response.WwwAuthenticate;
            if (challenge is null)
            {
                UserAgentLog.ChallengeNotAnswered(Logger, response.StatusCode, request.Method, "no challenge header");
                return false;
            }

            if (challenges == 1 && !string.Equals(challenge["stale"], "true", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            authorization = credentials.CreateAuthorization(challenge, request.Method, request.RequestUri.ToString());
        }
        catch (Exception ex) when (ex is SipMessageException or NotSupportedException or FormatException)
        {
            UserAgentLog.ChallengeNotAnswered(Logger, response.StatusCode, request.Method, ex.Message);
            return false;
        }

        retry = Copy(request);
        var kind = proxy ? SipHeaderKind.ProxyAuthorization : SipHeaderKind.Authorization;
        retry.Headers.Remove(kind);
        retry.Headers.Add(kind, authorization);
        retry.CSeq = new SipCSeq(dialog?.NextLocalCSeq() ?? request.CSeq.Number + 1, request.Method);
        UserAgentLog.Authenticating(Logger, response.StatusCode, request.Method, retry.CSeq.Number);
        return true;
    }

    /// <summary>A deep copy through the wire form: the original stays as its transaction sent it.</summary>
    private static SipRequest Copy(SipRequest request)
    {
        var result = SipMessageParser.Parse(request.ToBytes());
        return result.Message as SipRequest ?? throw new SipMessageException("cannot copy the request: " + result.Error);
    }
}
