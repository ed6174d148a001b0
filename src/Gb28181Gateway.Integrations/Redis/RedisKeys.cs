using Gb28181Gateway.Cascade.State;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>
/// The key layout (README.md in this folder). Keys of one gateway instance share the hash tag
/// <c>{instance}</c> and the two hashes of one platform's ID map share <c>{platform}</c>, so multi-key
/// commands (MGET, the assignment script) stay in one slot on a Redis Cluster.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _prefix;
    private readonly string _instancePrefix;

    public RedisKeys(string prefix, string instance)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(instance);
        _prefix = prefix;
        _instancePrefix = prefix + "{" + instance + "}:";
        Devices = _instancePrefix + "devices";
        Platforms = _instancePrefix + "platforms";
        Sessions = _instancePrefix + "sessions";
        Marker = _instancePrefix + "marker";
    }

    /// <summary>
    /// STRING present while Redis holds this instance's state; missing after Redis lost its data (restarted
    /// without persistence, flushed), which makes the store write its whole local copy again.
    /// </summary>
    public RedisKey Marker { get; }

    /// <summary>SET of the IDs of this instance's devices (index for <c>LoadDevicesAsync</c>; members whose key expired are pruned on load).</summary>
    public RedisKey Devices { get; }

    /// <summary>HASH platform name → PlatformStateRecord JSON.</summary>
    public RedisKey Platforms { get; }

    /// <summary>HASH session ID → SessionRecord JSON.</summary>
    public RedisKey Sessions { get; }

    /// <summary>STRING DeviceRecord JSON, expiring with the registration.</summary>
    public RedisKey Device(string deviceId) => _instancePrefix + "device:" + deviceId;

    /// <summary>STRING: the catalog as a MANSCDP Catalog response in UTF-8, expiring with the device.</summary>
    public RedisKey Catalog(string deviceId) => _instancePrefix + "catalog:" + deviceId;

    /// <summary>HASH channel (<c>deviceId/channelId</c>) → upper ID, shared by every instance.</summary>
    public RedisKey IdMapUp(string platform) => _prefix + "idmap:{" + platform + "}:up";

    /// <summary>HASH upper ID → channel (<c>deviceId/channelId</c>), shared by every instance.</summary>
    public RedisKey IdMapDown(string platform) => _prefix + "idmap:{" + platform + "}:down";

    /// <summary>The hash field naming a channel: <c>deviceId/channelId</c> (device IDs never contain '/').</summary>
    public static string ChannelField(ChannelRef channel) => channel.DeviceId + "/" + channel.ChannelId;

    public static bool TryParseChannelField(string? field, out ChannelRef channel)
    {
        var slash = field is null ? -1 : field.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == field!.Length - 1)
        {
            channel = default;
            return false;
        }

        channel = new ChannelRef(field[..slash], field[(slash + 1)..]);
        return true;
    }
}
