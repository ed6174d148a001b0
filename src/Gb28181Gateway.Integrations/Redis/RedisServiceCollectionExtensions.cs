using System.Diagnostics.Metrics;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>Registers the gateway's <see cref="IStateStore"/>.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Redis state store as <see cref="IStateStore"/> when <c>Gateway:Redis:Configuration</c> is
    /// set (keys under <c>Gateway:Redis:KeyPrefix</c>, owned by <c>Gateway:InstanceId</c>), otherwise the
    /// <see cref="InMemoryStateStore"/>. The Redis store starts connecting when first resolved and never
    /// holds start-up longer than its connect timeout; it is flushed and closed when the container is disposed.
    /// Needs <see cref="TimeProvider"/> and logging registered; uses <see cref="IMeterFactory"/> when present.
    /// </summary>
    /// <exception cref="ArgumentException">The Redis configuration string or the instance ID is invalid.</exception>
    public static IServiceCollection AddStateStore(this IServiceCollection services, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Redis.Configuration))
        {
            services.AddSingleton<IStateStore, InMemoryStateStore>();
            return services;
        }

        var settings = RedisStateStoreSettings.From(options);
        services.AddSingleton(sp => new RedisStateStore(
            settings,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisStateStore>>(),
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<IStateStore>(sp => sp.GetRequiredService<RedisStateStore>());
        return services;
    }
}
