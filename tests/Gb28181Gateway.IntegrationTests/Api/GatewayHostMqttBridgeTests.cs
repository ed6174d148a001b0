using System.Globalization;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Api;

/// <summary>The real host with Gateway:Mqtt set: the bridge is registered, uses the configured broker and the default client ID.</summary>
public sealed class GatewayHostMqttBridgeTests
{
    [Fact]
    public async Task The_host_runs_the_bridge_when_a_broker_is_configured_and_says_offline_when_it_stops()
    {
        await using var broker = await Mosquitto.StartAsync();
        var host = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:InstanceId"] = "gw-host",
            ["Gateway:Mqtt:Host"] = broker.Host,
            ["Gateway:Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            // Client ID gb28181-{InstanceId}; ready once its control subscription is acknowledged.
            await broker.WaitForLogCountAsync($"Sending SUBACK to gb28181-gw-host{Environment.NewLine}", 1);
            // ... and the retained "online" has reached the broker (it may be written after the SUBSCRIBE).
            await broker.WaitForLogCountAsync("'gb28181/gw-host/status', ... (6 bytes))", 1);
            await using (var status = await broker.SubscribeAsync("gb28181/gw-host/status"))
            {
                Assert.Equal(new MosquittoMessage("gb28181/gw-host/status", "online", 1, Retained: true), Assert.Single(await status.WaitForMessagesAsync(1)));
            }

            await using var answers = await broker.SubscribeAsync("gb28181/gw-host/control/response");
            await broker.PublishAsync("gb28181/gw-host/control/request", """{"id":"h1","method":"no.such.method"}""");
            var answer = Assert.Single(await answers.WaitForMessagesAsync(1));
            Assert.StartsWith("""{"id":"h1","error":{"code":-32601,""", answer.Payload, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }

        await using var after = await broker.SubscribeAsync("gb28181/gw-host/status");
        Assert.Equal(new MosquittoMessage("gb28181/gw-host/status", "offline", 1, Retained: true), Assert.Single(await after.WaitForMessagesAsync(1)));
    }
}
