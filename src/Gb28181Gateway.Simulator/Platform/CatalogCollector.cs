using System.Collections.Concurrent;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Simulator.Platform;

/// <summary>What one catalog query brought back.</summary>
internal sealed record CatalogResult(string DeviceId, long Sn, int? SumNum, IReadOnlyList<CatalogItem> Items, int Messages, int Duplicates,
    TimeSpan QueryToLastItem, bool IsComplete);

/// <summary>
/// Aggregates Response/Catalog MESSAGEs by (DeviceID, SN): items de-duplicated by DeviceID in arrival order,
/// complete when SumNum distinct items arrived. Timing from the query (Begin) to the last item, on the injected clock.
/// </summary>
internal sealed class CatalogCollector
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string DeviceId, long Sn), Aggregation> _pending = new();

    public CatalogCollector(TimeProvider time) => _time = time;

    /// <summary>Registers a query before it is sent, so no answer can arrive unexpected.</summary>
    public void Begin(string deviceId, long sn) => _pending[(deviceId, sn)] = new Aggregation(deviceId, sn, _time.GetTimestamp());

    /// <summary>Adds one Response/Catalog; false when no query with that (DeviceID, SN) is pending.</summary>
    public bool Add(CatalogResponse response)
    {
        if (!_pending.TryGetValue((response.DeviceId, response.Sn), out var aggregation))
        {
            return false;
        }

        aggregation.Add(response, _time.GetTimestamp());
        return true;
    }

    /// <summary>Waits until the query completes or <paramref name="timeout"/> passes, and returns what arrived either way.</summary>
    public async Task<CatalogResult> WaitAsync(string deviceId, long sn, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue((deviceId, sn), out var aggregation))
        {
            throw new InvalidOperationException($"no catalog query to {deviceId} with SN {sn} was begun");
        }

        try
        {
            await aggregation.Completed.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // incomplete: report what arrived
        }

        _pending.TryRemove((deviceId, sn), out _);
        return aggregation.ToResult(_time);
    }

    private sealed class Aggregation(string deviceId, long sn, long startedAt)
    {
        private readonly Lock _gate = new();
        private readonly List<CatalogItem> _items = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int? _sumNum;
        private int _messages;
        private int _duplicates;
        private long _lastItemAt;

        public Task Completed => _completed.Task;

        public void Add(CatalogResponse response, long now)
        {
            bool done;
            lock (_gate)
            {
                _messages++;
                _sumNum = response.SumNum ?? _sumNum;
                foreach (var item in response.Items)
                {
                    if (_seen.Add(item.DeviceId))
                    {
                        _items.Add(item);
                        _lastItemAt = now;
                    }
                    else
                    {
                        _duplicates++;
                    }
                }

                done = _sumNum is { } sum && _items.Count >= sum;
            }

            if (done)
            {
                _completed.TrySetResult();
            }
        }

        public CatalogResult ToResult(TimeProvider time)
        {
            lock (_gate)
            {
                var elapsed = _lastItemAt == 0 ? TimeSpan.Zero : time.GetElapsedTime(startedAt, _lastItemAt);
                return new CatalogResult(deviceId, sn, _sumNum, [.. _items], _messages, _duplicates, elapsed, _completed.Task.IsCompleted);
            }
        }
    }
}
