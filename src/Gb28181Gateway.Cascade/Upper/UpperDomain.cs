using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// The upper domain: for every enabled platform a registration (<see cref="PlatformSession"/>), a catalog
/// view (<see cref="PlatformCatalogProjection"/>), the answers to its MESSAGEs and SUBSCRIBEs, and the
/// forwarding of what happens below (alarms, positions, channel changes) to it. Platforms are independent:
/// each has its own loop, and one that does not answer delays no other.
/// </summary>
internal sealed partial class UpperDomain : IPlatformDirectory, IPlatformChannelMap, IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly GatewaySipEndpoints _endpoints;
    private readonly IStateStore _store;
    private readonly IGatewayEventBus _events;
    private readonly IDeviceDirectory _devices;
    private readonly IDeviceClient _deviceClient;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Func<PlatformOptions, IPlatformSignalling> _signallingFactory;
    private readonly PlatformBackoff? _backoff;
    private readonly Dictionary<string, PlatformContext> _platforms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _work = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly UpperMetrics _metrics;
    private Task _eventLoop = Task.CompletedTask;
    private int _started;

    public UpperDomain(GatewayOptions options, GatewaySipEndpoints endpoints, IStateStore store, IGatewayEventBus events, IDeviceDirectory devices,
        IDeviceClient deviceClient, TimeProvider time, ILoggerFactory loggerFactory, Func<PlatformOptions, IPlatformSignalling>? signallingFactory = null,
        PlatformBackoff? backoff = null)
    {
        _options = options;
        _endpoints = endpoints;
        _store = store;
        _events = events;
        _devices = devices;
        _deviceClient = deviceClient;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<UpperDomain>();
        _signallingFactory = signallingFactory
            ?? (p => new SipPlatformSignalling(p, endpoints.ForPlatform(p.Name), loggerFactory.CreateLogger("Gb28181Gateway.Cascade.Upper.Platform." + p.Name)));
        _backoff = backoff; // null: each platform's own RetryMinSeconds/RetryMaxSeconds
        _metrics = new UpperMetrics(() => _platforms.Values.Select(p => (p.Name, p.Session.IsRegistered, p.Projection.SharedCount)));
    }

    /// <summary>Loads the ID maps, installs the request handlers and starts every enabled platform's registration.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the upper domain is already started");
        }

        foreach (var options in _options.Platforms.Where(p => p.Enabled))
        {
            var logger = _loggerFactory.CreateLogger("Gb28181Gateway.Cascade.Upper.Platform." + options.Name);
            var signalling = _signallingFactory(options);
            var session = new PlatformSession(options, signalling, _time, _store, _events, _metrics, logger, _backoff ?? PlatformBackoff.For(options));
            var projection = new PlatformCatalogProjection(options, _devices, _store, logger);
            await projection.LoadAsync(cancellationToken);
            var reliable = string.Equals(options.Transport, "tcp", StringComparison.OrdinalIgnoreCase);
            _platforms.Add(options.Name, new PlatformContext(options, signalling, session, projection, reliable,
                s => new PlatformDeviceSubscriptions(options.Name, _deviceClient, s, _time, logger, Track, _stopping.Token)));
        }

        var subscription = _events.Subscribe("upper");
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Message, OnMessageAsync);
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Subscribe, OnSubscribeAsync);
        _eventLoop = Task.Run(() => RunEventsAsync(subscription, _stopping.Token), CancellationToken.None);
        foreach (var platform in _platforms.Values)
        {
            _ = await platform.Projection.BuildAsync(cancellationToken); // assigns IDs and counts shared channels
            platform.Session.Start();
        }
    }

    /// <summary>
    /// Ends the platforms' subscriptions (final NOTIFY), unregisters from every platform (in parallel, each bounded by
    /// <paramref name="bound"/>) and ends the background work.
    /// </summary>
    public async Task StopAsync(TimeSpan bound)
    {
        using (var ending = new CancellationTokenSource(bound, _time))
        {
            await Task.WhenAll(_platforms.Values.SelectMany(p => p.Subscriptions.TakeAll().Select(s => EndSubscriptionAsync(p, s, ending.Token))))
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_platforms.Values.Select(p => p.Session.StopAsync(bound)));
        await Task.WhenAll(_work.Keys).WaitAsync(bound, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _eventLoop.WaitAsync(bound, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        foreach (var platform in _platforms.Values)
        {
            await platform.Session.DisposeAsync();
            platform.Dispose();
        }

        _stopping.Dispose();
    }

    public IReadOnlyList<PlatformView> GetPlatforms()
    {
        var result = new List<PlatformView>();
        foreach (var options in _options.Platforms)
        {
            var state = _platforms.TryGetValue(options.Name, out var platform)
                ? platform.Session.State with { SharedChannelCount = platform.Projection.SharedCount }
                : new PlatformStateRecord { Name = options.Name, State = PlatformSession.StateDisabled };
            result.Add(new PlatformView(options, state));
        }

        return result;
    }

    public bool TryMapDown(string platform, string upperChannelId, out ChannelRef channel)
    {
        channel = default;
        return _platforms.TryGetValue(platform, out var context) && context.Projection.TryMapDown(upperChannelId, out channel);
    }

    public bool TryMapUp(string platform, ChannelRef channel, [NotNullWhen(true)] out string? upperChannelId)
    {
        upperChannelId = null;
        return _platforms.TryGetValue(platform, out var context) && context.Projection.TryMapUp(channel, out upperChannelId);
    }

    /// <summary>The platform's context (tests and the hosted service).</summary>
    internal PlatformContext? Find(string platform) => _platforms.GetValueOrDefault(platform);

    /// <summary>Runs <paramref name="work"/> in the background, tracked so stopping can wait for it.</summary>
    private void Track(Func<CancellationToken, Task> work)
    {
        var task = Task.Run(
            async () =>
            {
                try
                {
                    await work(_stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    UpperLog.WorkFailed(_logger, ex);
                }
            },
            CancellationToken.None);
        _work.TryAdd(task, 0);
        _ = task.ContinueWith(t => _work.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
