using StackExchange.Redis;
using Gb28181Gateway.Cascade.State;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>The background writer: drains the pending changes to Redis in pipelined rounds.</summary>
internal sealed partial class RedisStateStore
{
    /// <summary>
    /// Waits until every change made before the call is written, or Redis is marked unreachable (then the
    /// changes stay pending and are written when it returns).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _connection.ConnectTask.WaitAsync(cancellationToken);
        while (!_pending.IsEmpty && _connection.IsUp && !_stopping.IsCancellationRequested)
        {
            var round = Volatile.Read(ref _roundDone).Task;
            Wake();
            await round.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var stop = new CancellationTokenSource(_settings.StopTimeout, _time))
        {
            try
            {
                await FlushAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (_pending.Count > 0 || _pending.Overflowed)
        {
            RedisLog.UnwrittenAtStop(_logger, _pending.Count);
        }

        await _stopping.CancelAsync();
        await _writer;
        await _retry.DisposeAsync();
        _connection.Restored -= Wake;
        await _connection.DisposeAsync();
        _stopping.Dispose();
    }

    private static TaskCompletionSource NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task WriteLoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            await _connection.ConnectTask;
            if (_connection.IsUp)
            {
                try
                {
                    await CheckMarkerAsync();
                }
                catch (Exception ex) when (IsBackendFailure(ex))
                {
                    _connection.Failed(RedisOperation.Connection, ex);
                }
            }

            Wake();
            while (await _wake.Reader.WaitToReadAsync(token))
            {
                _wake.Reader.TryRead(out _);
                var ok = _connection.IsUp || await ProbeAsync();
                while (ok && !_pending.IsEmpty && !token.IsCancellationRequested)
                {
                    ok = _connection.CanTry && await WriteRoundAsync();
                }

                Interlocked.Exchange(ref _roundDone, NewRound()).TrySetResult();
                if (!ok || !_connection.IsUp)
                {
                    // While Redis is unreachable: try again later (the multiplexer's restored event may come first).
                    _retry.Change(_settings.RetryInterval, Timeout.InfiniteTimeSpan);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            _roundDone.TrySetResult();
        }
    }

    /// <summary>While Redis is marked unreachable: PING when the multiplexer has a connection; true when it answered.</summary>
    private async Task<bool> ProbeAsync()
    {
        if (!_connection.CanTry)
        {
            return false;
        }

        try
        {
            await WithTimeout(_connection.Database.PingAsync());
            await CheckMarkerAsync();
            _connection.Succeeded();
            return true;
        }
        catch (Exception ex) when (IsBackendFailure(ex))
        {
            _connection.Failed(RedisOperation.Connection, ex);
            return false;
        }
    }

    /// <summary>
    /// Redis answering does not mean it still holds what was written: a server restarted without persistence
    /// comes back empty, and writing only what changed during the outage would leave every other device out of
    /// Redis until its next change. The marker key tells: when it is gone and the local copy holds anything,
    /// the next round rewrites everything; otherwise the marker is set.
    /// </summary>
    private async Task CheckMarkerAsync()
    {
        var db = _connection.Database;
        if (await WithTimeout(db.KeyExistsAsync(_keys.Marker)))
        {
            return;
        }

        // ID assignments alone go through the pending changes and their reconciliation as usual.
        if ((await _local.LoadDevicesAsync()).Count > 0 || (await _local.LoadSessionsAsync()).Count > 0
            || (await _local.LoadPlatformsAsync()).Count > 0)
        {
            RedisLog.StateLost(_logger);
            _pending.RequireRewrite();
            return;
        }

        await WithTimeout(db.StringSetAsync(_keys.Marker, _settings.Instance));
    }

    /// <summary>One pipelined round; false when something failed (the failed changes stay pending).</summary>
    private async Task<bool> WriteRoundAsync()
    {
        if (_pending.Overflowed)
        {
            return await RewriteAsync();
        }

        var batch = _pending.Peek(_settings.BatchSize);
        var db = _connection.Database;
        var writes = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            writes[i] = WriteAsync(db, batch[i]);
        }

        var ok = true;
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                await writes[i];
                _pending.Complete(batch[i]);
            }
            catch (Exception ex) when (IsBackendFailure(ex))
            {
                ok = false;
                _connection.Failed(Operation(batch[i]), ex);
            }
        }

        if (ok)
        {
            _connection.Succeeded();
            RedisLog.Wrote(_logger, batch.Count);
        }

        return ok;
    }

    private static string Operation(RedisPendingWrite write) => write.Key.Kind switch
    {
        RedisEntityKind.Device => write.Value is null ? RedisOperation.DeleteDevice : RedisOperation.SaveDevice,
        RedisEntityKind.Catalog => write.Value is null ? RedisOperation.DeleteDevice : RedisOperation.SaveCatalog,
        RedisEntityKind.Platform => RedisOperation.SavePlatform,
        RedisEntityKind.Session => write.Value is null ? RedisOperation.DeleteSession : RedisOperation.SaveSession,
        _ => RedisOperation.AssignUpperId,
    };

    private Task WriteAsync(IDatabase db, RedisPendingWrite write)
    {
        var id = write.Key.Id;
        return write.Key.Kind switch
        {
            RedisEntityKind.Device when write.Value is DeviceRecord device => WriteDeviceAsync(db, device),
            RedisEntityKind.Device => Task.WhenAll(db.KeyDeleteAsync(_keys.Device(id)), db.SetRemoveAsync(_keys.Devices, id)),
            RedisEntityKind.Catalog when write.Value is byte[] catalog => WriteCatalogAsync(db, id, catalog),
            RedisEntityKind.Catalog => db.KeyDeleteAsync(_keys.Catalog(id)),
            RedisEntityKind.Platform when write.Value is PlatformStateRecord platform =>
                db.HashSetAsync(_keys.Platforms, platform.Name, RedisStateSerializer.Serialize(platform)),
            RedisEntityKind.Session when write.Value is SessionRecord session =>
                db.HashSetAsync(_keys.Sessions, session.SessionId, RedisStateSerializer.Serialize(session)),
            RedisEntityKind.Session => db.HashDeleteAsync(_keys.Sessions, id),
            RedisEntityKind.IdMapping when write.Value is RedisIdAssignment assignment => ReconcileAsync(db, assignment),
            _ => throw new InvalidOperationException($"no Redis write for {write.Key.Kind} '{id}' with a {write.Value?.GetType().Name ?? "null"} value"),
        };
    }

    /// <summary>The registration's remaining time: null = no expiry known; zero or less = already expired.</summary>
    private TimeSpan? TimeToLive(DateTimeOffset expiresAt)
    {
        if (expiresAt == default)
        {
            return null;
        }

        var ttl = expiresAt - _time.GetUtcNow();
        return ttl < TimeSpan.FromMilliseconds(1) ? TimeSpan.Zero : ttl;
    }

    private Task<bool[]> WriteDeviceAsync(IDatabase db, DeviceRecord device)
    {
        var ttl = TimeToLive(device.ExpiresAt);
        if (ttl <= TimeSpan.Zero)
        {
            // An expired registration would be gone after a restart anyway: drop it (and its catalog) from Redis.
            return Task.WhenAll(
                db.KeyDeleteAsync(_keys.Device(device.DeviceId)),
                db.KeyDeleteAsync(_keys.Catalog(device.DeviceId)),
                db.SetRemoveAsync(_keys.Devices, device.DeviceId));
        }

        return Task.WhenAll(
            db.StringSetAsync(_keys.Device(device.DeviceId), RedisStateSerializer.Serialize(device), ttl),
            db.SetAddAsync(_keys.Devices, device.DeviceId),
            ttl is null ? db.KeyPersistAsync(_keys.Catalog(device.DeviceId)) : db.KeyExpireAsync(_keys.Catalog(device.DeviceId), ttl));
    }

    private Task<bool> WriteCatalogAsync(IDatabase db, string deviceId, byte[] catalog)
    {
        // The catalog lives as long as the device's registration (when the device is known).
        var ttl = _deviceExpiry.TryGetValue(deviceId, out var expiresAt) ? TimeToLive(expiresAt) : null;
        return ttl <= TimeSpan.Zero
            ? db.KeyDeleteAsync(_keys.Catalog(deviceId))
            : db.StringSetAsync(_keys.Catalog(deviceId), catalog, ttl);
    }

    /// <summary>Writes an assignment made during an outage; the shared map wins when it disagrees.</summary>
    private async Task ReconcileAsync(IDatabase db, RedisIdAssignment assignment)
    {
        var shared = await RedisIdMapScript.AssignAsync(db, _keys, assignment.Platform, assignment.Channel, assignment.UpperId);
        if (shared is null)
        {
            RedisLog.IdMappingConflict(_logger, assignment.Platform, assignment.Channel.ToString(), assignment.UpperId);
        }
        else if (!string.Equals(shared, assignment.UpperId, StringComparison.Ordinal))
        {
            _local.ImportIdMapping(assignment.Platform, assignment.Channel, shared);
            RedisLog.IdMappingReplaced(_logger, assignment.Platform, assignment.Channel.ToString(), assignment.UpperId, shared);
        }
    }
}
