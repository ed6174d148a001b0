using System.Net.Sockets;
using System.Security.Authentication;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>CONNECT/CONNACK against a real mosquitto: anonymous, credentials, refusals, unreachable broker, TLS.</summary>
public sealed class MqttClientConnectTests
{
    private static readonly Dictionary<string, string> Users = new() { ["gbgw"] = "s3cret" };

    [Fact]
    public async Task Connects_and_reports_the_state_changes()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-connect"));
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);

        Assert.Equal(0, metrics.Get("gb28181_mqtt_connected"));
        await client.StartAsync();

        Assert.Equal(MqttConnectionState.Connected, client.State);
        Assert.Equal([MqttConnectionState.Connecting, MqttConnectionState.Connected], states.Changes.Select(c => c.State));
        Assert.False(states.Changes[^1].SessionPresent);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_connected"));
        // mosquitto's view: protocol 3.1.1 (p2), clean session (c1), keep alive 60 s (k60).
        await broker.WaitForLogAsync("as gw-connect (p2, c1, k60)");

        await client.DisconnectAsync();
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
        Assert.Equal(0, metrics.Get("gb28181_mqtt_connected"));
        await broker.WaitForLogAsync("Received DISCONNECT from gw-connect");
    }

    [Fact]
    public async Task Connects_with_user_name_and_password()
    {
        await using var broker = await Mosquitto.StartAsync(new MosquittoOptions { Users = Users });
        var options = MqttTest.Options(broker, "gw-credentials");
        options.Username = "gbgw";
        options.Password = "s3cret";
        await using var client = new MqttClient(options);

        await client.StartAsync();

        Assert.Equal(MqttConnectionState.Connected, client.State);
        await broker.WaitForLogAsync("as gw-credentials (p2, c1, k60, u'gbgw')");
    }

    [Theory]
    [InlineData("gbgw", "wrong")]
    [InlineData("nobody", "s3cret")]
    [InlineData(null, null)]
    public async Task Refused_credentials_fail_connect_with_a_clear_error_and_no_retry(string? user, string? password)
    {
        await using var broker = await Mosquitto.StartAsync(new MosquittoOptions { Users = Users });
        var options = MqttTest.Options(broker, "gw-refused");
        options.Username = user;
        options.Password = password;
        await using var client = new MqttClient(options);
        using var metrics = new MqttMetricsRecorder(client);

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => client.StartAsync());

        // mosquitto 2.0 answers bad credentials with 5 "not authorized" rather than 4.
        Assert.Equal(MqttConnectReturnCode.NotAuthorized, ex.ReturnCode);
        Assert.True(ex.IsPermanent);
        Assert.Contains($"MQTT broker 127.0.0.1:{broker.Port} refused the connection: not authorized", ex.Message, StringComparison.Ordinal);
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
        Assert.Equal(1, metrics.Get("gb28181_mqtt_errors", "reason", "connect_refused"));

        // The client stopped: it can be started again (and is refused again, once).
        await Assert.ThrowsAsync<MqttConnectException>(() => client.StartAsync());
        Assert.Equal(2, metrics.Get("gb28181_mqtt_errors", "reason", "connect_refused"));
    }

    [Fact]
    public async Task Unreachable_broker_is_retried_with_backoff_until_cancelled()
    {
        var closedPort = LoopbackPorts.Next();
        var options = new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = closedPort,
            ClientId = "gw-unreachable",
            ReconnectDelayMin = TimeSpan.FromMilliseconds(20),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(80),
        };
        await using var client = new MqttClient(options);
        using var metrics = new MqttMetricsRecorder(client);
        var states = new MqttStateLog(client);
        var thirdWait = states.Next(MqttConnectionState.WaitingToReconnect, _ => states.Changes.Count(c => c.State == MqttConnectionState.WaitingToReconnect) >= 3);
        using var cts = new CancellationTokenSource();

        var connecting = client.ConnectAsync(cts.Token);
        var wait = await thirdWait;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting);
        Assert.IsType<SocketException>(wait.Error);
        Assert.InRange(wait.ReconnectDelay!.Value, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(80));
        Assert.True(metrics.Get("gb28181_mqtt_errors", "reason", "connect_failed") >= 3);
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task Connects_over_tls_with_a_pinned_certificate()
    {
        await using var broker = await Mosquitto.StartAsync(new MosquittoOptions { Tls = true });
        var options = MqttTest.Options(broker, "gw-tls", broker.TlsPort);
        options.UseTls = true;
        options.TlsTargetHost = "localhost";
        options.TlsCertificateValidation = (_, certificate, _, _) => certificate?.GetCertHashString() == broker.TlsCertificate!.GetCertHashString();
        await using var client = new MqttClient(options);
        await using var subscriber = await broker.SubscribeAsync("tls/test");

        await client.StartAsync();
        await client.PublishAsync(MqttApplicationMessage.FromString("tls/test", "over tls", MqttQualityOfService.AtLeastOnce));

        var received = await subscriber.WaitForMessagesAsync(1);
        Assert.Equal("over tls", received[0].Payload);
    }

    [Fact]
    public async Task Untrusted_tls_certificate_fails_connect_instead_of_retrying()
    {
        await using var broker = await Mosquitto.StartAsync(new MosquittoOptions { Tls = true });
        var options = MqttTest.Options(broker, "gw-untrusted", broker.TlsPort);
        options.UseTls = true;
        options.TlsTargetHost = "localhost";
        await using var client = new MqttClient(options);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.StartAsync());
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task Options_changed_after_creation_do_not_reach_the_client()
    {
        await using var broker = await Mosquitto.StartAsync();
        var options = MqttTest.Options(broker, "gw-original");
        await using var client = new MqttClient(options);
        options.Port = 1;
        options.ClientId = "gw-changed";

        await client.StartAsync();

        await broker.WaitForLogAsync("as gw-original (p2");
    }

    [Fact]
    public async Task Connecting_twice_is_refused()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var client = new MqttClient(MqttTest.Options(broker, "gw-twice"));
        await client.StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.StartAsync());
        Assert.Contains("already started", ex.Message, StringComparison.Ordinal);
    }
}
