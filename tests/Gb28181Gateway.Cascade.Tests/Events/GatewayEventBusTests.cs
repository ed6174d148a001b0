using Gb28181Gateway.Cascade.Events;

namespace Gb28181Gateway.Cascade.Tests.Events;

public sealed class GatewayEventBusTests
{
    private static DeviceOnlineEvent Online(int i) => new("3402000000132000" + i.ToString("D4"), "udp:127.0.0.1:5060") { Timestamp = DateTimeOffset.UnixEpoch };

    [Fact]
    public async Task Every_subscriber_gets_every_event_in_order()
    {
        using var bus = new GatewayEventBus();
        var first = bus.Subscribe("mqtt");
        var second = bus.Subscribe("upper");

        bus.Publish(Online(1));
        bus.Publish(Online(2));
        bus.Dispose();

        foreach (var reader in new[] { first, second })
        {
            var received = new List<GatewayEvent>();
            await foreach (var e in reader.ReadAllAsync())
            {
                received.Add(e);
            }

            Assert.Equal([Online(1), Online(2)], received);
        }
    }

    [Fact]
    public async Task A_full_subscriber_loses_its_oldest_events_and_never_blocks_the_publisher()
    {
        using var bus = new GatewayEventBus();
        var slow = bus.Subscribe("slow", capacity: 2);

        for (var i = 1; i <= 5; i++)
        {
            bus.Publish(Online(i));
        }

        bus.Dispose();
        var received = new List<GatewayEvent>();
        await foreach (var e in slow.ReadAllAsync())
        {
            received.Add(e);
        }

        Assert.Equal([Online(4), Online(5)], received);
    }
}
