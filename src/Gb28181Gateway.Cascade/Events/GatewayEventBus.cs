using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace Gb28181Gateway.Cascade.Events;

/// <inheritdoc cref="IGatewayEventBus"/>
public sealed class GatewayEventBus : IGatewayEventBus, IDisposable
{
    private static readonly Counter<long> Dropped = CascadeMeter.Meter.CreateCounter<long>(
        "gb28181_events_dropped", description: "Events dropped because a subscriber's queue was full");

    private ImmutableArray<Subscription> _subscriptions = [];

    public void Publish(GatewayEvent gatewayEvent)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        foreach (var subscription in _subscriptions)
        {
            subscription.Write(gatewayEvent);
        }
    }

    public ChannelReader<GatewayEvent> Subscribe(string subscriber, int capacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new Subscription(subscriber, capacity);
        ImmutableInterlocked.Update(ref _subscriptions, static (list, item) => list.Add(item), subscription);
        return subscription.Reader;
    }

    /// <summary>Completes every subscription: readers drain what is queued, then end.</summary>
    public void Dispose()
    {
        foreach (var subscription in ImmutableInterlocked.InterlockedExchange(ref _subscriptions, []))
        {
            subscription.Complete();
        }
    }

    private sealed class Subscription
    {
        private readonly Channel<GatewayEvent> _channel;
        private readonly KeyValuePair<string, object?> _tag;

        public Subscription(string name, int capacity)
        {
            _tag = new("subscriber", name);
            _channel = Channel.CreateBounded<GatewayEvent>(
                new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Dropped.Add(1, _tag));
        }

        public ChannelReader<GatewayEvent> Reader => _channel.Reader;

        public void Write(GatewayEvent gatewayEvent) => _channel.Writer.TryWrite(gatewayEvent);

        public void Complete() => _channel.Writer.TryComplete();
    }
}
