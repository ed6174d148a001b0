using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Gb28181Gateway.Cascade.State;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>
/// <see cref="IStateStore"/> on Redis (key layout: README.md in this folder). The working state stays in an
/// <see cref="InMemoryStateStore"/>; every change is applied there first and written to Redis by a
/// background writer (the latest value per entity), so a save never waits for Redis. While Redis is
/// unreachable the store serves from memory, remembers what changed, and writes it back when Redis returns.
/// <c>Load*</c> read Redis (this instance's keys) into the local copy when it is reachable.
/// </summary>
internal sealed partial class RedisStateStore : IStateStore, IAsyncDisposable
{
    // KEYS[1] = device index, KEYS[n+1] = key of ARGV[n]: removes ARGV[n] from the index when its key is gone.
    private const string PruneIndexScript = """
        for i, id in ipairs(ARGV) do
          if redis.call('EXISTS', KEYS[i + 1]) == 0 then redis.call('SREM', KEYS[1], id) end
        end
        return 0
        """;

    private readonly RedisStateStoreSettings _settings;
    private readonly InMemoryStateStore _local = new();
    private readonly RedisPendingWrites _pending;
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deviceExpiry = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _platformsWithIds = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _retry;
    private readonly Task _writer;
    private TaskCompletionSource _roundDone = NewRound();
    private volatile bool _devicesLoaded;
    private volatile bool _sessionsLoaded;
    private int _disposed;

