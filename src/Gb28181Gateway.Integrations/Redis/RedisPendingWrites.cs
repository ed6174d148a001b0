using Gb28181Gateway.Cascade.State;

namespace Gb28181Gateway.Integrations.Redis;

internal enum RedisEntityKind
{
    Device,
    Catalog,
    Platform,
    Session,
    IdMapping,
}

/// <summary>One entity in Redis: its kind and ID (for ID mappings, <c>platform</c> + '\n' + <c>deviceId/channelId</c>).</summary>
internal readonly record struct RedisEntityKey(RedisEntityKind Kind, string Id);

/// <summary>An ID assignment made while Redis was unreachable, to reconcile with the shared map when it returns.</summary>
internal sealed record RedisIdAssignment(string Platform, ChannelRef Channel, string UpperId);

/// <summary>
/// A change not yet written: <see cref="Value"/> is the latest value of the entity (DeviceRecord, catalog
/// bytes, PlatformStateRecord, SessionRecord, RedisIdAssignment), null to delete it.
/// </summary>
internal readonly record struct RedisPendingWrite(RedisEntityKey Key, object? Value, long Version);

/// <summary>
/// The entities changed locally and not yet written to Redis, the latest value per entity (so an outage
/// costs one entry per changed entity, however often it changed). Bounded: when a new entity would exceed
/// the capacity, the buffer is dropped and <see cref="Overflowed"/> set, which makes the store rewrite its
/// whole local copy when Redis returns (everything local counts as changed until then).
/// </summary>
internal sealed class RedisPendingWrites
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RedisEntityKey, (object? Value, long Version)> _entries = [];
    private readonly int _capacity;
    private long _version;
    private bool _overflowed;

    public RedisPendingWrites(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Capacity => _capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True while the buffer has overflowed and a full rewrite is due.</summary>
    public bool Overflowed
    {
        get
        {
            lock (_gate)
            {
                return _overflowed;
            }
        }
    }

    /// <summary>True when the work still to do includes nothing (no pending entity, no rewrite due).</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count == 0 && !_overflowed;
            }
        }
    }

    /// <summary>Records the latest value of an entity; returns true when this call made the buffer overflow.</summary>
    public bool Put(RedisEntityKey key, object? value)
    {
        lock (_gate)
        {
            if (_overflowed)
            {
                return false;
            }

            if (_entries.Count >= _capacity && !_entries.ContainsKey(key))
            {
                _entries.Clear();
                _overflowed = true;
                return true;
            }

            _entries[key] = (value, ++_version);
            return false;
        }
    }

    /// <summary>True when the local value of the entity is newer than what Redis may hold.</summary>
    public bool IsDirty(RedisEntityKey key)
    {
        lock (_gate)
        {
            return _overflowed || _entries.ContainsKey(key);
        }
    }

    /// <summary>Up to <paramref name="max"/> pending changes; they stay pending until <see cref="Complete"/>.</summary>
    public List<RedisPendingWrite> Peek(int max)
    {
        lock (_gate)
        {
            var batch = new List<RedisPendingWrite>(Math.Min(max, _entries.Count));
            foreach (var (key, (value, version)) in _entries)
            {
                if (batch.Count == max)
                {
                    break;
                }

                batch.Add(new RedisPendingWrite(key, value, version));
            }

            return batch;
        }
    }

    /// <summary>Forgets a written change unless the entity changed again meanwhile.</summary>
    public void Complete(RedisPendingWrite write)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(write.Key, out var current) && current.Version == write.Version)
            {
                _entries.Remove(write.Key);
            }
        }
    }

    /// <summary>Clears the overflow flag before a full rewrite; changes made during the rewrite are recorded again.</summary>
    public void BeginRewrite()
    {
        lock (_gate)
        {
            _overflowed = false;
        }
    }

    /// <summary>Makes the next round a full rewrite of the local copy (Redis lost what it held).</summary>
    public void RequireRewrite()
    {
        lock (_gate)
        {
            _entries.Clear();
            _overflowed = true;
        }
    }

    /// <summary>Sets the overflow flag again after a failed rewrite.</summary>
    public void RewriteFailed()
    {
        lock (_gate)
        {
            _entries.Clear();
            _overflowed = true;
        }
    }
}
