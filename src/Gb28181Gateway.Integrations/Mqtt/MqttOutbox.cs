namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>A message accepted by PublishAsync, from the queue to its PUBACK (QoS 1) or its write (QoS 0).</summary>
internal sealed class MqttOutgoingMessage(MqttApplicationMessage message)
{
    public MqttApplicationMessage Message { get; } = message;

    /// <summary>Assigned when a QoS 1 message leaves the queue; kept for every re-send (MQTT-2.3.1-2).</summary>
    public ushort PacketId { get; set; }

    /// <summary>Written at least once: a re-send carries DUP (MQTT-3.3.1-1).</summary>
    public bool Written { get; set; }

    public TaskCompletionSource Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Packet identifiers in use by this client (publishes in flight, SUBSCRIBE, UNSUBSCRIBE), 1..65535.</summary>
internal sealed class MqttPacketIdPool
{
    private readonly HashSet<ushort> _used = [];
    private ushort _last;

    public ushort Rent()
    {
        for (var attempt = 0; attempt < ushort.MaxValue; attempt++)
        {
            _last = _last == ushort.MaxValue ? (ushort)1 : (ushort)(_last + 1);
            if (_used.Add(_last))
            {
                return _last;
            }
        }

        throw new InvalidOperationException("all 65535 MQTT packet identifiers are in use.");
    }

    public void Return(ushort id) => _used.Remove(id);
}

/// <summary>
/// The bounded queue of messages not yet written and the window of QoS 1 messages written but not acknowledged,
/// both in publish order. Not thread-safe: the session guards it with its lock.
/// </summary>
internal sealed class MqttOutbox(int capacity, int maxInFlight, MqttPacketIdPool packetIds)
{
    private readonly Queue<MqttOutgoingMessage> _queue = new();
    private readonly LinkedList<MqttOutgoingMessage> _inFlightOrder = new();
    private readonly Dictionary<ushort, LinkedListNode<MqttOutgoingMessage>> _inFlight = [];

    public int QueuedCount => _queue.Count;

    public int InFlightCount => _inFlight.Count;

    public bool IsEmpty => _queue.Count == 0 && _inFlight.Count == 0;

    public bool TryEnqueue(MqttOutgoingMessage message)
    {
        if (_queue.Count >= capacity)
        {
            return false;
        }

        _queue.Enqueue(message);
        return true;
    }

    /// <summary>
    /// Moves the messages that may be written now into <paramref name="batch"/>, in queue order: QoS 0 always,
    /// QoS 1 while the in-flight window has room (it gets its packet identifier and enters the window).
    /// </summary>
    public void TakeWritable(List<MqttOutgoingMessage> batch, int maxBatch)
    {
        while (batch.Count < maxBatch && _queue.TryPeek(out var next))
        {
            if (next.Message.QualityOfService != MqttQualityOfService.AtMostOnce)
            {
                if (_inFlight.Count >= maxInFlight)
                {
                    break;
                }

                next.PacketId = packetIds.Rent();
                _inFlight.Add(next.PacketId, _inFlightOrder.AddLast(next));
            }

            _queue.Dequeue();
            batch.Add(next);
        }
    }

    /// <summary>PUBACK: the message leaves the window and its identifier is free again; null for an unknown identifier.</summary>
    public MqttOutgoingMessage? Acknowledge(ushort packetId)
    {
        if (!_inFlight.Remove(packetId, out var node))
        {
            return null;
        }

        _inFlightOrder.Remove(node);
        packetIds.Return(packetId);
        return node.Value;
    }

    /// <summary>The unacknowledged messages in the order they were first sent (MQTT-4.6.0-1).</summary>
    public List<MqttOutgoingMessage> InFlightInOrder() => [.. _inFlightOrder];

    /// <summary>Empties the outbox (client disposed) and returns what was in it.</summary>
    public List<MqttOutgoingMessage> RemoveAll()
    {
        var all = new List<MqttOutgoingMessage>(_inFlightOrder);
        all.AddRange(_queue);
        foreach (var id in _inFlight.Keys)
        {
            packetIds.Return(id);
        }

        _inFlight.Clear();
        _inFlightOrder.Clear();
        _queue.Clear();
        return all;
    }
}