    public RedisStateStore(RedisStateStoreSettings settings, TimeProvider timeProvider, ILogger<RedisStateStore> logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _settings = settings;
        _time = timeProvider;
        _logger = logger;
        _keys = new RedisKeys(settings.KeyPrefix, settings.Instance);
        _pending = new RedisPendingWrites(settings.PendingCapacity);
        _connection = new RedisConnection(settings.Configuration, settings.Instance, settings.KeyPrefix, () => _pending.Count, timeProvider, logger, meterFactory);
        _connection.Restored += Wake;
        _retry = timeProvider.CreateTimer(static s => ((RedisStateStore)s!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>True while Redis is reachable (the gb28181_redis_connected gauge).</summary>
    public bool IsConnected => _connection.IsUp;

    /// <summary>Changed entities not yet written to Redis.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>The meter holding gb28181_redis_errors and gb28181_redis_connected.</summary>
    public Meter Meter => _connection.Meter;

    /// <summary>Completes when the first connection attempt has finished (whatever its outcome).</summary>
    public Task Connected => _connection.ConnectTask;

    public ValueTask SaveDeviceAsync(DeviceRecord device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ValidateId(device.DeviceId, nameof(device));
        Completed(_local.SaveDeviceAsync(device, cancellationToken));
        _deviceExpiry[device.DeviceId] = device.ExpiresAt;
        Enqueue(new RedisEntityKey(RedisEntityKind.Device, device.DeviceId), device);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteDeviceAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ValidateId(deviceId, nameof(deviceId));
        Completed(_local.DeleteDeviceAsync(deviceId, cancellationToken));
        _deviceExpiry.TryRemove(deviceId, out _);
        Enqueue(new RedisEntityKey(RedisEntityKind.Catalog, deviceId), null);
        Enqueue(new RedisEntityKey(RedisEntityKind.Device, deviceId), null);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IReadOnlyList<DeviceRecord>> LoadDevicesAsync(CancellationToken cancellationToken = default)
    {
        if (await ReachableAsync(RedisOperation.LoadDevices, cancellationToken))
        {
            try
            {
                await ImportDevicesAsync(_connection.Database);
                _devicesLoaded = true;
                _connection.Succeeded();
            }
            catch (Exception ex) when (IsBackendFailure(ex))
            {
                _connection.Failed(RedisOperation.LoadDevices, ex);
            }
        }

        return await _local.LoadDevicesAsync(cancellationToken);
    }

    public ValueTask SaveCatalogAsync(DeviceCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ValidateId(catalog.DeviceId, nameof(catalog));
        ArgumentNullException.ThrowIfNull(catalog.Items, nameof(catalog));

        // Encoded here, not in the writer, so an item the codec refuses (no DeviceId) fails the caller.
        var bytes = RedisStateSerializer.Serialize(catalog);
        Completed(_local.SaveCatalogAsync(catalog, cancellationToken));
        Enqueue(new RedisEntityKey(RedisEntityKind.Catalog, catalog.DeviceId), bytes);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<DeviceCatalog> LoadCatalogAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ValidateId(deviceId, nameof(deviceId));
        var key = new RedisEntityKey(RedisEntityKind.Catalog, deviceId);
        if (!_pending.IsDirty(key) && await ReachableAsync(RedisOperation.LoadCatalog, cancellationToken))
        {
            try
            {
                var value = await WithTimeout(_connection.Database.StringGetAsync(_keys.Catalog(deviceId)));
                _connection.Succeeded();
                if (!value.IsNull && !_pending.IsDirty(key) && TryRead(_keys.Catalog(deviceId), () => RedisStateSerializer.DeserializeCatalog(deviceId, (byte[])value!), out var catalog))
                {
                    await _local.SaveCatalogAsync(catalog, cancellationToken);
                }
            }
            catch (Exception ex) when (IsBackendFailure(ex))
            {
                _connection.Failed(RedisOperation.LoadCatalog, ex);
            }
        }

        return await _local.LoadCatalogAsync(deviceId, cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<ChannelRef, string>> LoadIdMapAsync(string platform, CancellationToken cancellationToken = default)
    {
        ValidateId(platform, nameof(platform));
        _platformsWithIds.TryAdd(platform, 0);
        if (await ReachableAsync(RedisOperation.LoadIdMap, cancellationToken))
        {
            try
            {
                var entries = await WithTimeout(_connection.Database.HashGetAllAsync(_keys.IdMapUp(platform)));
                _connection.Succeeded();
                foreach (var entry in entries)
                {
                    if (RedisKeys.TryParseChannelField(entry.Name, out var channel) && !entry.Value.IsNullOrEmpty)
                    {
                        _local.ImportIdMapping(platform, channel, entry.Value!);
                    }
                }
            }
            catch (Exception ex) when (IsBackendFailure(ex))
            {
                _connection.Failed(RedisOperation.LoadIdMap, ex);
            }
        }

        return await _local.LoadIdMapAsync(platform, cancellationToken);
    }

    public async ValueTask<string?> AssignUpperIdAsync(string platform, ChannelRef channel, string candidateUpperId, CancellationToken cancellationToken = default)
    {
        ValidateId(platform, nameof(platform));
        ValidateChannel(channel);
        ArgumentException.ThrowIfNullOrEmpty(candidateUpperId);
        _platformsWithIds.TryAdd(platform, 0);
        if (await ReachableAsync(RedisOperation.AssignUpperId, cancellationToken))
        {
            try
            {
                var shared = await WithTimeout(RedisIdMapScript.AssignAsync(_connection.Database, _keys, platform, channel, candidateUpperId));
                _connection.Succeeded();
                if (shared is not null)
                {
                    _local.ImportIdMapping(platform, channel, shared);
                }

                return shared;
            }
            catch (Exception ex) when (IsBackendFailure(ex))
            {
                _connection.Failed(RedisOperation.AssignUpperId, ex);
            }
        }

        // Unreachable: assign from the local copy, reconcile later.
        var upperId = await _local.AssignUpperIdAsync(platform, channel, candidateUpperId, cancellationToken);
        if (upperId is not null)
        {
            Enqueue(new RedisEntityKey(RedisEntityKind.IdMapping, platform + "\n" + RedisKeys.ChannelField(channel)), new RedisIdAssignment(platform, channel, upperId));
        }

        return upperId;
    }

    public ValueTask SavePlatformAsync(PlatformStateRecord platform, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ValidateId(platform.Name, nameof(platform));
        Completed(_local.SavePlatformAsync(platform, cancellationToken));
        Enqueue(new RedisEntityKey(RedisEntityKind.Platform, platform.Name), platform);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IReadOnlyList<PlatformStateRecord>> LoadPlatformsAsync(CancellationToken cancellationToken = default)
    {
        await ImportHashAsync(_keys.Platforms, RedisEntityKind.Platform, RedisOperation.LoadPlatforms, RedisStateSerializer.DeserializePlatform, p => _local.SavePlatformAsync(p), cancellationToken);
        return await _local.LoadPlatformsAsync(cancellationToken);
    }

    public ValueTask SaveSessionAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ValidateId(session.SessionId, nameof(session));
        Completed(_local.SaveSessionAsync(session, cancellationToken));
        Enqueue(new RedisEntityKey(RedisEntityKind.Session, session.SessionId), session);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ValidateId(sessionId, nameof(sessionId));
        Completed(_local.DeleteSessionAsync(sessionId, cancellationToken));
        Enqueue(new RedisEntityKey(RedisEntityKind.Session, sessionId), null);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IReadOnlyList<SessionRecord>> LoadSessionsAsync(CancellationToken cancellationToken = default)
    {
        if (await ImportHashAsync(_keys.Sessions, RedisEntityKind.Session, RedisOperation.LoadSessions, RedisStateSerializer.DeserializeSession, s => _local.SaveSessionAsync(s), cancellationToken))
        {
            _sessionsLoaded = true;
        }

        return await _local.LoadSessionsAsync(cancellationToken);
    }

    private static void ValidateId(string? id, string paramName)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("the ID (device ID, platform name or session ID) must not be empty", paramName);
        }
    }

    private static void ValidateChannel(ChannelRef channel)
    {
        if (string.IsNullOrEmpty(channel.DeviceId) || string.IsNullOrEmpty(channel.ChannelId) || channel.DeviceId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"channel '{channel}' needs a device ID without '/' and a channel ID", nameof(channel));
        }
    }

    /// <summary>The local copy completes synchronously; this observes its ValueTask.</summary>
    private static void Completed(ValueTask local) => local.GetAwaiter().GetResult();

    private static bool IsBackendFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException;

    private void Enqueue(RedisEntityKey key, object? value)
    {
        if (_pending.Put(key, value))
        {
            RedisLog.PendingOverflow(_logger, _pending.Capacity);
        }

        Wake();
    }

    private async ValueTask<bool> ReachableAsync(string operation, CancellationToken cancellationToken)
    {
        if (!_connection.ConnectTask.IsCompleted)
        {
            // Start-up: wait for the first attempt, which the multiplexer bounds by connectTimeout.
            await _connection.ConnectTask.WaitAsync(_connection.ConnectTimeout + _settings.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }

        if (_connection.CanTry)
        {
            return true;
        }

        _connection.Failed(operation, null);
        return false;
    }

    private Task<T> WithTimeout<T>(Task<T> operation) => operation.WaitAsync(_settings.OperationTimeout, _time);

    private bool TryRead<T>(RedisKey key, Func<T> read, out T value)
    {
        try
        {
            value = read();
            return true;
        }
        catch (FormatException ex)
        {
            RedisLog.UnreadableEntry(_logger, key.ToString(), ex);
            value = default!;
            return false;
        }
    }

    private async Task ImportDevicesAsync(IDatabase db)
    {
        var ids = await WithTimeout(db.SetMembersAsync(_keys.Devices));
        List<RedisValue>? gone = null;
        foreach (var chunk in ids.Chunk(256))
        {
            var values = await WithTimeout(db.StringGetAsync([.. chunk.Select(id => _keys.Device(id!))]));
            for (var i = 0; i < chunk.Length; i++)
            {
                string id = chunk[i]!;
                if (values[i].IsNull)
                {
                    (gone ??= []).Add(chunk[i]);
                }
                else if (!_pending.IsDirty(new RedisEntityKey(RedisEntityKind.Device, id)) && TryRead(_keys.Device(id), () => RedisStateSerializer.DeserializeDevice((byte[])values[i]!), out var device))
                {
                    await _local.SaveDeviceAsync(device);
                    _deviceExpiry[device.DeviceId] = device.ExpiresAt;
                }
            }
        }

        if (gone is not null)
        {
            // Registrations that expired in Redis leave the index, unless re-registered since (nothing waits for it).
            _ = db.ScriptEvaluateAsync(PruneIndexScript, [_keys.Devices, .. gone.Select(id => _keys.Device(id!))], [.. gone], CommandFlags.FireAndForget);
        }
    }

    private async ValueTask<bool> ImportHashAsync<T>(RedisKey hash, RedisEntityKind kind, string operation, ReadOnlySpanFunc<T> read, Func<T, ValueTask> import, CancellationToken cancellationToken)
    {
        if (!await ReachableAsync(operation, cancellationToken))
        {
            return false;
        }

        try
        {
            var entries = await WithTimeout(_connection.Database.HashGetAllAsync(hash));
            _connection.Succeeded();
            foreach (var entry in entries)
            {
                if (!_pending.IsDirty(new RedisEntityKey(kind, entry.Name!)) && TryRead(hash, () => read((byte[])entry.Value!), out var value))
                {
                    await import(value);
                }
            }

            return true;
        }
        catch (Exception ex) when (IsBackendFailure(ex))
        {
            _connection.Failed(operation, ex);
            return false;
        }
    }

    private delegate T ReadOnlySpanFunc<out T>(ReadOnlySpan<byte> bytes);
}
