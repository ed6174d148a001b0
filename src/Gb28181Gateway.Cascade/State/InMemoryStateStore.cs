using System.Collections.Concurrent;

namespace Gb28181Gateway.Cascade.State;

/// <summary>
/// The default state store: everything in this process, nothing survives a restart. Also the local copy a
/// remote store (Redis) serves from while its backend is unreachable.
/// </summary>
public sealed class InMemoryStateStore : IStateStore
{
    private readonly ConcurrentDictionary<string, DeviceRecord> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceCatalog> _catalogs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PlatformStateRecord> _platforms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IdMap> _idMaps = new(StringComparer.Ordinal);

    public ValueTask SaveDeviceAsync(DeviceRecord device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        _devices[device.DeviceId] = device;
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteDeviceAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        _devices.TryRemove(deviceId, out _);
        _catalogs.TryRemove(deviceId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DeviceRecord>> LoadDevicesAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<DeviceRecord>>([.. _devices.Values]);

    public ValueTask SaveCatalogAsync(DeviceCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalogs[catalog.DeviceId] = catalog;
        return ValueTask.CompletedTask;
    }

    public ValueTask<DeviceCatalog> LoadCatalogAsync(string deviceId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_catalogs.TryGetValue(deviceId, out var catalog) ? catalog : new DeviceCatalog(deviceId, []));

    public ValueTask<IReadOnlyDictionary<ChannelRef, string>> LoadIdMapAsync(string platform, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_idMaps.TryGetValue(platform, out var map) ? map.Snapshot() : (IReadOnlyDictionary<ChannelRef, string>)new Dictionary<ChannelRef, string>());

    public ValueTask<string?> AssignUpperIdAsync(string platform, ChannelRef channel, string candidateUpperId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(candidateUpperId);
        var map = _idMaps.GetOrAdd(platform, static _ => new IdMap());
        return ValueTask.FromResult(map.Assign(channel, candidateUpperId));
    }

    /// <summary>Takes a mapping made elsewhere (a remote store's copy) without the free-candidate check.</summary>
    public void ImportIdMapping(string platform, ChannelRef channel, string upperId) =>
        _idMaps.GetOrAdd(platform, static _ => new IdMap()).Import(channel, upperId);

    public ValueTask SavePlatformAsync(PlatformStateRecord platform, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(platform);
        _platforms[platform.Name] = platform;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<PlatformStateRecord>> LoadPlatformsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<PlatformStateRecord>>([.. _platforms.Values]);

    public ValueTask SaveSessionAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.SessionId] = session;
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        _sessions.TryRemove(sessionId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<SessionRecord>> LoadSessionsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<SessionRecord>>([.. _sessions.Values]);

    /// <summary>One platform's map, both directions under one lock so an assignment is atomic.</summary>
    private sealed class IdMap
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<ChannelRef, string> _up = [];
        private readonly Dictionary<string, ChannelRef> _down = new(StringComparer.Ordinal);

        public string? Assign(ChannelRef channel, string candidate)
        {
            lock (_lock)
            {
                if (_up.TryGetValue(channel, out var existing))
                {
                    return existing;
                }

                if (!_down.TryAdd(candidate, channel))
                {
                    return null;
                }

                _up.Add(channel, candidate);
                return candidate;
            }
        }

        public void Import(ChannelRef channel, string upperId)
        {
            lock (_lock)
            {
                _up[channel] = upperId;
                _down[upperId] = channel;
            }
        }

        public Dictionary<ChannelRef, string> Snapshot()
        {
            lock (_lock)
            {
                return new Dictionary<ChannelRef, string>(_up);
            }
        }
    }
}
