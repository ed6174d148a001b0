namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>
/// Capped exponential backoff with "equal jitter": attempt n waits between half and all of min(max, min * 2^n),
/// so a fleet of gateways losing the same broker does not come back in lock step, and no wait is ever zero.
/// </summary>
internal sealed class MqttReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
{
    private int _failures;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = Math.Min(max.Ticks, min.Ticks * (double)(1L << exponent));
        var ticks = (ceiling / 2) + (random.NextDouble() * ceiling / 2);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>A connection succeeded: start again from <c>min</c>.</summary>
    public void Reset() => _failures = 0;
}
