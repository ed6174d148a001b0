using Gb28181Gateway.Integrations.Mqtt;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>
/// Answers mosquitto does not give on demand, from a scripted loopback broker: every CONNACK refusal, a malformed
/// packet after CONNACK, a wrong first packet and a broker that never answers.
/// </summary>
public sealed class MqttClientBrokerAnswerTests
{
    private static readonly byte[] Accepted = [0x20, 0x02, 0x00, 0x00];

    [Theory]
    [InlineData(1, "unacceptable protocol version (the broker does not speak MQTT 3.1.1)")]
    [InlineData(2, "client identifier rejected (check Mqtt:ClientId)")]
    [InlineData(4, "bad user name or password (check Mqtt:Username and Mqtt:Password)")]
    [InlineData(5, "not authorized (wrong user name or password, or the user may not connect; mosquitto reports a bad password this way)")]
    [InlineData(6, "reserved return code")]
    public async Task Permanent_refusal_fails_connect_with_the_reason_and_is_not_retried(byte code, string reason)
    {
        await using var broker = new MqttScriptedBroker(_ => [0x20, 0x02, 0x00, code]);
        await using var client = new MqttClient(Options(broker, "gw-refused"));
        using var metrics = new MqttMetricsRecorder(client);

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => client.StartAsync());

        Assert.Equal((MqttConnectReturnCode)code, ex.ReturnCode);
        Assert.True(ex.IsPermanent);
        Assert.Equal($"MQTT broker 127.0.0.1:{broker.Port} refused the connection: {reason} (CONNACK return code {code}).", ex.Message);
        Assert.Equal(1, broker.Connects);
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "connect_refused"));
    }

    [Fact]
    public async Task Server_unavailable_is_retried_until_accepted()
    {
        await using var broker = new MqttScriptedBroker(n => n < 2 ? [0x20, 0x02, 0x00, 0x03] : Accepted);
        await using var client = new MqttClient(Options(broker, "gw-unavailable"));
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);

        await client.StartAsync();

        Assert.Equal(3, broker.Connects);
        Assert.Equal(MqttConnectionState.Connected, client.State);
        var waits = states.Changes.Where(c => c.State == MqttConnectionState.WaitingToReconnect).ToList();
        Assert.Equal(2, waits.Count);
        Assert.All(waits, w => Assert.Equal(MqttConnectReturnCode.ServerUnavailable, Assert.IsType<MqttConnectException>(w.Error).ReturnCode));
        Assert.Equal(2, metrics.Get("gb28181_mqtt_errors", "reason", "connect_refused"));
    }

    [Fact]
    public async Task Malformed_remaining_length_after_connack_closes_the_connection_as_a_protocol_error_and_reconnects()
    {
        // CONNACK, then a PUBLISH whose Remaining Length goes on for five bytes (section 2.2.3 allows four).
        await using var broker = new MqttScriptedBroker(n => n == 0 ? [.. Accepted, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] : Accepted);
        await using var client = new MqttClient(Options(broker, "gw-malformed"));
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);
        var lost = states.Next(MqttConnectionState.WaitingToReconnect);
        var back = states.Next(MqttConnectionState.Connected, _ => broker.Connects == 2);

        await client.StartAsync();

        var error = Assert.IsType<MqttProtocolException>((await lost).Error);
        Assert.Contains("Remaining Length", error.Message, StringComparison.OrdinalIgnoreCase);
        await back;
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "protocol_error"));
        Assert.Equal(MqttConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Answer_other_than_connack_is_a_protocol_error_that_is_retried()
    {
        await using var broker = new MqttScriptedBroker(n => n == 0 ? [0xD0, 0x00] : Accepted);
        await using var client = new MqttClient(Options(broker, "gw-no-connack"));
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);

        await client.StartAsync();

        var wait = Assert.Single(states.Changes, c => c.State == MqttConnectionState.WaitingToReconnect);
        var error = Assert.IsType<MqttProtocolException>(wait.Error);
        Assert.Equal($"MQTT broker 127.0.0.1:{broker.Port} answered CONNECT with PingResp instead of CONNACK.", error.Message);
        Assert.Equal(2, broker.Connects);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "protocol_error"));
    }

    [Fact]
    public async Task Broker_that_never_answers_connect_times_out_and_is_retried()
    {
        await using var broker = new MqttScriptedBroker(n => n == 0 ? null : Accepted);
        var options = Options(broker, "gw-silent");
        options.ConnectTimeout = TimeSpan.FromMilliseconds(300);
        await using var client = new MqttClient(options);
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);

        await client.StartAsync();

        var wait = Assert.Single(states.Changes, c => c.State == MqttConnectionState.WaitingToReconnect);
        var error = Assert.IsType<TimeoutException>(wait.Error);
        Assert.Contains("did not complete TCP connect and CONNACK within", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, broker.Connects);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "connect_failed"));
    }

    private static MqttClientOptions Options(MqttScriptedBroker broker, string clientId) => new()
    {
        Host = "127.0.0.1",
        Port = broker.Port,
        ClientId = clientId,
        ReconnectDelayMin = TimeSpan.FromMilliseconds(20),
        ReconnectDelayMax = TimeSpan.FromMilliseconds(80),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}
