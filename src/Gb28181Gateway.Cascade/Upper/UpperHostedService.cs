using Microsoft.Extensions.Hosting;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>Starts the upper domain with the host and unregisters from every platform when it stops.</summary>
internal sealed class UpperHostedService(UpperDomain upper) : IHostedService
{
    /// <summary>How long stopping waits for each platform's unregistration answer.</summary>
    internal static readonly TimeSpan UnregisterBound = TimeSpan.FromSeconds(3);

    public Task StartAsync(CancellationToken cancellationToken) => upper.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => upper.StopAsync(UnregisterBound);
}
