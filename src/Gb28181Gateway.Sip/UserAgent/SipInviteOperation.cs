using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.UserAgent;

/// <summary>
/// One INVITE attempt of <see cref="SipUserAgent.InviteAsync"/>, as the owner of its client transaction:
/// early dialogs from tagged provisionals, the dialog and its ACK on 2xx (and the same ACK for every
/// retransmitted 2xx), ACK + BYE for a second fork's 2xx, and CANCEL once a provisional allows it (§9.1).
/// When the caller gives up (token, timeout) it keeps going in the background: CANCEL when possible, and a
/// 2xx that still arrives is acknowledged and ended with BYE.
/// </summary>
internal sealed class SipInviteOperation : ISipClientTransactionOwner
{
    private readonly SipUserAgent _userAgent;
    private readonly SipRequest _invite;
    private readonly SipEndPoint _target;
    private readonly Action<SipResponse>? _onProvisional;
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, SipDialog> _early = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _provisional;
    private bool _finalReceived;
    private bool _cancelWanted;
    private bool _cancelSent;
    private bool _abandoned;
    private SipDialog? _dialog;

    public SipInviteOperation(SipUserAgent userAgent, SipRequest invite, SipEndPoint target, Action<SipResponse>? onProvisional)
    {
        _userAgent = userAgent;
        _invite = invite;
        _target = target;
        _onProvisional = onProvisional;
    }

    public Task<SipResponse> Final => _final.Task;

    public SipDialog? Dialog
    {
        get
        {
            lock (_gate)
            {
                return _dialog;
            }
        }
    }

    public void Start() => _userAgent.Layer.StartClient(_invite, _target, this);

    public void OnProvisional(SipClientTransaction transaction, SipResponse response)
    {
        SipRequestOperation.InvokeProvisional(_userAgent.Logger, _onProvisional, response);
        bool sendCancel;
        SipDialog? early = null;
        lock (_gate)
        {
            _provisional = true;
            if (!_finalReceived && response.StatusCode > SipStatus.Trying && response.To.Tag is { } tag && !_early.ContainsKey(tag))
            {
                early = SipDialogFactory.CreateUac(_userAgent, _invite, response, _target);
                if (early is not null)
                {
                    _early[tag] = early;
                }
            }

            sendCancel = _cancelWanted && !_cancelSent && !_finalReceived;
            _cancelSent |= sendCancel;
        }

        if (early is not null)
        {
            _userAgent.AddDialog(early);
        }

        if (sendCancel)
        {
            SendCancel();
        }
    }

    public void OnFinal(SipClientTransaction transaction, SipResponse response)
    {
        SipDialog? dialog = null;
        List<SipDialog> ended;
        bool abandoned;
        lock (_gate)
        {
            _finalReceived = true;
            abandoned = _abandoned;
            if (response.IsSuccess && response.To.Tag is { } tag)
            {
                if (_early.Remove(tag, out dialog))
                {
                    dialog.Confirm(RemoteTarget(response), RouteSet(response));
                }
                else
                {
                    dialog = SipDialogFactory.CreateUac(_userAgent, _invite, response, _target);
                }

                _dialog = dialog;
            }

            ended = [.. _early.Values];
            _early.Clear();
        }

        foreach (var early in ended)
        {
            early.End(SipDialogEndReason.Rejected);
        }

        if (dialog is not null)
        {
            _userAgent.AddDialog(dialog);
            Acknowledge(dialog);
            if (abandoned)
            {
                UserAgentLog.InviteAbandoned(_userAgent.Logger, _target, _invite.CallId, "answered after the caller gave up: ending it with BYE");
                _ = dialog.ByeAsync();
            }
        }
        else if (response.IsSuccess)
        {
            UserAgentLog.SuccessWithoutTag(_userAgent.Logger, _target, _invite.CallId);
        }

        _final.TrySetResult(response);
    }

