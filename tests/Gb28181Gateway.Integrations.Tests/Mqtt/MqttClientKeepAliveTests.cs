using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Keep alive on a manual clock against a real broker; a black-holed link is detected by the missing PINGRESP.</summary>
public sealed class MqttClientKeepAliveTests
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Idle_connection_sends_pingreq_each_keep_alive_period_and_stays_up_on_pingresp()
    {
        var time = new ManualTimeProvider();
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(Options(broker, "gw-keepalive", broker.Port), null, time);
        using var metrics = new MqttMetricsRecorder(client);
        await client.StartAsync();
        await broker.WaitForLogAsync("as gw-keepalive (p2, c1, k30)");

        time.Advance(KeepAlive - TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        await broker.WaitForLogCountAsync("Received PINGREQ from gw-keepalive", 1);
        await MqttTest.WaitUntilAsync(() => client.Session.PingResponses == 1, "the PINGRESP arrived");

        time.Advance(PingTimeout);
        Assert.Equal(MqttConnectionState.Connected, client.State);
        time.Advance(KeepAlive - PingTimeout);
        await broker.WaitForLogCountAsync("Received PINGREQ from gw-keepalive", 2);
        await MqttTest.WaitUntilAsync(() => client.Session.PingResponses == 2, "the second PINGRESP arrived");

        Assert.Equal(MqttConnectionState.Connected, client.State);
        Assert.Equal(0, metrics.Get("gb28181_mqtt_errors", "reason", "keepalive_timeout"));
    }

    [Fact]
    public async Task Traffic_postpones_the_ping()
    {
        var time = new ManualTimeProvider();
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(Options(broker, "gw-busy", broker.Port), null, time);
        await client.StartAsync();

        time.Advance(TimeSpan.FromSeconds(20));
        await client.PublishAsync(MqttApplicationMessage.FromString("busy/x", "traffic", MqttQualityOfService.AtLeastOnce));
        time.Advance(TimeSpan.FromSeconds(20));
        // 40 s after connecting but only 20 s after the last exchange: no ping yet. At 50 s, one.
        time.Advance(TimeSpan.FromSeconds(10));
        await broker.WaitForLogCountAsync("Received PINGREQ from gw-busy", 1);
        await broker.PublishAsync("busy/marker", "after the ping");

        Assert.Equal(1, broker.CountInLog("Received PINGREQ from gw-busy"));
        Assert.True(broker.Log.IndexOf("Received PUBLISH from gw-busy", StringComparison.Ordinal) < broker.Log.IndexOf("Received PINGREQ from gw-busy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_pingresp_declares_the_connection_dead_and_the_client_reconnects()
    {
        var time = new ManualTimeProvider();
        await using var broker = await Mosquitto.StartAsync();
        await using var relay = new MqttTcpRelay(broker.Port);
        await using var client = new MqttClient(Options(broker, "gw-dead-link", relay.Port), null, time);
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);
        await client.StartAsync();

        relay.Blackhole = true;
        var lost = states.Next(MqttConnectionState.WaitingToReconnect);
        time.Advance(KeepAlive);
        await MqttTest.WaitUntilAsync(() => relay.DroppedBytes >= 2, "the PINGREQ fell into the black hole");
        time.Advance(PingTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(MqttConnectionState.Connected, client.State);
        time.Advance(TimeSpan.FromSeconds(1));

        var dead = await lost;
        Assert.IsType<MqttKeepAliveTimeoutException>(dead.Error);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "keepalive_timeout"));
        Assert.Equal(0, broker.CountInLog("Received PINGREQ from gw-dead-link"));

        relay.Blackhole = false;
        var back = await time.PumpUntilAsync(states.Next(MqttConnectionState.Connected), TimeSpan.FromMilliseconds(100));
        Assert.Equal(MqttConnectionState.Connected, back.State);
        Assert.Equal(2, relay.Accepted);
    }

    private static MqttClientOptions Options(Mosquitto broker, string clientId, int port)
    {
        var options = MqttTest.Options(broker, clientId, port);
        options.KeepAlive = KeepAlive;
        options.PingResponseTimeout = PingTimeout;
        return options;
    }
}
