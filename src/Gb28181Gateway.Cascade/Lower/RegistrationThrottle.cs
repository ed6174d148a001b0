using System.Collections.Concurrent;
using System.Net;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Slows down password guessing: after <c>AuthFailuresBeforeDelay</c> failed authentications from one source
/// address, REGISTERs from it are refused (503 with Retry-After) for a back-off that doubles with each
/// further failure (1 s, 2 s, 4 s ... up to 5 min). A successful registration clears the address. The table
/// is bounded: entries whose back-off ended long ago are swept.
/// </summary>
internal sealed class RegistrationThrottle
{
    private const int MaxEntries = 100_000;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<IPAddress, State> _sources = new();
    private readonly TimeProvider _time;
    private readonly int _allowed;

    public RegistrationThrottle(TimeProvider time, int failuresBeforeDelay)
    {
        _time = time;
        _allowed = Math.Max(1, failuresBeforeDelay);
    }

    /// <summary>How long <paramref name="source"/> must still wait, or zero.</summary>
    public TimeSpan RetryAfter(IPAddress source)
    {
        if (!_sources.TryGetValue(source, out var state))
        {
            return TimeSpan.Zero;
        }

        var left = state.BlockedUntil - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public int Failures(IPAddress source) => _sources.TryGetValue(source, out var state) ? state.Failures : 0;

    /// <summary>Records a failed authentication; returns the failure count of the address.</summary>
    public int Failed(IPAddress source)
    {
        var now = _time.GetUtcNow();
        if (_sources.Count >= MaxEntries)
        {
            Sweep(now);
        }

        var state = _sources.AddOrUpdate(
            source,
            static (_, a) => Next(new State(0, default), a.now, a.allowed),
            static (_, old, a) => Next(old, a.now, a.allowed),
            (now, allowed: _allowed));
        return state.Failures;
    }

    public void Succeeded(IPAddress source) => _sources.TryRemove(source, out _);

    private static State Next(State old, DateTimeOffset now, int allowed)
    {
        var failures = old.Failures + 1;
        if (failures < allowed)
        {
            return new State(failures, default);
        }

        var exponent = Math.Min(failures - allowed, 20);
        var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, exponent)));
        return new State(failures, now + backoff);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (address, state) in _sources)
        {
            if (state.BlockedUntil + MaxBackoff < now)
            {
                _sources.TryRemove(address, out _);
            }
        }
    }

    private readonly record struct State(int Failures, DateTimeOffset BlockedUntil);
}
