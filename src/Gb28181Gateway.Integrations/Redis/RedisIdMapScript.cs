using Gb28181Gateway.Cascade.State;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>
/// Atomic ID assignment on the two hashes of a platform's map (one Lua script, so two gateways assigning
/// at once cannot both take a candidate): the channel's existing upper ID if it has one, else the
/// candidate when no other channel holds it (both directions written), else nil.
/// </summary>
internal static class RedisIdMapScript
{
    // KEYS[1] = up (channel → upper), KEYS[2] = down (upper → channel); ARGV[1] = channel, ARGV[2] = candidate.
    private const string Script = """
        local mapped = redis.call('HGET', KEYS[1], ARGV[1])
        if mapped then return mapped end
        local owner = redis.call('HGET', KEYS[2], ARGV[2])
        if owner and owner ~= ARGV[1] then return false end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return ARGV[2]
        """;

    /// <summary>The channel's upper ID after the call, or null when the candidate belongs to another channel.</summary>
    public static async Task<string?> AssignAsync(IDatabase db, RedisKeys keys, string platform, ChannelRef channel, string candidate)
    {
        var result = await db.ScriptEvaluateAsync(Script, [keys.IdMapUp(platform), keys.IdMapDown(platform)], [RedisKeys.ChannelField(channel), candidate]);
        return result.IsNull ? null : (string?)result;
    }
}
