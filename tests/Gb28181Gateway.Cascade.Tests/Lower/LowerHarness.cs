using System.Threading.Channels;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// The lower domain running in-process on loopback: real GatewaySipEndpoints, the in-memory store, the event
/// bus, a manual clock; wired the way <see cref="LowerServiceCollectionExtensions.AddLowerDomain"/> wires it.
/// </summary>
internal sealed class LowerHarness : IAsyncDisposable
{
    public const string ServerId = "34020000002000000001";
    public const string Domain = "3402000000";
    public const string Password = "12345678";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly ChannelReader<GatewayEvent> _events;
    private readonly List<GatewayEvent> _seen = [];

    private LowerHarness(GatewayOptions options, ManualTimeProvider time, IStateStore store)
    {
        Options = options;
        Time = time;
        Store = store;
        Bus = new GatewayEventBus();
        _events = Bus.Subscribe("lower-tests");
        Endpoints = new GatewaySipEndpoints(options, time, NullLoggerFactory.Instance);
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        Directory = new DeviceDirectory(time);
        Metrics = new LowerMetrics(Directory);
        Correlator = new ManscdpCorrelator(time);
        Subscriptions = new DeviceSubscriptions(wrapped, Endpoints, Correlator, time, NullLogger<DeviceSubscriptions>.Instance);
        Client = new DeviceClient(wrapped, Endpoints, Directory, Correlator, Subscriptions, time, Metrics, NullLogger<DeviceClient>.Instance);
        Catalogs = new CatalogSynchronizer(wrapped, Client, Subscriptions, Directory, store, Bus, Correlator, time, NullLogger<CatalogSynchronizer>.Instance);
        Presence = new DevicePresence(wrapped, Catalogs, store, Bus, time, NullLogger<DevicePresence>.Instance);
        Registrar = new DeviceRegistrar(wrapped, Directory, Presence, time, Metrics, NullLogger<DeviceRegistrar>.Instance);
        Router = new DeviceMessageRouter(Directory, Presence, Correlator, Catalogs, Subscriptions, Client, Bus, time, Metrics, NullLogger<DeviceMessageRouter>.Instance);
        Service = new LowerDomainService(Endpoints, Directory, Presence, Registrar, Router, Subscriptions, store, NullLogger<LowerDomainService>.Instance);
    }

    public GatewayOptions Options { get; }

    public ManualTimeProvider Time { get; }

    public IStateStore Store { get; }

    public GatewayEventBus Bus { get; }

    public GatewaySipEndpoints Endpoints { get; }

    public DeviceDirectory Directory { get; }

    public LowerMetrics Metrics { get; }

    public ManscdpCorrelator Correlator { get; }

    public DeviceSubscriptions Subscriptions { get; }

    public DeviceClient Client { get; }

    public CatalogSynchronizer Catalogs { get; }

    public DevicePresence Presence { get; }

    public DeviceRegistrar Registrar { get; }

    public DeviceMessageRouter Router { get; }

    public LowerDomainService Service { get; }

    public int Port => Options.Sip.Port;

    public static GatewayOptions DefaultOptions(string password = Password) => new()
    {
        Sip = new SipOptions
        {
            DeviceId = ServerId,
            Domain = Domain,
            ListenAddress = "127.0.0.1",
            Port = LoopbackPorts.Next(),
            Password = password,
            KeepaliveTimeoutSeconds = 180,
            MinExpiresSeconds = 60,
            MaxExpiresSeconds = 86400,
            QueryTimeoutSeconds = 30,
            CatalogRefreshSeconds = 0,
            CatalogSubscriptionSeconds = 0,
            AuthFailuresBeforeDelay = 3,
        },
    };

    public static async Task<LowerHarness> StartAsync(GatewayOptions? options = null, ManualTimeProvider? time = null, IStateStore? store = null)
    {
        var harness = new LowerHarness(options ?? DefaultOptions(), time ?? new ManualTimeProvider(), store ?? new InMemoryStateStore());
        harness.Endpoints.Start();
        await harness.Service.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>The next published event of type <typeparamref name="T"/> matching <paramref name="match"/> (earlier ones of other kinds are kept).</summary>
    public async Task<T> NextEventAsync<T>(Func<T, bool>? match = null)
        where T : GatewayEvent
    {
        using var timeout = new CancellationTokenSource(Wait);
        lock (_seen)
        {
            var index = _seen.FindIndex(e => e is T t && (match is null || match(t)));
            if (index >= 0)
            {
                var found = (T)_seen[index];
                _seen.RemoveAt(index);
                return found;
            }
        }

        while (true)
        {
            var next = await _events.ReadAsync(timeout.Token);
            if (next is T typed && (match is null || match(typed)))
            {
                return typed;
            }

            lock (_seen)
            {
                _seen.Add(next);
            }
        }
    }

    /// <summary>Every event published so far and not yet taken.</summary>
    public List<GatewayEvent> DrainEvents()
    {
        lock (_seen)
        {
            while (_events.TryRead(out var next))
            {
                _seen.Add(next);
            }

            var all = _seen.ToList();
            _seen.Clear();
            return all;
        }
    }

    /// <summary>Waits (on the real clock, never on the manual one) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        await Endpoints.DisposeAsync();
        Bus.Dispose();
    }
}
