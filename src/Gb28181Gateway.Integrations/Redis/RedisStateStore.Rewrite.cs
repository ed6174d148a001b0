using Gb28181Gateway.Cascade.State;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>
/// The rewrite after the pending-change buffer overflowed: the whole local copy is written again, and
/// entities Redis holds for this instance that the local copy no longer has are removed (only for the
/// kinds this store loaded from Redis at start-up, otherwise it cannot tell deleted from never loaded).
/// </summary>
internal sealed partial class RedisStateStore
{
    private async Task<bool> RewriteAsync()
    {
        _pending.BeginRewrite();
        var db = _connection.Database;
        try
        {
            var written = 0;
            var removed = 0;
            var devices = await _local.LoadDevicesAsync();
            var writes = new List<Task>(devices.Count * 2);
            foreach (var device in devices)
            {
                writes.Add(WriteDeviceAsync(db, device));
                var catalog = await _local.LoadCatalogAsync(device.DeviceId);
                writes.Add(catalog.Items.Count == 0
                    ? db.KeyDeleteAsync(_keys.Catalog(device.DeviceId))
                    : WriteCatalogAsync(db, device.DeviceId, RedisStateSerializer.Serialize(catalog)));
            }

            foreach (var platform in await _local.LoadPlatformsAsync())
            {
                writes.Add(db.HashSetAsync(_keys.Platforms, platform.Name, RedisStateSerializer.Serialize(platform)));
            }

            var sessions = await _local.LoadSessionsAsync();
            foreach (var session in sessions)
            {
                writes.Add(db.HashSetAsync(_keys.Sessions, session.SessionId, RedisStateSerializer.Serialize(session)));
            }

            foreach (var platform in _platformsWithIds.Keys)
            {
                foreach (var (channel, upperId) in await _local.LoadIdMapAsync(platform))
                {
                    writes.Add(ReconcileAsync(db, new RedisIdAssignment(platform, channel, upperId)));
                }
            }

            writes.Add(db.StringSetAsync(_keys.Marker, _settings.Instance));
            written = writes.Count;
            if (_devicesLoaded)
            {
                removed += await PruneDevicesAsync(db, devices, writes);
            }

            if (_sessionsLoaded)
            {
                removed += await PruneSessionsAsync(db, sessions, writes);
            }

            await Task.WhenAll(writes);
            _connection.Succeeded();
            RedisLog.Resynchronised(_logger, written, removed);
            return true;
        }
        catch (Exception ex) when (IsBackendFailure(ex))
        {
            _pending.RewriteFailed();
            _connection.Failed(RedisOperation.Resync, ex);
            return false;
        }
    }

    private async Task<int> PruneDevicesAsync(IDatabase db, IReadOnlyList<DeviceRecord> devices, List<Task> writes)
    {
        var local = devices.Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var member in await db.SetMembersAsync(_keys.Devices))
        {
            string id = member!;
            if (!local.Contains(id) && !_pending.IsDirty(new RedisEntityKey(RedisEntityKind.Device, id)))
            {
                removed++;
                writes.Add(db.KeyDeleteAsync(_keys.Device(id)));
                writes.Add(db.KeyDeleteAsync(_keys.Catalog(id)));
                writes.Add(db.SetRemoveAsync(_keys.Devices, id));
            }
        }

        return removed;
    }

    private async Task<int> PruneSessionsAsync(IDatabase db, IReadOnlyList<SessionRecord> sessions, List<Task> writes)
    {
        var local = sessions.Select(s => s.SessionId).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var field in await db.HashKeysAsync(_keys.Sessions))
        {
            string id = field!;
            if (!local.Contains(id) && !_pending.IsDirty(new RedisEntityKey(RedisEntityKind.Session, id)))
            {
                removed++;
                writes.Add(db.HashDeleteAsync(_keys.Sessions, id));
            }
        }

        return removed;
    }
}
