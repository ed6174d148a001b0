using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Integrations.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>
/// Connects the gateway to the MQTT broker: publishes gateway events (QoS 1) under <c>events/*</c>, keeps the
/// retained <c>status</c> ("online" after every connect, "offline" as the last will and on a graceful stop), and
/// serves the control protocol on <c>control/request</c> with at most <see cref="MqttBridgeOptions.MaxConcurrentRequests"/>
/// requests in progress. The host starts even when the broker is down: the client keeps retrying and queues events.
/// </summary>
internal sealed class MqttBridgeService : IHostedService, IAsyncDisposable
{
    private readonly MqttClientOptions _clientOptions;
    private readonly MqttBridgeTopics _topics;
    private readonly IGatewayEventBus _bus;
    private readonly MqttEventEncoder _encoder;
    private readonly MqttControlHandler _handler;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IMeterFactory? _meterFactory;
    private readonly MqttControlMetrics _controlMetrics;
    private readonly int _eventCapacity;
    private readonly int _maxConcurrentRequests;
    private readonly SemaphoreSlim _requestSlots;
    private readonly CancellationTokenSource _stopping = new();
    private MqttClient? _client;
    private ChannelReader<GatewayEvent>? _events;
    private Task _eventLoop = Task.CompletedTask;
    private Task _controlLoop = Task.CompletedTask;

    public MqttBridgeService(
        MqttClientOptions clientOptions,
        MqttBridgeTopics topics,
        IGatewayEventBus bus,
        MqttControlServices services,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        int eventCapacity = 10_000,
        int maxConcurrentRequests = MqttBridgeOptions.MaxConcurrentRequests,
        IMeterFactory? meterFactory = null)
    {
        clientOptions.Validate();
        _clientOptions = clientOptions;
        _topics = topics;
        _bus = bus;
        _encoder = new MqttEventEncoder(topics);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MqttBridgeService>();
        _controlMetrics = new MqttControlMetrics(meterFactory);
        _handler = new MqttControlHandler(services, _logger, timeProvider, metrics: _controlMetrics);
        _timeProvider = timeProvider;
        _meterFactory = meterFactory;
        _eventCapacity = eventCapacity;
        _maxConcurrentRequests = maxConcurrentRequests;
        _requestSlots = new SemaphoreSlim(maxConcurrentRequests, maxConcurrentRequests);
    }

    /// <summary>The client, once started (tests watch its state).</summary>
    internal IMqttClient? Client => _client;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before anything else so no event published during start-up is missed.
        _events = _bus.Subscribe("mqtt", _eventCapacity);
        _client = new MqttClient(_clientOptions, _loggerFactory.CreateLogger<MqttClient>(), _timeProvider, _meterFactory);
        _client.ConnectionStateChanged += OnConnectionStateChanged;
        MqttBridgeLog.Starting(_logger, $"{_clientOptions.Host}:{_clientOptions.Port}", _clientOptions.ClientId, _topics.Root);
        _eventLoop = PumpEventsAsync(_events, _client, _stopping.Token);
        _controlLoop = ConnectAndServeAsync(_client, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Publishes the pending events and a retained "offline", then disconnects cleanly (so the broker discards the
    /// will), all within <paramref name="cancellationToken"/>; requests still running are cancelled.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is not { } client)
        {
            return;
        }

        await _stopping.CancelAsync();
        await SwallowCancellation(_eventLoop);
        DrainEvents(client);
        await SwallowCancellation(_controlLoop);
        await WaitForRequestsAsync(cancellationToken);
        if (client.State == MqttConnectionState.Connected)
        {
            Publish(client, new MqttApplicationMessage(_topics.Status, MqttBridgeOptions.Offline, MqttQualityOfService.AtLeastOnce, retain: true), "status");
        }

        await client.DisconnectAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_client is not null)
        {
            _client.ConnectionStateChanged -= OnConnectionStateChanged;
            await _client.DisposeAsync();
        }

        _stopping.Dispose();
        _requestSlots.Dispose();
        _controlMetrics.Dispose();
    }

