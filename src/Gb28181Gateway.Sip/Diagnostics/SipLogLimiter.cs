namespace Gb28181Gateway.Sip.Diagnostics;

/// <summary>
/// Lets a few log lines through per interval and counts the rest, so a peer sending garbage cannot flood the
/// log. The first line of the next interval reports how many were suppressed.
/// </summary>
internal sealed class SipLogLimiter
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly int _perInterval;
    private readonly Lock _gate = new();
    private long _windowStart;
    private int _inWindow;
    private long _suppressed;

    public SipLogLimiter(TimeProvider time, TimeSpan interval, int perInterval = 5)
    {
        _time = time;
        _interval = interval;
        _perInterval = perInterval;
        _windowStart = time.GetTimestamp();
    }

    /// <summary>True when this event may be logged; <paramref name="suppressed"/> is how many were dropped since the last one logged.</summary>
    public bool TryAcquire(out long suppressed)
    {
        lock (_gate)
        {
            if (_time.GetElapsedTime(_windowStart) >= _interval)
            {
                _windowStart = _time.GetTimestamp();
                _inWindow = 0;
            }

            if (_inWindow < _perInterval)
            {
                _inWindow++;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }
}
