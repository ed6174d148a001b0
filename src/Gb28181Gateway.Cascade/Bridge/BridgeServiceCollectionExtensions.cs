using Gb28181Gateway.Cascade.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RelayOptions = Gb28181Gateway.Media.MediaOptions;

namespace Gb28181Gateway.Cascade.Bridge;

public static class BridgeServiceCollectionExtensions
{
    /// <summary>
    /// The media bridge: <see cref="ISessionDirectory"/>, <see cref="IStreamService"/>, the RTP relay (unless the
    /// host registered one) built from <c>Gateway:Media</c>, and the hosted service that registers the SIP
    /// handlers, ends sessions a previous process left, runs the no-media watchdog and BYEs everything at stop.
    /// </summary>
    public static IServiceCollection AddBridge(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new Media.RtpRelay(
            ToRelayOptions(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Media),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<MediaBridge>();
        services.TryAddSingleton<ISessionDirectory>(sp => sp.GetRequiredService<MediaBridge>());
        services.TryAddSingleton<IStreamService>(sp => sp.GetRequiredService<MediaBridge>());
        services.AddHostedService<BridgeHostedService>();
        return services;
    }

    internal static RelayOptions ToRelayOptions(MediaOptions media) => new()
    {
        ListenAddress = media.ListenAddress,
        ExternalAddress = media.ExternalAddress,
        PortMin = media.PortMin,
        PortMax = media.PortMax,
        NoMediaTimeoutSeconds = media.NoMediaTimeoutSeconds,
        UdpBatch = media.UdpBatch,
    };
}

/// <summary>Starts the bridge after the SIP endpoints; at stop, ends every session with BYE on both legs.</summary>
internal sealed class BridgeHostedService(MediaBridge bridge) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bridge.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => bridge.StopAsync(cancellationToken);
}
