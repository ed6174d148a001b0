using System.Text.Json;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Integrations.MqttBridge;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Tests.MqttBridge;

/// <summary>A bridge service against a test's mosquitto, with in-test services, ready once its control subscription is acknowledged.</summary>
internal sealed class MqttBridgeHarness : IAsyncDisposable
{
    public const string Camera = "34020000001320000001";
    public const string CameraChannel = "34020000001310000001";
    public const string OfflineCamera = "34020000001320000002";

    private bool _stopped;

    private MqttBridgeHarness(Mosquitto broker, MqttBridgeTopics topics, MqttBridgeService service, GatewayEventBus bus)
    {
        Broker = broker;
        Topics = topics;
        Service = service;
        Bus = bus;
    }

    public Mosquitto Broker { get; }

    public MqttBridgeTopics Topics { get; }

    public MqttBridgeService Service { get; }

    public GatewayEventBus Bus { get; }

    public BridgeTestDevices Devices { get; init; } = new();

    public BridgeTestDeviceClient DeviceClient { get; init; } = new();

    public BridgeTestStreams Streams { get; init; } = new();

    /// <summary>Starts the bridge as the host would configure it (client ID gb28181-{instance}, will), with fast reconnects.</summary>
    /// <param name="port">Broker port to connect to (a relay in front of the broker), default the broker's.</param>
    public static async Task<MqttBridgeHarness> StartAsync(Mosquitto broker, string instance, int? port = null, int maxConcurrentRequests = MqttBridgeOptions.MaxConcurrentRequests)
    {
        var options = new GatewayOptions { InstanceId = instance };
        options.Mqtt.Host = broker.Host;
        options.Mqtt.Port = port ?? broker.Port;
        var topics = new MqttBridgeTopics(options);
        var clientOptions = MqttBridgeOptions.CreateClientOptions(options, topics);
        clientOptions.ReconnectDelayMin = TimeSpan.FromMilliseconds(50);
        clientOptions.ReconnectDelayMax = TimeSpan.FromMilliseconds(400);
        var bus = new GatewayEventBus();
        BridgeTestDevices devices = new();
        BridgeTestDeviceClient client = new();
        BridgeTestStreams streams = new();
        var service = new MqttBridgeService(
            clientOptions, topics, bus,
            new MqttControlServices(devices, client, new BridgeTestPlatforms(), streams, streams),
            NullLoggerFactory.Instance, TimeProvider.System, maxConcurrentRequests: maxConcurrentRequests);
        var harness = new MqttBridgeHarness(broker, topics, service, bus) { Devices = devices, DeviceClient = client, Streams = streams };
        harness.Devices.Add(Camera, online: true, CameraChannel);
        harness.Devices.Add(OfflineCamera, online: false);

        var subAcks = broker.CountInLog(SubAck(instance));
        var onlines = broker.CountInLog(OnlineReceived(topics));
        await service.StartAsync(CancellationToken.None);
        await broker.WaitForLogCountAsync(SubAck(instance), subAcks + 1);
        // The client may write the SUBSCRIBE before the "online" PUBLISH; ready means the broker has both.
        await broker.WaitForLogCountAsync(OnlineReceived(topics), onlines + 1);
        return harness;
    }

    public static string SubAck(string instance) => $"Sending SUBACK to gb28181-{instance}{Environment.NewLine}";

    /// <summary>The broker's log line end for the 6-byte "online" on the status topic (before any subscriber, only its receipt).</summary>
    public static string OnlineReceived(MqttBridgeTopics topics) => $"'{topics.Status}', ... (6 bytes))";

    /// <summary>Sends a control request with mosquitto_pub.</summary>
    public Task RequestAsync(string json) => Broker.PublishAsync(Topics.ControlRequest, json);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Service.StopAsync(cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Service.DisposeAsync();
        Bus.Dispose();
    }
}

internal static class BridgeAnswers
{
    /// <summary>The answer with <paramref name="id"/> among what a mosquitto_sub received (answers to concurrent requests may come in any order).</summary>
    public static async Task<JsonElement> WaitForAnswerAsync(this MosquittoSubscriber subscriber, string id)
    {
        for (var count = 1; ; count++)
        {
            var messages = await subscriber.WaitForMessagesAsync(count);
            using var document = JsonDocument.Parse(messages[count - 1].Payload);
            if (document.RootElement.GetProperty("id").ToString() == id)
            {
                return document.RootElement.Clone();
            }
        }
    }

    public static int ErrorCode(this JsonElement answer) => answer.GetProperty("error").GetProperty("code").GetInt32();

    public static string ErrorMessage(this JsonElement answer) => answer.GetProperty("error").GetProperty("message").GetString()!;
}
