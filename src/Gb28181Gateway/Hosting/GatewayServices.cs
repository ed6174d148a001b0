using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Integrations.Metrics;
using Gb28181Gateway.Integrations.MqttBridge;
using Gb28181Gateway.Integrations.Redis;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Hosting;

/// <summary>The composition root: what the host registers, in the order the parts start.</summary>
internal static class GatewayServices
{
    public static IServiceCollection AddGateway(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayEventBus>();
        services.AddSingleton<IGatewayEventBus>(sp => sp.GetRequiredService<GatewayEventBus>());
        services.AddStateStore(options); // Redis when Gateway:Redis:Configuration is set, else in memory
        services.AddSingleton(sp => new PrometheusMetricsCollector(new PrometheusMetricsOptions(), sp.GetRequiredService<ILogger<PrometheusMetricsCollector>>()));

        // SIP endpoints bind first: every area registers handlers on them and sends through them.
        services.AddSingleton<GatewaySipEndpoints>();
        services.AddHostedService<SipEndpointsService>();

        // The MQTT bridge starts before the areas and stops after them, so it publishes their start-up and shut-down events.
        services.AddMqttBridge();

        // Areas start in this order and stop in the reverse one: sessions are ended (BYE) and platforms
        // unregistered while the SIP endpoints are still open.
        services.AddLowerDomain();
        services.AddUpperDomain();
        services.AddBridge();
        return services;
    }
}
