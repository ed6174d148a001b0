using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Sip.Dialogs;

/// <summary>
/// The UAS side of a 2xx to INVITE (RFC 3261 §13.3.1.4): the 2xx is sent again at T1, 2*T1, ... capped at
/// T2 until the ACK arrives, and after 64*T1 without one the wait ends with false so the application can
/// send BYE. Retransmission happens over UDP only: over TCP the peer is reached end to end (GB28181 has no
/// proxies in between), so only the ACK timeout applies.
/// </summary>
internal sealed class SipInviteAckWait : IDisposable
{
    private readonly ISipTransport _transport;
    private readonly SipTimers _timers;
    private readonly SipMetrics _metrics;
    private readonly SipOutboundMessage _ok;
    private readonly SipEndPoint _source;
    private readonly TaskCompletionSource<bool> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TransactionTimer? _retransmit;
    private readonly TransactionTimer _timeout;
    private readonly Lock _gate = new();
    private TimeSpan _interval;

    public SipInviteAckWait(ISipTransport transport, SipTimers timers, TimeProvider time, SipMetrics metrics, SipOutboundMessage ok,
        uint cseq, SipEndPoint source)
    {
        _transport = transport;
        _timers = timers;
        _metrics = metrics;
        _ok = ok;
        _source = source;
        CSeq = cseq;
        _timeout = new TransactionTimer(time, OnTimeout);
        _timeout.Start(timers.Timeout);
        if (!source.IsReliable)
        {
            _interval = timers.T1;
            _retransmit = new TransactionTimer(time, OnRetransmit);
            _retransmit.Start(_interval);
        }
    }

    /// <summary>The CSeq number of the INVITE the 2xx answers; the ACK carries the same.</summary>
    public uint CSeq { get; }

    /// <summary>True when the ACK arrived, false when 64*T1 passed without it.</summary>
    public Task<bool> Result => _result.Task;

    /// <summary>An ACK arrived; true when it is the one waited for.</summary>
    public bool OnAck(uint cseq)
    {
        if (cseq != CSeq)
        {
            return false;
        }

        Dispose();
        _result.TrySetResult(true);
        return true;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _retransmit?.Dispose();
            _timeout.Dispose();
        }
    }

    private void OnRetransmit()
    {
        lock (_gate)
        {
            if (_result.Task.IsCompleted)
            {
                return;
            }

            _interval = _timers.Backoff(_interval);
            _retransmit!.Start(_interval);
        }

        _metrics.Retransmitted(_ok.Method);
        _ = SendAsync();
    }

    private async Task SendAsync()
    {
        try
        {
            await _transport.SendResponseAsync(_ok, _source);
        }
        catch (SipTransportException)
        {
            // the next retransmission or the timeout decides
        }
    }

    private void OnTimeout()
    {
        Dispose();
        _result.TrySetResult(false);
    }
}
