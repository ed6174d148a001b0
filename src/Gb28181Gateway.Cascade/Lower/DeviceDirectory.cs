using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// The in-memory <see cref="IDeviceDirectory"/>: devices by ID and an index channel ID → owning devices,
/// both O(1) to read and lock-free for readers (snapshots are swapped under the entry's lock).
/// </summary>
internal sealed class DeviceDirectory : IDeviceDirectory
{
    private static readonly ChannelRef[] NoRefs = [];
    private readonly ConcurrentDictionary<string, DeviceEntry> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChannelOwners> _channels = new(StringComparer.Ordinal);
    private readonly Lock _channelIndexGate = new();
    private readonly TimeProvider _time;

    public DeviceDirectory(TimeProvider time)
    {
        _time = time;
    }

    public IReadOnlyList<DeviceRecord> GetDevices()
    {
        var list = _devices.Values.Select(e => e.Record).ToList();
        list.Sort(static (a, b) => string.CompareOrdinal(a.DeviceId, b.DeviceId));
        return list;
    }

    public DeviceRecord? FindDevice(string deviceId) => _devices.TryGetValue(deviceId, out var entry) ? entry.Record : null;

    public IReadOnlyList<CatalogItem> GetChannels(string deviceId) => _devices.TryGetValue(deviceId, out var entry) ? entry.Channels : [];

    public IReadOnlyList<ChannelRef> FindChannel(string channelId)
    {
        if (!_channels.TryGetValue(channelId, out var owners))
        {
            return NoRefs;
        }

        if (Volatile.Read(ref owners.Snapshot) is { } snapshot)
        {
            return snapshot;
        }

        lock (_channelIndexGate)
        {
            return owners.Snapshot ??= owners.Refs.Count == 0 ? NoRefs : [.. owners.Refs];
        }
    }

    public bool TryGet(string deviceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DeviceEntry? entry) =>
        _devices.TryGetValue(deviceId, out entry);

    public DeviceEntry GetOrAdd(string deviceId, Func<string, DeviceEntry> create) => _devices.GetOrAdd(deviceId, create);

    public IEnumerable<DeviceEntry> Entries => _devices.Values;

    /// <summary>Replaces the channels of <paramref name="entry"/> (caller holds its gate) and updates the channel index.</summary>
    public void SetChannels(DeviceEntry entry, IReadOnlyList<CatalogItem> channels)
    {
        var previous = entry.Channels;
        entry.Channels = channels;
        lock (_channelIndexGate)
        {
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in channels)
            {
                kept.Add(item.DeviceId);
            }

            foreach (var item in previous)
            {
                if (!kept.Contains(item.DeviceId))
                {
                    RemoveRef(item.DeviceId, entry.DeviceId);
                }
            }

            foreach (var id in kept)
            {
                AddRef(id, entry.DeviceId);
            }
        }
    }

    public int CountRegistered()
    {
        var now = _time.GetUtcNow();
        return _devices.Values.Count(e => e.IsRegistered(now));
    }

    public int CountOnline() => _devices.Values.Count(e => e.Record.Online);

    public IEnumerable<Measurement<long>> MeasureChannels()
    {
        long on = 0, off = 0;
        foreach (var entry in _devices.Values)
        {
            foreach (var item in entry.Channels)
            {
                if (item.IsOnline == true)
                {
                    on++;
                }
                else
                {
                    off++;
                }
            }
        }

        return [new(on, new KeyValuePair<string, object?>("status", "on")), new(off, new KeyValuePair<string, object?>("status", "off"))];
    }

    /// <summary>Caller holds the index gate. Appends in place: a channel ID many devices share (factory defaults) costs no copy per device.</summary>
    private void AddRef(string channelId, string deviceId)
    {
        if (!_channels.TryGetValue(channelId, out var owners))
        {
            owners = new ChannelOwners();
            _channels[channelId] = owners;
        }

        foreach (var r in owners.Refs)
        {
            if (r.DeviceId == deviceId)
            {
                return;
            }
        }

        owners.Refs.Add(new ChannelRef(deviceId, channelId));
        Volatile.Write(ref owners.Snapshot, null);
    }

    /// <summary>Caller holds the index gate.</summary>
    private void RemoveRef(string channelId, string deviceId)
    {
        if (!_channels.TryGetValue(channelId, out var owners))
        {
            return;
        }

        var removed = owners.Refs.RemoveAll(r => r.DeviceId == deviceId);
        if (owners.Refs.Count == 0)
        {
            _channels.TryRemove(channelId, out _);
        }

        if (removed > 0)
        {
            Volatile.Write(ref owners.Snapshot, null);
        }
    }

    /// <summary>The devices that list one channel ID; <see cref="Snapshot"/> is what readers get, rebuilt on the first read after a change.</summary>
    private sealed class ChannelOwners
    {
        public readonly List<ChannelRef> Refs = new(1);
        public ChannelRef[]? Snapshot;
    }
}
