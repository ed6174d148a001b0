using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.UserAgent;

/// <summary>Handles one request method. The handler owns the request until its task completes; see <see cref="SipUserAgent.Handle"/>.</summary>
public delegate Task SipRequestHandler(SipIncomingRequest request);

/// <summary>
/// A request handed to a handler: the message, where it came from, its dialog when it is an in-dialog request,
/// a token CANCEL signals (INVITE), and the means to answer it. Every response carries the same To tag, made
/// once for this request (or the request's own tag when it is in a dialog).
/// </summary>
public sealed class SipIncomingRequest
{
    private readonly SipServerTransaction? _transaction;
    private readonly string? _answeredBy;
    private int _final;

    internal SipIncomingRequest(SipUserAgent userAgent, SipRequest request, SipEndPoint source, SipServerTransaction? transaction, SipDialog? dialog,
        string? answeredBy = null)
    {
        UserAgent = userAgent;
        Request = request;
        Source = source;
        _transaction = transaction;
        Dialog = dialog;
        _answeredBy = answeredBy;
        CancellationToken = transaction is InviteServerTransaction invite ? invite.CancellationToken : CancellationToken.None;
    }

    public SipRequest Request { get; }

    public string Method => Request.Method;

    /// <summary>Where the request came from: transport and source address (the connection, for TCP).</summary>
    public SipEndPoint Source { get; }

    public SipUserAgent UserAgent { get; }

    /// <summary>The local endpoint the request arrived on.</summary>
    public SipTransport Transport => UserAgent.Transport;

    /// <summary>
    /// The dialog the request belongs to (in-dialog requests, and the ACK for a 2xx), or the dialog this request
    /// created once a 2xx (or a 101-199 with a To tag) to an INVITE or SUBSCRIBE was sent. Null otherwise.
    /// </summary>
    public SipDialog? Dialog { get; private set; }

    /// <summary>Signalled when a CANCEL arrives for this INVITE before a final response: answer 487.</summary>
    public CancellationToken CancellationToken { get; }

    public bool IsCancelled => CancellationToken.IsCancellationRequested;

    /// <summary>The To tag of every response to this request.</summary>
    public string LocalTag => _transaction?.LocalTag ?? Request.To.Tag ?? string.Empty;

    /// <summary>True once a final response went out (from the handler, or from the stack after CANCEL).</summary>
    public bool HasFinalResponse => Volatile.Read(ref _final) != 0 || _transaction?.HasFinalResponse == true || _answeredBy is not null;

    /// <summary>True for ACK (never answered) and for CANCEL (answered by the stack).</summary>
    public bool CanRespond => _transaction is not null && _answeredBy is null;

    /// <summary>
    /// A response to this request (RFC 3261 §8.2.6) with this request's To tag (not on 100), and for a 2xx or
    /// 101-199 to INVITE/SUBSCRIBE the Record-Route copied and our Contact added. Headers and body may be added.
    /// </summary>
    public SipResponse CreateResponse(int statusCode, string? reasonPhrase = null)
    {
        var response = SipResponse.CreateFor(Request, statusCode, reasonPhrase, LocalTag.Length == 0 ? null : LocalTag);
        if (CreatesDialog(statusCode))
        {
            response.Headers.CopyFrom(Request.Headers, SipHeaderKind.RecordRoute);
            response.Headers.Add(SipHeaderKind.Contact, new SipNameAddress(UserAgent.CreateContactUri(Request.To.Uri.User, Source)));
        }

        return response;
    }

    /// <summary>Sends <c>CreateResponse(statusCode, reasonPhrase)</c>.</summary>
    public Task RespondAsync(int statusCode, string? reasonPhrase = null) => RespondAsync(CreateResponse(statusCode, reasonPhrase));

    /// <summary>
    /// Sends a response. A 2xx to INVITE creates (or confirms) the dialog and is retransmitted until the ACK; a 2xx
    /// to SUBSCRIBE creates the dialog; a failure ends an early dialog. Throws <see cref="InvalidOperationException"/>
    /// for a second final response (e.g. the stack already answered 487 after CANCEL) and for ACK/CANCEL.
    /// </summary>
    public async Task RespondAsync(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (_transaction is null || _answeredBy is not null)
        {
            throw new InvalidOperationException(_answeredBy ?? $"{Method} is never answered");
        }

        if (!response.IsProvisional && Interlocked.Exchange(ref _final, 1) != 0)
        {
            throw new InvalidOperationException($"{Method} was already answered");
        }

        if (CreatesDialog(response.StatusCode) && response.Contact is null)
        {
            response.Headers.Add(SipHeaderKind.Contact, new SipNameAddress(UserAgent.CreateContactUri(Request.To.Uri.User, Source)));
        }

        var outbound = response.IsSuccess && Method == SipMethod.Invite ? new SipOutboundMessage(response) : null;
        UpdateDialog(response);
        try
        {
            await _transaction.SendResponseAsync(response);
        }
        catch (InvalidOperationException)
        {
            Dialog?.End(SipDialogEndReason.Rejected);
            throw;
        }

        if (outbound is not null && Dialog is { } dialog)
        {
            dialog.WaitForAck(outbound, Request.CSeq.Number, Source);
        }
    }

    public override string ToString() => $"{Request.RequestLine} from {Source}";

    private bool CreatesDialog(int statusCode) =>
        Method is SipMethod.Invite or SipMethod.Subscribe && Request.To.Tag is null && statusCode is > 100 and < 300;

    private void UpdateDialog(SipResponse response)
    {
        if (!CreatesDialog(response.StatusCode))
        {
            if (!response.IsProvisional && Dialog is { State: SipDialogState.Early } early && Request.To.Tag is null)
            {
                early.End(SipDialogEndReason.Rejected);
            }

            return;
        }

        if (response.To.Tag is null)
        {
            return; // a provisional without tag creates nothing
        }

        if (Dialog is null)
        {
            Dialog = SipDialogFactory.CreateUas(UserAgent, Request, response, Source);
            UserAgent.AddDialog(Dialog);
        }
        else if (response.IsSuccess)
        {
            Dialog.Confirm(remoteTarget: null, routeSet: null);
        }
    }
}
