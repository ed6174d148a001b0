using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Sip.UserAgent;

/// <summary>
/// A SIP user agent on one <see cref="SipTransport"/>: the transaction layer, the dialogs, one handler per
/// request method, and the client operations (<see cref="SendRequestAsync"/>, <see cref="InviteAsync"/>,
/// <see cref="SubscribeAsync"/>). A registrar and device server, a client registering to a platform, and both
/// legs of a B2BUA are each built on one (or share one). Knows nothing of GB28181.
/// </summary>
/// <remarks>
/// Requests without a handler get 405 with Allow, except OPTIONS (200 with Allow) and BYE in a dialog (200:
/// the dialog ends either way). ACK and CANCEL are handled by the stack; their handlers, when set, are told.
/// Handlers run on the thread pool, never on the receive loop.
/// </remarks>
public sealed partial class SipUserAgent : ISipTransactionUser, IAsyncDisposable
{
    private readonly ISipTransport _transport;
    private readonly ConcurrentDictionary<string, SipRequestHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SipDialogId, SipDialog> _dialogs = new();
    private int _disposed;

    public SipUserAgent(SipTransport transport, SipUserAgentOptions? options = null, TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : this(transport, options, timeProvider ?? transport?.TimeProvider ?? TimeProvider.System, loggerFactory, SipMetrics.For(meterFactory))
    {
    }

    internal SipUserAgent(ISipTransport transport, SipUserAgentOptions? options, TimeProvider timeProvider, ILoggerFactory? loggerFactory, SipMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Options = options ?? new SipUserAgentOptions();
        Options.Validate();
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = factory.CreateLogger("Gb28181Gateway.Sip.UserAgent");
        _transport = transport;
        Layer = new SipTransactionLayer(transport, Options.Timers, Options.CancelAnswerTimeout, timeProvider,
            factory.CreateLogger("Gb28181Gateway.Sip.Transactions"), metrics);
        Layer.Attach(this);
    }

    public SipUserAgentOptions Options { get; }

    /// <summary>The local endpoint this user agent sends and receives on.</summary>
    public SipTransport Transport => _transport as SipTransport
        ?? throw new InvalidOperationException("this user agent runs on an in-memory transport");

    /// <summary>The dialogs alive now (early and confirmed).</summary>
    public IReadOnlyCollection<SipDialog> Dialogs => [.. _dialogs.Values];

    /// <summary>Methods answered here: those with a handler, plus ACK, CANCEL, BYE and OPTIONS.</summary>
    public IReadOnlyList<string> AllowedMethods
    {
        get
        {
            var methods = new SortedSet<string>(_handlers.Keys, StringComparer.Ordinal) { SipMethod.Ack, SipMethod.Cancel, SipMethod.Bye, SipMethod.Options };
            return [.. methods];
        }
    }

    internal SipTransactionLayer Layer { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time => Layer.Time;

    /// <summary>
    /// Sets the handler for a method (REGISTER, MESSAGE, INVITE, ACK, BYE, CANCEL, INFO, SUBSCRIBE, NOTIFY, OPTIONS, or
    /// any other). The handler answers with <see cref="SipIncomingRequest.RespondAsync(SipResponse)"/>; when its task
    /// completes without a final response the stack answers 500 (487 when the INVITE was cancelled). One handler
    /// per method: setting a second throws.
    /// </summary>
    public void Handle(string method, SipRequestHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(SipMethod.FromUtf8(System.Text.Encoding.ASCII.GetBytes(method)), handler))
        {
            throw new InvalidOperationException($"a handler for {method} is already set");
        }
    }

    public bool TryGetDialog(SipDialogId id, [NotNullWhen(true)] out SipDialog? dialog) => _dialogs.TryGetValue(id, out dialog);

    /// <summary>Stops all transactions and timers and ends every dialog (without BYE). The transport is not disposed.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        Layer.Shutdown();
        foreach (var dialog in _dialogs.Values)
        {
            dialog.End(SipDialogEndReason.Shutdown);
        }

        return ValueTask.CompletedTask;
    }

    void ISipTransactionUser.OnRequest(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        SipDialog? dialog = null;
        if (request.To.Tag is { } toTag)
        {
            var id = new SipDialogId(request.CallId, toTag, request.From.Tag ?? string.Empty);
            if (!_dialogs.TryGetValue(id, out dialog))
            {
                DialogLog.UnknownDialog(Logger, request.Method, transaction.Source, request.CallId);
                Answer(transaction, SipStatus.CallOrTransactionDoesNotExist);
                return;
            }

            var last = dialog.RemoteCSeq;
            if (!dialog.AcceptRemoteCSeq(request))
            {
                DialogLog.CSeqOutOfOrder(Logger, request.Method, transaction.Source, id, request.CSeq.Number, last ?? 0);
                Answer(transaction, SipStatus.ServerInternalError, "Server Internal Error (CSeq out of order)");
                return;
            }

            if (request.Method == SipMethod.Bye)
            {
                dialog.End(SipDialogEndReason.ByeReceived);
            }
        }

        var incoming = new SipIncomingRequest(this, request, transaction.Source, transaction, dialog);
        if (_handlers.TryGetValue(request.Method, out var handler))
        {
            Dispatch(incoming, handler);
        }
        else
        {
            AnswerUnhandled(transaction, dialog);
        }
    }

