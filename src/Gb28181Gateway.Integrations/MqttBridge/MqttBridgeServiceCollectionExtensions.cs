using System.Diagnostics.Metrics;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Upper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Integrations.MqttBridge;

public static class MqttBridgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the MQTT bridge (events, retained status, control protocol) as a hosted service. It runs when
    /// <c>Gateway:Mqtt:Host</c> is set and does nothing otherwise. Uses IOptions&lt;GatewayOptions&gt;,
    /// IGatewayEventBus, TimeProvider and logging; the device, platform, session and stream services when
    /// registered (methods needing a missing one answer "unavailable").
    /// </summary>
    public static IServiceCollection AddMqttBridge(this IServiceCollection services)
    {
        services.AddSingleton<IHostedService>(Create);
        return services;
    }

    private static IHostedService Create(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (!MqttBridgeOptions.IsEnabled(options))
        {
            return new DisabledBridge();
        }

        var topics = new MqttBridgeTopics(options);
        var services = new MqttControlServices(
            sp.GetService<IDeviceDirectory>(),
            sp.GetService<IDeviceClient>(),
            sp.GetService<IPlatformDirectory>(),
            sp.GetService<ISessionDirectory>(),
            sp.GetService<IStreamService>());
        return new MqttBridgeService(
            MqttBridgeOptions.CreateClientOptions(options, topics),
            topics,
            sp.GetRequiredService<IGatewayEventBus>(),
            services,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            eventCapacity: Math.Max(1, options.Mqtt.MaxQueuedMessages),
            meterFactory: sp.GetService<IMeterFactory>());
    }

    private sealed class DisabledBridge : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