    public void OnAdditional2xx(SipClientTransaction transaction, SipResponse response)
    {
        var dialog = Dialog;
        if (dialog is not null && string.Equals(response.To.Tag, dialog.Id.RemoteTag, StringComparison.Ordinal))
        {
            dialog.TryResendAck(response.CSeq.Number);
            return;
        }

        // another fork answered too (§13.2.2.4): acknowledge it, then end it
        if (_userAgent.TryGetDialog(new SipDialogId(_invite.CallId, _invite.From.Tag ?? string.Empty, response.To.Tag ?? string.Empty), out var known))
        {
            known.TryResendAck(response.CSeq.Number);
            return;
        }

        var fork = SipDialogFactory.CreateUac(_userAgent, _invite, response, _target);
        if (fork is null)
        {
            return;
        }

        DialogLog.ExtraDialogEnded(_userAgent.Logger, _target, _invite.CallId, fork.Id.RemoteTag);
        _userAgent.AddDialog(fork);
        Acknowledge(fork);
        _ = fork.ByeAsync();
    }

    /// <summary>The caller gave up: CANCEL now or after the first provisional, or BYE a dialog already made.</summary>
    public void Abandon(string reason)
    {
        SipDialog? dialog;
        bool sendCancel;
        lock (_gate)
        {
            if (_abandoned)
            {
                return;
            }

            _abandoned = true;
            dialog = _dialog;
            _cancelWanted = !_finalReceived;
            sendCancel = _cancelWanted && _provisional && !_cancelSent;
            _cancelSent |= sendCancel;
        }

        UserAgentLog.InviteAbandoned(_userAgent.Logger, _target, _invite.CallId, reason);
        if (dialog is { State: not SipDialogState.Terminated })
        {
            _ = dialog.ByeAsync();
        }

        if (sendCancel)
        {
            SendCancel();
        }
    }

    /// <summary>The INVITE timeout: give up and report 408.</summary>
    public void TimeOut()
    {
        if (_final.Task.IsCompleted)
        {
            return;
        }

        Abandon("no final response in time");
        _final.TrySetResult(SipResponse.CreateFor(_invite, SipStatus.RequestTimeout, "Request Timeout (no final response in time)"));
    }

    private static SipUri? RemoteTarget(SipResponse response) => response.Contact is { IsWildcard: false } contact ? contact.Uri : null;

    private static SipNameAddress[] RouteSet(SipResponse response)
    {
        var routes = response.RecordRoutes;
        var set = new SipNameAddress[routes.Count];
        for (var i = 0; i < set.Length; i++)
        {
            set[i] = routes[routes.Count - 1 - i];
        }

        return set;
    }

    /// <summary>§13.2.2.4: the ACK is built like an in-dialog request with the INVITE's CSeq number and credentials, and a new branch.</summary>
    private void Acknowledge(SipDialog dialog)
    {
        var ack = dialog.CreateRequestCore(SipMethod.Ack, _invite.CSeq.Number);
        ack.Headers.CopyFrom(_invite.Headers, SipHeaderKind.Authorization);
        ack.Headers.CopyFrom(_invite.Headers, SipHeaderKind.ProxyAuthorization);
        _userAgent.PrepareVia(ack, dialog.Peer);
        var outbound = new SipOutboundMessage(ack);
        dialog.SetAck(outbound);
        _ = SendAckAsync(outbound, dialog.Peer);
    }

    private async Task SendAckAsync(SipOutboundMessage ack, SipEndPoint peer)
    {
        try
        {
            await _userAgent.SendStatelessAsync(ack, peer);
        }
        catch (SipTransportException ex)
        {
            TransactionLog.TransportError(_userAgent.Logger, SipMethod.Ack, peer, ex.Message);
        }
    }

    /// <summary>§9.1: Request-URI, Call-ID, From, To, CSeq number, Route and top Via (branch included) of the INVITE.</summary>
    private void SendCancel()
    {
        var cancel = new SipRequest(SipMethod.Cancel, _invite.RequestUri);
        var h = cancel.Headers;
        h.Add(SipHeaderKind.Via, _invite.TopVia!);
        h.CopyFrom(_invite.Headers, SipHeaderKind.From);
        h.CopyFrom(_invite.Headers, SipHeaderKind.To);
        h.CopyFrom(_invite.Headers, SipHeaderKind.CallId);
        h.Add(SipHeaderKind.CSeq, new SipCSeq(_invite.CSeq.Number, SipMethod.Cancel));
        h.CopyFrom(_invite.Headers, SipHeaderKind.Route);
        h.Add(SipHeaderKind.MaxForwards, _userAgent.Options.MaxForwards);
        _userAgent.Layer.StartClient(cancel, _target, new SipRequestOperation(_userAgent.Logger, null));
    }
}
