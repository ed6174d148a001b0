using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Redis;

/// <summary>
/// The StackExchange.Redis multiplexer of the state store and its reachability as the store sees it:
/// down from the first failure (logged once per outage, every failure counted by operation) until the
/// multiplexer reports the connection restored or an operation succeeds (logged once).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RedisMetrics _metrics;
    private readonly string _endpoint;
    private readonly string _instance;
    private readonly string _prefix;
    private readonly Func<int> _pending;
    private readonly Lock _gate = new();
    private ConnectionMultiplexer? _multiplexer;
    private bool _up;
    private bool _outageLogged;
    private long _downSince;

    public RedisConnection(string configuration, string instance, string prefix, Func<int> pending, TimeProvider time, ILogger logger, IMeterFactory? meterFactory)
    {
        _configuration = Configure(configuration);
        _endpoint = _configuration.EndPoints.Count == 0 ? configuration : string.Join(",", _configuration.EndPoints.Select(EndPointText));
        _instance = instance;
        _prefix = prefix;
        _pending = pending;
        _time = time;
        _logger = logger;
        _metrics = new RedisMetrics(meterFactory, () => IsUp);
        _downSince = time.GetTimestamp();
        ConnectTask = ConnectAsync();
    }

    /// <summary>Completes when the first connection attempt has finished (successfully or not); never faults.</summary>
    public Task ConnectTask { get; }

    /// <summary>How long start-up waits for the first connection attempt.</summary>
    public TimeSpan ConnectTimeout => TimeSpan.FromMilliseconds(_configuration.ConnectTimeout);

    public bool IsUp => Volatile.Read(ref _up);

    /// <summary>True when the multiplexer has a live connection (the store may try an operation).</summary>
    public bool CanTry => _multiplexer is { IsConnected: true };

    public IDatabase Database => (_multiplexer ?? throw new InvalidOperationException("Redis is not connected")).GetDatabase();

    public Meter Meter => _metrics.Meter;

    /// <summary>Raised (on a Redis thread) when the multiplexer has re-established its connection.</summary>
    public event Action? Restored;

    /// <summary>Counts a failed operation and marks Redis down (logged once per outage).</summary>
    public void Failed(string operation, Exception? exception)
    {
        _metrics.Error(operation);
        lock (_gate)
        {
            if (_outageLogged)
            {
                return;
            }

            if (_up)
            {
                _downSince = _time.GetTimestamp();
            }

            _up = false;
            _outageLogged = true;
        }

        RedisLog.Unreachable(_logger, _endpoint, operation, exception);
    }

    /// <summary>Marks Redis reachable after a successful operation or a restored connection.</summary>
    public void Succeeded()
    {
        bool wasOutage;
        TimeSpan duration;
        lock (_gate)
        {
            if (_up)
            {
                return;
            }

            _up = true;
            wasOutage = _outageLogged;
            _outageLogged = false;
            duration = _time.GetElapsedTime(_downSince);
        }

        if (wasOutage)
        {
            RedisLog.Restored(_logger, _endpoint, duration, _pending());
        }
        else
        {
            RedisLog.Connected(_logger, _endpoint, _instance, _prefix);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ConnectTask;
        if (_multiplexer is { } multiplexer)
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            await multiplexer.CloseAsync(allowCommandsToComplete: true);
            multiplexer.Dispose();
        }

        _metrics.Dispose();
    }

    /// <summary>Parses the configuration string and applies the store's defaults (background connect, short connect timeout).</summary>
    /// <exception cref="ArgumentException">The string is not a StackExchange.Redis configuration or names no endpoint.</exception>
    internal static ConfigurationOptions Configure(string configuration)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Gateway:Redis:Configuration '{configuration}' is not a valid StackExchange.Redis configuration: {ex.Message}", nameof(configuration), ex);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException($"Gateway:Redis:Configuration '{configuration}' names no Redis endpoint (host:port)", nameof(configuration));
        }

        // Start-up must not hang on an unreachable Redis: connect in the background, give up the first attempt quickly.
        options.AbortOnConnectFail = false;
        if (configuration.IndexOf("connectTimeout", StringComparison.OrdinalIgnoreCase) < 0)
        {
            options.ConnectTimeout = 2000;
        }

        if (configuration.IndexOf("connectRetry", StringComparison.OrdinalIgnoreCase) < 0)
        {
            options.ConnectRetry = 1;
        }

        return options;
    }

    private static string EndPointText(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => dns.Host + ":" + dns.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => endPoint.ToString() ?? "?",
    };

    private async Task ConnectAsync()
    {
        // Off the caller's thread: the constructor runs during DI resolution.
        await Task.Yield();
        try
        {
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration);
            multiplexer.PreserveAsyncOrder = false;
            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
            _multiplexer = multiplexer;
            if (multiplexer.IsConnected)
            {
                Succeeded();
            }
            else
            {
                Failed(RedisOperation.Connect, null);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException or ArgumentException)
        {
            Failed(RedisOperation.Connect, ex);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Failed(RedisOperation.Connection, e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Not yet "up": right after the link is back the multiplexer may still refuse commands; the store
        // probes (PING or its pending writes) and an operation that succeeds marks Redis reachable.
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Restored?.Invoke();
        }
    }
}