    void ISipTransactionUser.OnAck(SipRequest ack, SipEndPoint source)
    {
        var id = new SipDialogId(ack.CallId, ack.To.Tag ?? string.Empty, ack.From.Tag ?? string.Empty);
        if (!_dialogs.TryGetValue(id, out var dialog))
        {
            DialogLog.StrayAck(Logger, source, ack.CallId);
            return;
        }

        dialog.OnAck(ack.CSeq.Number);
        if (_handlers.TryGetValue(SipMethod.Ack, out var handler))
        {
            Dispatch(new SipIncomingRequest(this, ack, source, transaction: null, dialog), handler);
        }
    }

    void ISipTransactionUser.OnCancelled(InviteServerTransaction invite, SipRequest cancel)
    {
        if (_handlers.TryGetValue(SipMethod.Cancel, out var handler))
        {
            Dispatch(new SipIncomingRequest(this, cancel, invite.Source, transaction: null, dialog: null, "CANCEL is answered by the stack"), handler);
        }
    }

    void ISipTransactionUser.OnStrayResponse(SipResponse response, SipEndPoint source)
    {
        if (response.IsSuccess && response.CSeq.Method == SipMethod.Invite
            && _dialogs.TryGetValue(new SipDialogId(response.CallId, response.From.Tag ?? string.Empty, response.To.Tag ?? string.Empty), out var dialog)
            && dialog.TryResendAck(response.CSeq.Number))
        {
            return;
        }

        UserAgentLog.StrayResponse(Logger, response.StatusCode, response.CSeq.Method, source, response.CallId);
    }

    internal void AddDialog(SipDialog dialog) => _dialogs[dialog.Id] = dialog;

    internal void RemoveDialog(SipDialog dialog) => _dialogs.TryRemove(KeyValuePair.Create(dialog.Id, dialog));

    private void AnswerUnhandled(SipServerTransaction transaction, SipDialog? dialog)
    {
        var method = transaction.Request.Method;
        if (method == SipMethod.Bye && dialog is not null)
        {
            Answer(transaction, SipStatus.Ok);
            return;
        }

        var response = SipResponse.CreateFor(transaction.Request, method == SipMethod.Options ? SipStatus.Ok : SipStatus.MethodNotAllowed,
            toTag: transaction.LocalTag);
        response.Headers.Add(SipHeaderKind.Allow, string.Join(", ", AllowedMethods));
        if (method != SipMethod.Options)
        {
            UserAgentLog.MethodNotAllowed(Logger, method, transaction.Source);
        }

        _ = SendAsync(transaction, response);
    }

    private void Answer(SipServerTransaction transaction, int statusCode, string? reason = null) =>
        _ = SendAsync(transaction, SipResponse.CreateFor(transaction.Request, statusCode, reason, transaction.LocalTag));

    private async Task SendAsync(SipServerTransaction transaction, SipResponse response)
    {
        try
        {
            await transaction.SendResponseAsync(response);
        }
        catch (InvalidOperationException ex)
        {
            UserAgentLog.ResponseRejected(Logger, response.StatusCode, transaction.Method, ex.Message);
        }
    }

    private void Dispatch(SipIncomingRequest incoming, SipRequestHandler handler) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.UserAgent.RunHandlerAsync(state.Incoming, state.Handler),
            (UserAgent: this, Incoming: incoming, Handler: handler), preferLocal: false);

    private async Task RunHandlerAsync(SipIncomingRequest incoming, SipRequestHandler handler)
    {
        try
        {
            await handler(incoming);
        }
        catch (OperationCanceledException) when (incoming.IsCancelled)
        {
            // the handler gave up on a cancelled INVITE: 487 below
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            UserAgentLog.HandlerFailed(Logger, incoming.Method, incoming.Source, ex);
        }

        if (!incoming.CanRespond || incoming.HasFinalResponse)
        {
            return;
        }

        var status = incoming.IsCancelled ? SipStatus.RequestTerminated : SipStatus.ServerInternalError;
        if (status == SipStatus.ServerInternalError)
        {
            UserAgentLog.HandlerDidNotAnswer(Logger, incoming.Method, incoming.Source);
        }

        try
        {
            await incoming.RespondAsync(status);
        }
        catch (InvalidOperationException)
        {
            // answered in between (e.g. 487 from the stack)
        }
    }
}
