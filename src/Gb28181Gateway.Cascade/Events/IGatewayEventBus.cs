using System.Threading.Channels;

namespace Gb28181Gateway.Cascade.Events;

/// <summary>
/// Fan-out of <see cref="GatewayEvent"/>s. Publishing never blocks the SIP path: each subscriber has its own
/// bounded queue; when a slow subscriber's queue is full its oldest event is dropped and counted.
/// </summary>
public interface IGatewayEventBus
{
    void Publish(GatewayEvent gatewayEvent);

    /// <summary>A new subscription; read it until the bus is completed (host shutdown).</summary>
    ChannelReader<GatewayEvent> Subscribe(string subscriber, int capacity = 10_000);
}
