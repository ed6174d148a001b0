namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>A SUBSCRIBE or UNSUBSCRIBE waiting for the broker's answer; re-sent on every new connection until answered.</summary>
internal sealed class MqttSubscriptionRequest
{
    public required ushort PacketId { get; init; }

    /// <summary>Set for a SUBSCRIBE.</summary>
    public IReadOnlyList<MqttTopicSubscription>? Subscribe { get; init; }

    /// <summary>Set for an UNSUBSCRIBE.</summary>
    public IReadOnlyList<string>? Unsubscribe { get; init; }

    /// <summary>Made by the client to renew its subscriptions after the broker lost the session; no caller waits for it.</summary>
    public bool IsRenewal { get; init; }

    public TaskCompletionSource<IReadOnlyList<MqttSubscribeResult>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The subscriptions the broker has granted (renewed when it did not keep the session) and the requests still
/// waiting for SUBACK/UNSUBACK, in the order they were made. Not thread-safe: the session guards it with its lock.
/// </summary>
internal sealed class MqttSubscriptionBook(MqttPacketIdPool packetIds)
{
    private readonly Dictionary<string, MqttQualityOfService> _granted = new(StringComparer.Ordinal);
    private readonly List<MqttSubscriptionRequest> _pending = [];

    public int GrantedCount => _granted.Count;

    public IReadOnlyList<MqttSubscriptionRequest> Pending => _pending;

    public MqttSubscriptionRequest AddSubscribe(IReadOnlyList<MqttTopicSubscription> subscriptions)
    {
        var request = new MqttSubscriptionRequest { PacketId = packetIds.Rent(), Subscribe = subscriptions };
        _pending.Add(request);
        return request;
    }

    /// <summary>The filters are forgotten at once, so a reconnect never renews them even before UNSUBACK.</summary>
    public MqttSubscriptionRequest AddUnsubscribe(IReadOnlyList<string> topicFilters)
    {
        foreach (var filter in topicFilters)
        {
            _granted.Remove(filter);
        }

        var request = new MqttSubscriptionRequest { PacketId = packetIds.Rent(), Unsubscribe = topicFilters };
        _pending.Add(request);
        return request;
    }

    /// <summary>
    /// The broker lost the session: one SUBSCRIBE renewing every granted filter, placed before the pending requests.
    /// A renewal still pending from an earlier connection is replaced. Null when nothing is granted.
    /// </summary>
    public MqttSubscriptionRequest? RenewAll()
    {
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].IsRenewal)
            {
                packetIds.Return(_pending[i].PacketId);
                _pending.RemoveAt(i);
            }
        }

        if (_granted.Count == 0)
        {
            return null;
        }

        var subscriptions = _granted.Select(g => new MqttTopicSubscription(g.Key, g.Value)).ToArray();
        var renewal = new MqttSubscriptionRequest { PacketId = packetIds.Rent(), Subscribe = subscriptions, IsRenewal = true };
        _pending.Insert(0, renewal);
        return renewal;
    }

    /// <summary>
    /// SUBACK: records the granted filters (unless a later UNSUBSCRIBE for them is pending), forgets the refused ones.
    /// Null for an unknown identifier.
    /// </summary>
    /// <exception cref="MqttProtocolException">The SUBACK does not carry one return code per requested filter.</exception>
    public (MqttSubscriptionRequest Request, MqttSubscribeResult[] Results)? CompleteSubscribe(ushort packetId, byte[] returnCodes)
    {
        var index = _pending.FindIndex(r => r.PacketId == packetId && r.Subscribe is not null);
        if (index < 0)
        {
            return null;
        }

        var request = _pending[index];
        var requested = request.Subscribe!;
        if (returnCodes.Length != requested.Count)
        {
            throw new MqttProtocolException($"SUBACK {packetId} carries {returnCodes.Length} return codes for {requested.Count} topic filters.");
        }

        _pending.RemoveAt(index);
        packetIds.Return(packetId);
        var results = new MqttSubscribeResult[requested.Count];
        for (var i = 0; i < requested.Count; i++)
        {
            var filter = requested[i].TopicFilter;
            var granted = returnCodes[i] <= 2;
            results[i] = new MqttSubscribeResult(filter, granted ? (MqttQualityOfService)returnCodes[i] : null);
            if (!granted)
            {
                _granted.Remove(filter);
            }
            else if (!UnsubscribePendingAfter(index, filter))
            {
                _granted[filter] = requested[i].MaximumQualityOfService;
            }
        }

        return (request, results);
    }

    /// <summary>UNSUBACK; null for an unknown identifier.</summary>
    public MqttSubscriptionRequest? CompleteUnsubscribe(ushort packetId)
    {
        var index = _pending.FindIndex(r => r.PacketId == packetId && r.Unsubscribe is not null);
        if (index < 0)
        {
            return null;
        }

        var request = _pending[index];
        _pending.RemoveAt(index);
        packetIds.Return(packetId);
        return request;
    }

    /// <summary>Empties the pending requests (client disposed) and returns them.</summary>
    public List<MqttSubscriptionRequest> RemovePending()
    {
        var all = new List<MqttSubscriptionRequest>(_pending);
        foreach (var request in _pending)
        {
            packetIds.Return(request.PacketId);
        }

        _pending.Clear();
        return all;
    }

    private bool UnsubscribePendingAfter(int index, string filter)
    {
        for (var i = index; i < _pending.Count; i++)
        {
            if (_pending[i].Unsubscribe is { } filters && filters.Contains(filter, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