    private void OnConnectionStateChanged(object? sender, MqttConnectionStateChangedEventArgs e)
    {
        // After every (re)connect: the will may have replaced "online" while the connection was down.
        if (e.State == MqttConnectionState.Connected && sender is MqttClient client)
        {
            Publish(client, new MqttApplicationMessage(_topics.Status, MqttBridgeOptions.Online, MqttQualityOfService.AtLeastOnce, retain: true), "status");
        }
    }

    private async Task PumpEventsAsync(ChannelReader<GatewayEvent> events, MqttClient client, CancellationToken stopping)
    {
        try
        {
            while (await events.WaitToReadAsync(stopping))
            {
                while (events.TryRead(out var gatewayEvent))
                {
                    PublishEvent(client, gatewayEvent);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            MqttBridgeLog.EventLoopFailed(_logger, ex);
        }
    }

    private void DrainEvents(MqttClient client)
    {
        while (_events is not null && _events.TryRead(out var gatewayEvent))
        {
            PublishEvent(client, gatewayEvent);
        }
    }

    private void PublishEvent(MqttClient client, GatewayEvent gatewayEvent)
    {
        if (gatewayEvent is MobilePositionEvent position)
        {
            foreach (var (topic, payload) in _encoder.EncodePositions(position))
            {
                Publish(client, new MqttApplicationMessage(topic, payload, MqttQualityOfService.AtLeastOnce), nameof(MobilePositionEvent));
            }

            return;
        }

        if (_encoder.Encode(gatewayEvent) is not { } encoded)
        {
            return;
        }

        Publish(client, new MqttApplicationMessage(encoded.Topic, encoded.Payload, MqttQualityOfService.AtLeastOnce), gatewayEvent.GetType().Name);
    }

    /// <summary>Hands a message to the client without waiting for its PUBACK; a full queue or a later failure is logged.</summary>
    private void Publish(MqttClient client, MqttApplicationMessage message, string what)
    {
        Task delivery;
        try
        {
            delivery = client.PublishAsync(message, CancellationToken.None);
        }
        catch (MqttQueueFullException)
        {
            MqttBridgeLog.EventDropped(_logger, what);
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (!delivery.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(delivery, message.Topic);
        }
    }

    private async Task ObserveAsync(Task delivery, string topic)
    {
        try
        {
            await delivery;
        }
        catch (Exception ex) when (ex is MqttException or ObjectDisposedException or InvalidOperationException)
        {
            MqttBridgeLog.PublishFailed(_logger, topic, ex);
        }
    }

    private async Task ConnectAndServeAsync(MqttClient client, CancellationToken stopping)
    {
        try
        {
            await client.ConnectAsync(stopping);
        }
        catch (MqttConnectException ex)
        {
            MqttBridgeLog.ConnectRefused(_logger, ex);
            return;
        }

        try
        {
            await client.SubscribeAsync(_topics.ControlRequest, MqttQualityOfService.AtLeastOnce, stopping);
        }
        catch (MqttException ex)
        {
            MqttBridgeLog.SubscribeFailed(_logger, _topics.ControlRequest, ex);
            return;
        }

        try
        {
            await foreach (var message in client.Messages.ReadAllAsync(stopping))
            {
                if (!string.Equals(message.Topic, _topics.ControlRequest, StringComparison.Ordinal))
                {
                    continue;
                }

                await _requestSlots.WaitAsync(stopping);
                _ = ServeAsync(client, message, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            MqttBridgeLog.ControlLoopFailed(_logger, ex);
        }
    }

    private async Task ServeAsync(MqttClient client, MqttApplicationMessage request, CancellationToken stopping)
    {
        try
        {
            var (topic, payload) = await _handler.HandleAsync(request.Payload, _topics.ControlResponse, stopping);
            Publish(client, new MqttApplicationMessage(topic, payload, MqttQualityOfService.AtLeastOnce), "control answer");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // shutting down: the requester gets no answer from this instance
        }
        finally
        {
            _requestSlots.Release();
        }
    }

    private async Task WaitForRequestsAsync(CancellationToken cancellationToken)
    {
        var taken = 0;
        try
        {
            for (; taken < _maxConcurrentRequests; taken++)
            {
                await _requestSlots.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (taken > 0)
            {
                _requestSlots.Release(taken);
            }
        }
    }

    private static async Task SwallowCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
