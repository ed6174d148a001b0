namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// RFC 3261 §17 timer values (Table 4) from T1, T2 and T4. Timers D, I, J and K are zero over TCP:
/// nothing is retransmitted on a reliable transport, so there is nothing to absorb.
/// </summary>
internal sealed record SipTimers(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    public static SipTimers Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

    /// <summary>64*T1: Timers B, F, H, J (UDP), L and M, and the 2xx-without-ACK limit.</summary>
    public TimeSpan Timeout => T1 * 64;

    /// <summary>Timer D: at least 32 s over UDP (RFC 3261 Table 4), zero over TCP.</summary>
    public TimeSpan D(bool reliable) => reliable ? TimeSpan.Zero : Timeout > TimeSpan.FromSeconds(32) ? Timeout : TimeSpan.FromSeconds(32);

    /// <summary>Timers I and K: T4 over UDP, zero over TCP.</summary>
    public TimeSpan T4OrZero(bool reliable) => reliable ? TimeSpan.Zero : T4;

    /// <summary>Timer J: 64*T1 over UDP, zero over TCP.</summary>
    public TimeSpan J(bool reliable) => reliable ? TimeSpan.Zero : Timeout;

    /// <summary>The next retransmission interval: doubled, capped at T2 (Timers E and G, and 2xx retransmission).</summary>
    public TimeSpan Backoff(TimeSpan interval) => interval * 2 < T2 ? interval * 2 : T2;

    public void Validate()
    {
        if (T1 <= TimeSpan.Zero || T2 < T1 || T4 <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(T1), $"SIP timers need 0 < T1 <= T2 and T4 > 0 (T1={T1}, T2={T2}, T4={T4})");
        }
    }
}

/// <summary>A one-shot timer from the injected <see cref="TimeProvider"/>, restartable.</summary>
internal sealed class TransactionTimer : IDisposable
{
    private readonly ITimer _timer;

    public TransactionTimer(TimeProvider time, Action callback)
    {
        _timer = time.CreateTimer(static state => ((Action)state!)(), callback, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start(TimeSpan due) => _timer.Change(due, Timeout.InfiniteTimeSpan);

    public void Stop() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();
}
