using System.Collections.Frozen;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Simulator.Media;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Simulator.Devices;

/// <summary>
/// N simulated devices sharing a few SIP ports (one <see cref="SipTransport"/> per <see cref="DeviceFarmOptions.DevicesPerPort"/>
/// devices). Requests from the server are routed to a device by the ID in the Request-URI (a device or one of its
/// channels), since many devices share each address. Start registers them at the configured rate; Stop unregisters.
/// </summary>
internal sealed class DeviceFarm : IAsyncDisposable
{
    private readonly List<SipTransport> _transports = [];
    private readonly List<SipUserAgent> _agents = [];
    private readonly List<SimulatedDevice> _devices = [];
    private readonly List<Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggerFactory _loggerFactory;
    private FrozenDictionary<string, DeviceTarget> _targets = FrozenDictionary<string, DeviceTarget>.Empty;
    private long _startedAt;

    public DeviceFarm(DeviceFarmOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = _loggerFactory.CreateLogger("Gb28181Gateway.Simulator.Devices");
        Capture = options.MediaFile is null ? PsCapture.LoadEmbedded() : PsCapture.Load(options.MediaFile);
        Responder = new DeviceQueryResponder(this);
        Sessions = new DeviceSessionHandler(this);
    }

    public DeviceFarmOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public FarmStatistics Statistics { get; } = new();

    public PsCapture Capture { get; }

    public IReadOnlyList<SimulatedDevice> Devices => _devices;

    public IReadOnlyList<SipTransport> Transports => _transports;

    public TimeSpan Elapsed => Time.GetElapsedTime(_startedAt);

    internal DeviceQueryResponder Responder { get; }

    internal DeviceSessionHandler Sessions { get; }

    /// <summary>Binds the ports, builds the devices, and starts registering them at <see cref="DeviceFarmOptions.Rate"/>.</summary>
    public void Start()
    {
        var options = Options;
        var first = DeviceId.Parse(options.FirstId);
        var targets = new Dictionary<string, DeviceTarget>(StringComparer.Ordinal);
        for (var t = 0; t < options.TransportCount; t++)
        {
            var transport = new SipTransport(new SipTransportOptions
            {
                ListenAddress = options.LocalAddress,
                Port = options.LocalPortBase == 0 ? 0 : options.LocalPortBase + t,
                EnableUdp = !options.Server.IsReliable,
                EnableTcp = options.Server.IsReliable,
            }, TimeProvider.System, _loggerFactory);
            transport.Start();
            _transports.Add(transport);
            var agent = new SipUserAgent(transport, new SipUserAgentOptions { UserAgent = "gbsim" }, TimeProvider.System, _loggerFactory);
            agent.Handle(SipMethod.Message, Responder.OnMessageAsync);
            agent.Handle(SipMethod.Invite, Sessions.OnInviteAsync);
            agent.Handle(SipMethod.Info, Sessions.OnInfoAsync);
            agent.Handle(SipMethod.Subscribe, Sessions.OnSubscribeAsync);
            _agents.Add(agent);
        }

        for (var i = 0; i < options.Count; i++)
        {
            var serial = first.Serial + i;
            var id = DeviceId.Create(first.DomainId, first.TypeCode, serial).Value;
            var channels = new string[options.Channels];
            for (var c = 0; c < channels.Length; c++)
            {
                channels[c] = DeviceId.Create(first.DomainId, (int)DeviceType.Camera, (serial - 1) * options.Channels + c + 1).Value;
            }

            var device = new SimulatedDevice(this, _agents[i / options.DevicesPerPort], id, channels);
            _devices.Add(device);
            targets[id] = new DeviceTarget(device, null);
            for (var c = 0; c < channels.Length; c++)
            {
                if (!targets.TryAdd(channels[c], new DeviceTarget(device, c)))
                {
                    throw new ArgumentException($"channel ID {channels[c]} collides with another device or channel: choose another --first-id or --channels");
                }
            }
        }

        _targets = targets.ToFrozenDictionary(StringComparer.Ordinal);
        _startedAt = Time.GetTimestamp();
        Log.FarmStarted(Logger, options.Count, options.Channels, _transports.Count, options.Server.ViaTransport, options.Server);
        _running.Add(StartDevicesAsync(_stopping.Token));
    }

    /// <summary>The device (and channel index, null for the device itself) answering to <paramref name="id"/>.</summary>
    public bool TryFind(string? id, out DeviceTarget target)
    {
        if (id is null)
        {
            target = default;
            return false;
        }

        return _targets.TryGetValue(id, out target);
    }

    /// <summary>Stops the devices; with <see cref="DeviceFarmOptions.UnregisterOnStop"/> sends REGISTER Expires: 0 for each registered one.</summary>
    public async Task StopAsync(TimeSpan unregisterTimeout)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (OperationCanceledException)
        {
        }

        await Sessions.StopAllAsync();
        if (!Options.UnregisterOnStop)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(unregisterTimeout, Time);
        using var gate = new SemaphoreSlim(Options.MaxInFlight);
        var unregistering = _devices.Where(static d => d.IsRegistered).Select(async d =>
        {
            await gate.WaitAsync(timeout.Token);
            try
            {
                await d.RegisterAsync(0, timeout.Token);
            }
            finally
            {
                gate.Release();
            }
        });
        try
        {
            await Task.WhenAll(unregistering);
        }
        catch (OperationCanceledException)
        {
            // not everybody was answered in time: the registrations expire on their own
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.FromSeconds(5));
        }

        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }

        _stopping.Dispose();
    }

    /// <summary>Notes the time the farm first had every device registered.</summary>
    internal void OnRegistered()
    {
        if (Statistics.AllRegisteredAfter is null && Statistics.Registered == Options.Count)
        {
            lock (Statistics)
            {
                Statistics.AllRegisteredAfter ??= Elapsed;
            }
        }
    }

    /// <summary>Starts each device's life at its slot: device i at i / rate seconds (all at once, bounded by MaxInFlight, for rate 0).</summary>
    private async Task StartDevicesAsync(CancellationToken cancellationToken)
    {
        var gate = new SemaphoreSlim(Options.MaxInFlight);
        var lives = new List<Task>(_devices.Count);
        for (var i = 0; i < _devices.Count; i++)
        {
            if (Options.Rate > 0)
            {
                var due = TimeSpan.FromSeconds(i / Options.Rate) - Elapsed;
                if (due > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due, Time, cancellationToken);
                }
            }

            lives.Add(RunDeviceAsync(_devices[i], gate, cancellationToken));
        }

        await Task.WhenAll(lives);
    }

    private static async Task RunDeviceAsync(SimulatedDevice device, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await device.RunAsync(gate, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>A device, and which of its channels (null: the device itself) an ID names.</summary>
internal readonly record struct DeviceTarget(SimulatedDevice Device, int? Channel)
{
    public string Id => Channel is { } c ? Device.ChannelIds[c] : Device.Id;
}
