using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Cascade;

/// <summary>
/// The one <see cref="System.Diagnostics.Metrics.Meter"/> of the application layer. Each area (Lower, Upper,
/// Bridge, Events) declares its own instruments on it in its own <c>*Metrics</c> class; names follow
/// docs/METRICS.md.
/// </summary>
public static class CascadeMeter
{
    public const string Name = "Gb28181Gateway.Cascade";

    public static Meter Meter { get; } = new(Name);
}
