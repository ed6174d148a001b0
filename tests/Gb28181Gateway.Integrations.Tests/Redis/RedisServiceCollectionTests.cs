using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Integrations.Redis;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>AddStateStore picks the store from configuration.</summary>
public sealed class RedisServiceCollectionTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public void Without_a_redis_configuration_the_in_memory_store_is_registered()
    {
        var services = new ServiceCollection().AddStateStore(new GatewayOptions());
        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IStateStore));
        Assert.Equal(typeof(InMemoryStateStore), descriptor.ImplementationType);
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
    }

    [Fact]
    public async Task With_a_redis_configuration_the_redis_store_is_registered_for_the_instance_and_prefix()
    {
        var prefix = RedisTest.NewPrefix();
        var options = new GatewayOptions { InstanceId = "gw-7", Redis = new RedisOptions { Configuration = server.Configuration, KeyPrefix = prefix } };
        var services = new ServiceCollection().AddStateStore(options);
        var provider = new TinyProvider(services);

        var store = Assert.IsType<RedisStateStore>(provider.Get(typeof(IStateStore)));
        Assert.Same(store, provider.Get(typeof(IStateStore)));
        await using (store)
        {
            await store.SaveDeviceAsync(RedisTest.Device("34020000001320000001", instance: "gw-7"));
            await store.Connected.WaitAsync(RedisTest.Timeout);
            await store.FlushAsync().WaitAsync(RedisTest.Timeout);
        }

        Assert.Equal("34020000001320000001", await server.CliAsync("SMEMBERS", $"{prefix}{{gw-7}}:devices"));
    }

    [Theory]
    [InlineData("127.0.0.1:6379,notAnOption=1")]
    [InlineData(",")]
    public void An_invalid_redis_configuration_fails_registration_naming_the_key(string configuration)
    {
        var options = new GatewayOptions { Redis = new RedisOptions { Configuration = configuration } };
        var ex = Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddStateStore(options));
        Assert.Contains("Gateway:Redis:Configuration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_instance_id_fails_registration()
    {
        var options = new GatewayOptions { InstanceId = " ", Redis = new RedisOptions { Configuration = server.Configuration } };
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddStateStore(options));
        Assert.Contains("Gateway:InstanceId", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Just enough of a container to run the registered factories (singletons, the host's usual services).</summary>
    private sealed class TinyProvider(IServiceCollection services) : IServiceProvider
    {
        private readonly Dictionary<Type, object> _singletons = new()
        {
            [typeof(TimeProvider)] = TimeProvider.System,
            [typeof(ILogger<RedisStateStore>)] = new RedisLogRecorder(),
        };

        public object Get(Type type) => GetService(type) ?? throw new InvalidOperationException($"{type} is not registered");

        public object? GetService(Type serviceType)
        {
            if (_singletons.TryGetValue(serviceType, out var existing))
            {
                return existing;
            }

            var descriptor = services.LastOrDefault(d => d.ServiceType == serviceType);
            if (descriptor is null)
            {
                return null;
            }

            var created = descriptor.ImplementationFactory?.Invoke(this) ?? Activator.CreateInstance(descriptor.ImplementationType!)!;
            _singletons[serviceType] = created;
            return created;
        }
    }
}
