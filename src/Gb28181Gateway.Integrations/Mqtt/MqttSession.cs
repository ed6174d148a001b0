using System.Buffers;
using System.Threading.Channels;
using Gb28181Gateway.Integrations.Mqtt.Codec;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>
/// The client side of an MQTT session: what outlives a single connection (queued and unacknowledged publishes,
/// subscriptions and pending requests, QoS 2 packet identifiers received but not released) and the work done on
/// each connection (renewing, re-sending, the send and receive loops, keep alive). One lock guards the state.
/// </summary>
internal sealed partial class MqttSession
{
    private const int MaxBatch = 256;

    private readonly MqttClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttMetrics _metrics;
    private readonly ChannelWriter<MqttApplicationMessage> _inbound;
    private readonly Lock _gate = new();
    private readonly MqttOutbox _outbox;
    private readonly MqttSubscriptionBook _subscriptions;
    private readonly HashSet<ushort> _inboundQos2 = [];
    private readonly Channel<bool> _sendSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private MqttConnection? _connection;
    private MqttKeepAlive? _keepAlive;
    private TaskCompletionSource? _idle;
    private long _droppedThisOutage;

    public MqttSession(MqttClientOptions options, TimeProvider time, ILogger logger, MqttMetrics metrics, ChannelWriter<MqttApplicationMessage> inbound)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _inbound = inbound;
        var packetIds = new MqttPacketIdPool();
        _outbox = new MqttOutbox(options.QueueCapacity, options.MaxInFlight, packetIds);
        _subscriptions = new MqttSubscriptionBook(packetIds);
    }

    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _outbox.QueuedCount;
            }
        }
    }

    /// <summary>PINGRESPs on the current connection (tests observe keep alive with it).</summary>
    internal int PingResponses => Volatile.Read(ref _keepAlive)?.PingResponses ?? 0;

    /// <summary>The current connection, if any (tests abort it to simulate a network failure).</summary>
    internal MqttConnection? Connection => Volatile.Read(ref _connection);

    public Task PublishAsync(MqttApplicationMessage message)
    {
        var outgoing = new MqttOutgoingMessage(message);
        lock (_gate)
        {
            if (!_outbox.TryEnqueue(outgoing))
            {
                _metrics.Dropped(message.QualityOfService);
                if (_droppedThisOutage++ == 0)
                {
                    Log.QueueFull(_logger, _options.QueueCapacity);
                }

                throw new MqttQueueFullException(message.Topic, _options.QueueCapacity);
            }
        }

        _sendSignal.Writer.TryWrite(true);
        return outgoing.Delivered.Task;
    }

    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IReadOnlyList<MqttTopicSubscription> subscriptions)
    {
        MqttSubscriptionRequest request;
        MqttConnection? connection;
        lock (_gate)
        {
            request = _subscriptions.AddSubscribe(subscriptions);
            connection = _connection;
        }

        return SendRequestAsync(connection, request);
    }

    public Task UnsubscribeAsync(IReadOnlyList<string> topicFilters)
    {
        MqttSubscriptionRequest request;
        MqttConnection? connection;
        lock (_gate)
        {
            request = _subscriptions.AddUnsubscribe(topicFilters);
            connection = _connection;
        }

        return SendRequestAsync(connection, request);
    }

    /// <summary>Waits until everything accepted is delivered, the connection is lost, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task idle;
            CancellationToken closed;
            lock (_gate)
            {
                if (_outbox.IsEmpty || _connection is null)
                {
                    return;
                }

                closed = _connection.Closed;
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                idle = _idle.Task;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, closed);
            try
            {
                await idle.WaitAsync(either.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Number of accepted messages not delivered yet.</summary>
    public int UndeliveredCount
    {
        get
        {
            lock (_gate)
            {
                return _outbox.QueuedCount + _outbox.InFlightCount;
            }
        }
    }

    /// <summary>Fails everything still waiting (the client is disposed).</summary>
    public int FailAll(Exception reason)
    {
        List<MqttOutgoingMessage> messages;
        List<MqttSubscriptionRequest> requests;
        lock (_gate)
        {
            messages = _outbox.RemoveAll();
            requests = _subscriptions.RemovePending();
        }

        foreach (var m in messages)
        {
            m.Delivered.TrySetException(reason);
        }

        foreach (var r in requests)
        {
            if (r.IsRenewal)
            {
                r.Completion.TrySetCanceled();
            }
            else
            {
                r.Completion.TrySetException(reason);
            }
        }

        return messages.Count;
    }

    /// <summary>
    /// Runs one accepted connection until it closes: renews subscriptions when the broker lost the session, re-sends
    /// unacknowledged QoS 1 messages with DUP in their original order, then sends and receives. Returns the close reason.
    /// </summary>
    public async Task<Exception?> RunAsync(MqttConnection connection, Action onReady)
    {
        MqttSubscriptionRequest? renewal = null;
        List<MqttSubscriptionRequest> requests;
        List<MqttOutgoingMessage> resend;
        var keepAlive = new MqttKeepAlive(connection, _time, _options.KeepAlive, _options.PingResponseTimeout);
        long dropped;
        lock (_gate)
        {
            if (!connection.SessionPresent)
            {
                _inboundQos2.Clear();
                renewal = _subscriptions.RenewAll();
            }

            requests = [.. _subscriptions.Pending];
            resend = _outbox.InFlightInOrder();
            dropped = _droppedThisOutage;
            _droppedThisOutage = 0;
            _connection = connection;
            _keepAlive = keepAlive;
        }

        if (dropped > 0)
        {
            Log.QueueDropsSummary(_logger, dropped);
        }

        if (renewal is not null)
        {
            Log.Resubscribing(_logger, _options.Broker, renewal.Subscribe!.Count);
        }

        if (resend.Count > 0)
        {
            Log.Resending(_logger, _options.Broker, resend.Count);
        }

        // Keep alive runs from the first moment the connection is usable, before anyone hears it is.
        keepAlive.Start();
        onReady();
        var receive = ReceiveLoopAsync(connection, keepAlive);
        await connection.WriteAsync((requests, resend), static (w, s) =>
        {
            foreach (var request in s.requests)
            {
                WriteRequest(w, request);
            }

            foreach (var message in s.resend)
            {
                MqttPacketWriter.WritePublish(w, message.Message, message.PacketId, duplicate: true);
            }
        });
        var send = SendLoopAsync(connection);
        await Task.WhenAll(receive, send);

        lock (_gate)
        {
            _connection = null;
            _keepAlive = null;
        }

        keepAlive.Dispose();
        await connection.DisposeAsync();
        return connection.CloseReason;
    }

    private static async Task<IReadOnlyList<MqttSubscribeResult>> SendRequestAsync(MqttConnection? connection, MqttSubscriptionRequest request)
    {
        if (connection is not null)
        {
            // A failed write leaves the request pending: the next connection sends it again.
            await connection.WriteAsync(request, WriteRequest);
        }

        return await request.Completion.Task;
    }

    private static void WriteRequest(IBufferWriter<byte> writer, MqttSubscriptionRequest request)
    {
        if (request.Subscribe is { } subscribe)
        {
            MqttPacketWriter.WriteSubscribe(writer, request.PacketId, subscribe);
        }
        else
        {
            MqttPacketWriter.WriteUnsubscribe(writer, request.PacketId, request.Unsubscribe!);
        }
    }

    private async Task SendLoopAsync(MqttConnection connection)
    {
        var batch = new List<MqttOutgoingMessage>(MaxBatch);
        _sendSignal.Writer.TryWrite(true);
        try
        {
            while (await _sendSignal.Reader.WaitToReadAsync(connection.Closed))
            {
                _sendSignal.Reader.TryRead(out _);
                do
                {
                    batch.Clear();
                    var written = await connection.WriteAsync((Session: this, Batch: batch), static (w, s) =>
                    {
                        lock (s.Session._gate)
                        {
                            s.Session._outbox.TakeWritable(s.Batch, MaxBatch);
                        }

                        foreach (var m in s.Batch)
                        {
                            MqttPacketWriter.WritePublish(w, m.Message, m.PacketId, duplicate: false);
                            m.Written = true;
                        }
                    });
                    CompleteQos0(batch, written);
                    if (!written)
                    {
                        return;
                    }
                }
                while (batch.Count == MaxBatch);
            }
        }
        catch (OperationCanceledException) when (connection.Closed.IsCancellationRequested)
        {
        }
    }

    private void CompleteQos0(List<MqttOutgoingMessage> batch, bool written)
    {
        var any = false;
        foreach (var m in batch)
        {
            if (m.Message.QualityOfService != MqttQualityOfService.AtMostOnce)
            {
                continue;
            }

            any = true;
            if (written)
            {
                _metrics.Published(MqttQualityOfService.AtMostOnce);
                m.Delivered.TrySetResult();
            }
            else
            {
                // At most once: it may or may not have left; re-sending could duplicate it.
                Log.Qos0WriteFailed(_logger, m.Message.Topic);
                m.Delivered.TrySetException(new IOException($"the MQTT connection broke while the QoS 0 message to '{m.Message.Topic}' was written; it may not have reached the broker."));
            }
        }

        if (any)
        {
            SignalIfIdle();
        }
    }

    private void SignalIfIdle()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (_outbox.IsEmpty)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }
}
