using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>Redis state store log messages, event IDs 7000-7099.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(7000, LogLevel.Information, "Redis state store connected to {Endpoint} (instance '{Instance}', key prefix '{Prefix}')")]
    public static partial void Connected(ILogger logger, string endpoint, string instance, string prefix);

    [LoggerMessage(7001, LogLevel.Warning, "Redis {Endpoint} unreachable ({Operation}); the gateway keeps working from memory and writes back when it returns")]
    public static partial void Unreachable(ILogger logger, string endpoint, string operation, Exception? exception);

    [LoggerMessage(7002, LogLevel.Information, "Redis {Endpoint} reachable again after {Duration}; writing back {Pending} pending changes")]
    public static partial void Restored(ILogger logger, string endpoint, TimeSpan duration, int pending);

    [LoggerMessage(7003, LogLevel.Warning, "Redis pending-change buffer full ({Capacity} entities); the whole local state will be written again when Redis returns")]
    public static partial void PendingOverflow(ILogger logger, int capacity);

    [LoggerMessage(7004, LogLevel.Information, "Redis resynchronised from memory: {Written} entities written, {Removed} stale entities removed")]
    public static partial void Resynchronised(ILogger logger, int written, int removed);

    [LoggerMessage(7005, LogLevel.Warning, "Redis entry {Key} is unreadable and was skipped")]
    public static partial void UnreadableEntry(ILogger logger, string key, Exception exception);

    [LoggerMessage(7006, LogLevel.Warning, "ID mapping of {Channel} for platform '{Platform}' made during the Redis outage ({Local}) replaced by the shared mapping ({Shared})")]
    public static partial void IdMappingReplaced(ILogger logger, string platform, string channel, string local, string shared);

    [LoggerMessage(7007, LogLevel.Error, "ID {UpperId} given to {Channel} for platform '{Platform}' during the Redis outage already belongs to another channel in Redis; the mapping stays local to this gateway until it is resolved")]
    public static partial void IdMappingConflict(ILogger logger, string platform, string channel, string upperId);

    [LoggerMessage(7008, LogLevel.Warning, "Redis state store stopped with {Pending} changes not written")]
    public static partial void UnwrittenAtStop(ILogger logger, int pending);

    [LoggerMessage(7009, LogLevel.Debug, "Redis wrote {Count} changes")]
    public static partial void Wrote(ILogger logger, int count);

    [LoggerMessage(7010, LogLevel.Warning, "Redis no longer holds this instance's state (restarted without persistence or flushed): writing the whole local copy again")]
    public static partial void StateLost(ILogger logger);
}
