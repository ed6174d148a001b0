using Gb28181Gateway.Cascade.Configuration;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// How long a platform client waits before the next REGISTER after a failure: capped exponential backoff
/// (<see cref="Initial"/>, doubling, at most <see cref="Cap"/>) with jitter that only shortens a delay, so
/// no delay exceeds the cap and none is shorter than three quarters of its step.
/// </summary>
internal sealed class PlatformBackoff
{
    public static PlatformBackoff Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5));

    /// <summary>The platform's configured back-off: <c>RetryMinSeconds</c> doubling to <c>RetryMaxSeconds</c> (validated at start).</summary>
    public static PlatformBackoff For(PlatformOptions options) =>
        new(TimeSpan.FromSeconds(options.RetryMinSeconds), TimeSpan.FromSeconds(options.RetryMaxSeconds));

    private readonly Func<double> _random;

    public PlatformBackoff(TimeSpan initial, TimeSpan cap, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, initial);
        Initial = initial;
        Cap = cap;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Cap { get; }

    /// <summary>The wait after the <paramref name="failures"/>-th consecutive failure (1 = first).</summary>
    public TimeSpan Delay(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponent = Math.Min(failures - 1, 30);
        var step = Math.Min(Initial.Ticks * Math.Pow(2, exponent), Cap.Ticks);
        var jitter = 0.75 + (0.25 * Math.Clamp(_random(), 0, 1));
        return TimeSpan.FromTicks((long)(step * jitter));
    }
}
