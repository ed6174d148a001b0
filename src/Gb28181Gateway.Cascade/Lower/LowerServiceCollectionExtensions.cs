using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>Registers the lower domain: <see cref="IDeviceDirectory"/>, <see cref="IDeviceClient"/> and the hosted service that runs them.</summary>
public static class LowerServiceCollectionExtensions
{
    /// <summary>
    /// Needs IOptions&lt;GatewayOptions&gt;, TimeProvider, logging, IStateStore, IGatewayEventBus and a started
    /// GatewaySipEndpoints from the host.
    /// </summary>
    public static IServiceCollection AddLowerDomain(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<IDeviceDirectory>(sp => sp.GetRequiredService<DeviceDirectory>());
        services.AddSingleton<LowerMetrics>();
        services.AddSingleton<ManscdpCorrelator>();
        services.AddSingleton<DeviceSubscriptions>();
        services.AddSingleton<DeviceClient>();
        services.AddSingleton<IDeviceClient>(sp => sp.GetRequiredService<DeviceClient>());
        services.AddSingleton<CatalogSynchronizer>();
        services.AddSingleton<DevicePresence>();
        services.AddSingleton<DeviceRegistrar>();
        services.AddSingleton<DeviceMessageRouter>();
        services.AddSingleton<IHostedService, LowerDomainService>();
        return services;
    }
}
