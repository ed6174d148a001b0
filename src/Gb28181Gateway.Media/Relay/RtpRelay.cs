using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Ports;
using Gb28181Gateway.Media.Relay;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Media;

/// <summary>
/// The RTP relay: the media port pool and the relay sessions on it. One per gateway (a singleton); thread-safe.
/// Knows RTP and sockets only: the B2BUA turns SDP into the calls below and the calls' results back into SDP.
/// </summary>
public sealed class RtpRelay : IAsyncDisposable
{
    private readonly Dictionary<long, RelaySession> _sessions = [];
    private readonly MediaTotals _retired = new();
    private readonly MediaMetrics _metrics;
    private long _nextSessionId;
    private bool _disposed;

    /// <exception cref="ArgumentException">The options are invalid (the message names the key).</exception>
    public RtpRelay(MediaOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        Options = options;
        TimeProvider = timeProvider;
        var listen = IPAddress.Parse(options.ListenAddress);
        AdvertisedAddress = !string.IsNullOrEmpty(options.ExternalAddress)
            ? IPAddress.Parse(options.ExternalAddress)
            : listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any) ? null : listen;
        Pool = new MediaPortPool(listen, options.PortMin, options.PortMax);
        Logger = loggerFactory.CreateLogger<RtpRelay>();
        _metrics = new MediaMetrics(meterFactory, Totals, () => Pool.InUse);
        Logger.Started(listen, options.PortMin, options.PortMax, AdvertisedAddress);
    }

    public MediaOptions Options { get; }

    /// <summary>
    /// The address to put in SDP <c>c=</c> for every leg: <c>ExternalAddress</c>, else the listen address; null when
    /// neither is set (listening on a wildcard), then the B2BUA uses the address its SIP transport is reached on.
    /// </summary>
    public IPAddress? AdvertisedAddress { get; }

    /// <summary>Media ports currently bound by sessions.</summary>
    public int PortsInUse => Pool.InUse;

    /// <summary>Size of the port range.</summary>
    public int PortCapacity => Pool.Capacity;

    /// <summary>The live sessions at this moment.</summary>
    public IReadOnlyList<RelaySession> Sessions
    {
        get
        {
            lock (StateGate)
            {
                return [.. _sessions.Values];
            }
        }
    }

    internal TimeProvider TimeProvider { get; }

    internal MediaPortPool Pool { get; }

    internal ILogger Logger { get; }

    /// <summary>Guards the session table, every session's platform-leg array swaps and the retired totals.</summary>
    internal Lock StateGate { get; } = new();

    /// <summary>
    /// Binds a port for the device leg and creates the session; put <c>session.Device.LocalPort</c> in the INVITE
    /// offer to the device. A UDP or TCP-passive device leg receives from now on; a TCP-active one connects when
    /// the device's answer is known (<see cref="MediaLeg.ConnectAsync"/>).
    /// </summary>
    /// <param name="sourceCheck">Overrides <see cref="MediaOptions.SourceCheck"/> for this session (e.g. a device known to be behind NAT).</param>
    /// <exception cref="MediaPortsExhaustedException">No free media port (answer 503); nothing was allocated.</exception>
    public RelaySession CreateSession(MediaTransport deviceTransport, SourceCheck? sourceCheck = null)
    {
        if (!Enum.IsDefined(deviceTransport))
        {
            throw new ArgumentOutOfRangeException(nameof(deviceTransport), deviceTransport, "not a media transport");
        }

        if (sourceCheck is { } check && !Enum.IsDefined(check))
        {
            throw new ArgumentOutOfRangeException(nameof(sourceCheck), check, "not a source check");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        PortLease lease;
        try
        {
            lease = Pool.Rent(deviceTransport);
        }
        catch (MediaPortsExhaustedException ex)
        {
            Logger.PortsExhausted(ex.Message);
            throw;
        }

        RelaySession session;
        try
        {
            var filter = CreateSourceFilter(sourceCheck ?? Options.SourceCheck, lease.Socket.AddressFamily);
            session = new RelaySession(
                this,
                Interlocked.Increment(ref _nextSessionId),
                s => deviceTransport == MediaTransport.Udp
                    ? new UdpDeviceLeg(s, lease, filter)
                    : new TcpDeviceLeg(s, lease, deviceTransport, filter));
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        bool disposed;
        lock (StateGate)
        {
            disposed = _disposed;
            if (!disposed)
            {
                _sessions.Add(session.Id, session);
            }
        }

        if (disposed)
        {
            _ = session.DisposeAsync().AsTask();
            throw new ObjectDisposedException(nameof(RtpRelay), "the relay was disposed while the session was being created");
        }

        Logger.SessionCreated(session.Id, deviceTransport, lease.Port);
        return session;
    }

    /// <summary>Disposes every session (closing every leg and returning every port) and the meter.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (StateGate)
        {
            _disposed = true;
        }

        foreach (var session in Sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
    }

    internal SourceFilter CreateSourceFilter(SourceCheck check, AddressFamily family) =>
        new(check, Options.LatchBeforeAnswer, family);

    /// <summary>Moves a removed platform leg's packets and bytes to the retired totals (drops stay with the session).</summary>
    internal void RetirePlatformLocked(PlatformLeg leg) => _retired.Add(MediaTotals.Out, leg.Transport, leg.Counters);

    internal void RetireSessionLocked(RelaySession session)
    {
        if (!_sessions.Remove(session.Id))
        {
            return;
        }

        _retired.Add(MediaTotals.In, session.Device.Transport, session.DeviceCounters);
        session.AddDropsTo(_retired.Dropped);
        foreach (var leg in session.PlatformsLocked)
        {
            RetirePlatformLocked(leg);
        }
    }

    /// <summary>Everything counted so far: the retired totals plus the live sessions'.</summary>
    internal MediaTotals Totals()
    {
        lock (StateGate)
        {
            var totals = _retired.Clone();
            foreach (var session in _sessions.Values)
            {
                totals.Add(MediaTotals.In, session.Device.Transport, session.DeviceCounters);
                session.AddDropsTo(totals.Dropped);
                foreach (var leg in session.PlatformsLocked)
                {
                    totals.Add(MediaTotals.Out, leg.Transport, leg.Counters);
                }
            }

            return totals;
        }
    }
}
