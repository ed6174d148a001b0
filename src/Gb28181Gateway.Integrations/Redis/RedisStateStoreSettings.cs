using Gb28181Gateway.Cascade.Configuration;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>What the Redis state store needs from configuration, plus the knobs tests turn.</summary>
internal sealed record RedisStateStoreSettings
{
    /// <summary>StackExchange.Redis configuration string (Gateway:Redis:Configuration).</summary>
    public required string Configuration { get; init; }

    /// <summary>Gateway:Redis:KeyPrefix.</summary>
    public string KeyPrefix { get; init; } = "gb28181:";

    /// <summary>Gateway:InstanceId: owner of the devices, platforms and sessions this store writes and loads.</summary>
    public required string Instance { get; init; }

    /// <summary>Entities remembered while Redis is unreachable; beyond this the whole local copy is rewritten when it returns.</summary>
    public int PendingCapacity { get; init; } = 100_000;

    /// <summary>How often a failed write is retried while Redis is unreachable (the multiplexer reconnects on its own).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bound on one read or ID assignment; after it the store answers from memory.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long disposal waits for pending changes to be written.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Changes written per round (pipelined).</summary>
    public int BatchSize { get; init; } = 512;

    public static RedisStateStoreSettings From(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            throw new ArgumentException("Gateway:InstanceId must not be empty when Gateway:Redis:Configuration is set (it names this gateway's keys)", nameof(options));
        }

        // Fails start-up now, naming the key, rather than when the store is first resolved.
        _ = RedisConnection.Configure(options.Redis.Configuration);
        return new RedisStateStoreSettings
        {
            Configuration = options.Redis.Configuration,
            KeyPrefix = options.Redis.KeyPrefix ?? string.Empty,
            Instance = options.InstanceId,
        };
    }
}
