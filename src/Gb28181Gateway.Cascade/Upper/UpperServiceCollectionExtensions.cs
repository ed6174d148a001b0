using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>Registers the upper domain (superior platforms).</summary>
public static class UpperServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IPlatformDirectory"/>, <see cref="IPlatformChannelMap"/> and the hosted service that
    /// registers to every enabled platform of <c>Gateway:Platforms</c>. Needs IOptions&lt;GatewayOptions&gt;,
    /// TimeProvider, ILoggerFactory, IStateStore, IGatewayEventBus, GatewaySipEndpoints, IDeviceDirectory and
    /// IDeviceClient from the host.
    /// </summary>
    public static IServiceCollection AddUpperDomain(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new UpperDomain(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            sp.GetRequiredService<GatewaySipEndpoints>(),
            sp.GetRequiredService<IStateStore>(),
            sp.GetRequiredService<IGatewayEventBus>(),
            sp.GetRequiredService<IDeviceDirectory>(),
            sp.GetRequiredService<IDeviceClient>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IPlatformDirectory>(sp => sp.GetRequiredService<UpperDomain>());
        services.AddSingleton<IPlatformChannelMap>(sp => sp.GetRequiredService<UpperDomain>());
        services.AddSingleton<IHostedService, UpperHostedService>();
        return services;
    }
}
