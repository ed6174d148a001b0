using System.Diagnostics.Metrics;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>Redis instruments on the Integrations meter (docs/METRICS.md): gb28181_redis_errors_total{operation}, gb28181_redis_connected.</summary>
internal sealed class RedisMetrics : IDisposable
{
    public const string MeterName = "Gb28181Gateway.Integrations";

    private readonly bool _ownsMeter;
    private readonly Counter<long> _errors;

    public RedisMetrics(IMeterFactory? meterFactory, Func<bool> connected)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _errors = Meter.CreateCounter<long>("gb28181_redis_errors", description: "Failed Redis operations, by operation.");
        Meter.CreateObservableGauge("gb28181_redis_connected", () => connected() ? 1 : 0, description: "1 while Redis is reachable.");
    }

    public Meter Meter { get; }

    /// <param name="operation">One of the <see cref="RedisOperation"/> values.</param>
    public void Error(string operation) => _errors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}

/// <summary>Values of the <c>operation</c> label of gb28181_redis_errors_total.</summary>
internal static class RedisOperation
{
    public const string Connect = "connect";
    public const string Connection = "connection";
    public const string SaveDevice = "save_device";
    public const string DeleteDevice = "delete_device";
    public const string SaveCatalog = "save_catalog";
    public const string SavePlatform = "save_platform";
    public const string SaveSession = "save_session";
    public const string DeleteSession = "delete_session";
    public const string AssignUpperId = "assign_upper_id";
    public const string LoadDevices = "load_devices";
    public const string LoadCatalog = "load_catalog";
    public const string LoadIdMap = "load_id_map";
    public const string LoadPlatforms = "load_platforms";
    public const string LoadSessions = "load_sessions";
    public const string Resync = "resync";
}
