using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Relay;
using Gb28181Gateway.Media.Relay.Linux;
using Gb28181Gateway.Media.Rtp;

namespace Gb28181Gateway.Media;

/// <summary>
/// One stream through the relay: a device leg (ingress) and any number of platform legs (egress) sharing it.
/// Every valid RTP packet from the device goes to every platform leg, each with its own SSRC; sequence
/// numbers, timestamps and payload are untouched. Platform legs can be added and removed while packets flow:
/// the receive loop reads an immutable array of legs that add/remove replace atomically, so it never locks.
/// </summary>
/// <remarks>
/// Lifecycle as a B2BUA drives it: <see cref="RtpRelay.CreateSession"/> binds the device port (advertise it in
/// the INVITE offer to the device); the device's answer → <c>Device.ConnectAsync(address)</c>;
/// <see cref="AddPlatform"/> binds a platform port (advertise it in the answer to the platform) and
/// <c>ConnectAsync(platform address)</c> starts the flow to it (TCP-active: connects; call it once the answer
/// is sent); a viewer leaving → dispose its <see cref="PlatformLeg"/>; the last one or BYE from the device →
/// dispose the session, which closes every leg and returns every port.
/// </remarks>
public sealed class RelaySession : IAsyncDisposable
{
    private const long NoPacket = long.MinValue;

    private readonly long[] _platformDrops = new long[MediaDropReasons.Count];
    private readonly long _createdTimestamp;
    private PlatformLeg[] _platforms = [];
    private Task? _disposal;

    // Written only by the device leg's receive loop.
    private long _lastPacketTimestamp = NoPacket;
    private long _sequenceGaps;
    private uint _deviceSsrc;
    private ushort _lastSequence;
    private int _haveSequence;

    internal RelaySession(RtpRelay relay, long id, Func<RelaySession, DeviceLeg> createDevice)
    {
        Relay = relay;
        Id = id;
        CreatedAt = relay.TimeProvider.GetUtcNow();
        _createdTimestamp = relay.TimeProvider.GetTimestamp();
        Device = createDevice(this);
    }

    /// <summary>Unique within the relay.</summary>
    public long Id { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The device leg; its <see cref="MediaLeg.LocalPort"/> goes into the INVITE offer to the device.</summary>
    public DeviceLeg Device { get; }

    /// <summary>The platform legs at this moment.</summary>
    public IReadOnlyList<PlatformLeg> Platforms => Volatile.Read(ref _platforms);

    public bool IsDisposed => Volatile.Read(ref _disposal) is not null;

    /// <summary>
    /// Time since the last valid packet from the device, or since creation when none came yet: what a no-media
    /// watchdog compares with <see cref="MediaOptions.NoMediaTimeoutSeconds"/>. Does not allocate.
    /// </summary>
    public TimeSpan IdleTime
    {
        get
        {
            var last = Volatile.Read(ref _lastPacketTimestamp);
            return Relay.TimeProvider.GetElapsedTime(last != NoPacket ? last : _createdTimestamp);
        }
    }

    /// <summary>
    /// A TCP leg's connection ended without the relay being asked to close it (raised on a thread-pool thread).
    /// For the device leg the stream is gone; for a platform leg one viewer is gone (its leg stays, a TCP-passive
    /// leg accepts a reconnection).
    /// </summary>
    public event EventHandler<MediaLegClosedEventArgs>? LegClosed;

    internal RtpRelay Relay { get; }

    internal LegCounters DeviceCounters { get; } = new();

    /// <summary>
    /// Binds a port for a new platform leg and adds it to the session; packets reach it once its remote is
    /// known (<see cref="MediaLeg.ConnectAsync"/>) or, TCP-passive, once the platform connected.
    /// </summary>
    /// <param name="ssrc">The SSRC the platform expects (its <c>y=</c>), or null to keep the device's.</param>
    /// <exception cref="MediaPortsExhaustedException">No free media port; nothing changed.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public PlatformLeg AddPlatform(MediaTransport transport, uint? ssrc)
    {
        if (!Enum.IsDefined(transport))
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport, "not a media transport");
        }

        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var lease = Relay.Pool.Rent(transport);
        PlatformLeg leg;
        try
        {
            leg = transport == MediaTransport.Udp
                ? new UdpPlatformLeg(this, lease, ssrc)
                : new TcpPlatformLeg(this, lease, transport, ssrc, Relay.CreateSourceFilter(Relay.Options.SourceCheck, lease.Socket.AddressFamily));
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        lock (Relay.StateGate)
        {
            if (IsDisposed)
            {
                _ = leg.CloseAsync().AsTask();
                throw new ObjectDisposedException(nameof(RelaySession), "the session was disposed while the platform leg was being added");
            }

            Volatile.Write(ref _platforms, [.. _platforms, leg]);
        }

        Relay.Logger.PlatformAdded(Id, transport, leg.LocalPort, ssrc);
        return leg;
    }

    public RelaySessionStats GetStats()
    {
        var last = Volatile.Read(ref _lastPacketTimestamp);
        var now = Relay.TimeProvider.GetUtcNow();
        var legs = Platforms;
        var dropped = DeviceCounters.DropSnapshot().ToDictionary();
        for (var i = 0; i < _platformDrops.Length; i++)
        {
            var value = Interlocked.Read(ref _platformDrops[i]);
            if (value != 0)
            {
                dropped[(MediaDropReason)i] = dropped.GetValueOrDefault((MediaDropReason)i) + value;
            }
        }

        return new RelaySessionStats
        {
            SessionId = Id,
            DeviceTransport = Device.Transport,
            DevicePort = Device.LocalPort,
            DeviceEndPoint = Device.RemoteEndPoint,
            DeviceConnected = Device.IsConnected,
            PacketsReceived = DeviceCounters.Packets,
            BytesReceived = DeviceCounters.Bytes,
            SequenceGaps = Interlocked.Read(ref _sequenceGaps),
            DeviceSsrc = last != NoPacket ? Volatile.Read(ref _deviceSsrc) : null,
            CreatedAt = CreatedAt,
            LastPacketAt = last != NoPacket ? now - Relay.TimeProvider.GetElapsedTime(last) : null,
            IdleTime = IdleTime,
            Dropped = dropped,
            Platforms = legs.Select(l => l.GetStats()).ToArray(),
        };
    }

    /// <summary>Closes every leg and returns every port; idempotent, safe while packets flow.</summary>
    public ValueTask DisposeAsync()
    {
        Task disposal;
        lock (Relay.StateGate)
        {
            disposal = _disposal ??= DisposeCoreAsync();
        }

        return new ValueTask(disposal);
    }

    /// <summary>The per-packet path, called by the device leg's receive loop only (one packet at a time).</summary>
    /// <param name="buffer">Holds the packet at <paramref name="offset"/>, with <see cref="PlatformLeg.FrameHeadroom"/> writable bytes before it.</param>
    internal void ForwardFromDevice(byte[] buffer, int offset, int length) =>
        ForwardFromDevice(buffer.AsSpan(offset - PlatformLeg.FrameHeadroom, length + PlatformLeg.FrameHeadroom));

    /// <summary>The per-packet path: <paramref name="framed"/> is the packet after <see cref="PlatformLeg.FrameHeadroom"/> writable bytes.</summary>
    internal void ForwardFromDevice(Span<byte> framed)
    {
        if (!Admit(framed[PlatformLeg.FrameHeadroom..], out var ssrc))
        {
            return;
        }

        Volatile.Write(ref _lastPacketTimestamp, Relay.TimeProvider.GetTimestamp());
        var legs = Volatile.Read(ref _platforms);
        for (var i = 0; i < legs.Length; i++)
        {
            legs[i].Send(framed, ssrc);
        }
    }

    /// <summary>
    /// The batched path, for the device leg's receive thread: datagram <paramref name="i"/> of
    /// <paramref name="batch"/> passed the source check; classify and count it exactly as
    /// <see cref="ForwardFromDevice(Span{byte})"/> does, and keep it for <see cref="ForwardBatch"/> when it is RTP.
    /// </summary>
    internal void AdmitToBatch(UdpDatagramBatch batch, int i)
    {
        if (Admit(batch.Datagram(i), out var ssrc))
        {
            batch.Keep(i, ssrc);
        }
    }

    /// <summary>Sends the packets kept in <paramref name="batch"/> to every platform leg: each leg all of them, in turn.</summary>
    internal void ForwardBatch(UdpDatagramBatch batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        Volatile.Write(ref _lastPacketTimestamp, Relay.TimeProvider.GetTimestamp());
        var legs = Volatile.Read(ref _platforms);
        for (var i = 0; i < legs.Length; i++)
        {
            legs[i].SendBatch(batch);
        }
    }

    internal void DropDevicePacket(MediaDropReason reason) => DeviceCounters.Drop(reason);

    internal void CountPlatformDrop(MediaDropReason reason) => Interlocked.Increment(ref _platformDrops[(int)reason]);

    internal void AddDropsTo(long[] totals)
    {
        DeviceCounters.AddDropsTo(totals);
        for (var i = 0; i < totals.Length; i++)
        {
            totals[i] += Interlocked.Read(ref _platformDrops[i]);
        }
    }

    internal void RaiseLegClosed(MediaLeg leg, MediaLegCloseReason reason)
    {
        Relay.Logger.LegClosed(Id, leg is DeviceLeg ? "device" : "platform", leg.LocalPort, reason);
        var handler = LegClosed;
        if (handler is not null)
        {
            ThreadPool.QueueUserWorkItem(
                static state =>
                {
                    var (session, h, args) = state;
                    try
                    {
                        h(session, args);
                    }
                    catch (Exception ex)
                    {
                        session.Relay.Logger.LegClosedHandlerFailed(session.Id, ex);
                    }
                },
                (this, handler, new MediaLegClosedEventArgs(leg, reason)),
                preferLocal: false);
        }
    }

    internal void DeviceLegFailed(Exception ex) => Relay.Logger.ReceiveFailed(Id, Device.LocalPort, ex);

    internal async ValueTask RemovePlatformAsync(PlatformLeg leg)
    {
        bool removed;
        lock (Relay.StateGate)
        {
            var index = Array.IndexOf(_platforms, leg);
            removed = index >= 0;
            if (removed)
            {
                Volatile.Write(ref _platforms, [.. _platforms.AsSpan(0, index), .. _platforms.AsSpan(index + 1)]);
                Relay.RetirePlatformLocked(leg);
            }
        }

        await leg.CloseAsync().ConfigureAwait(false);
        if (removed)
        {
            Relay.Logger.PlatformRemoved(Id, leg.LocalPort, leg.Counters.Packets);
        }
    }

    /// <summary>The platform legs, for the relay's totals; call with <see cref="RtpRelay.StateGate"/> held.</summary>
    internal PlatformLeg[] PlatformsLocked => _platforms;

    /// <summary>
    /// Classifies one packet from the device: RTCP and malformed ones are counted and refused; an RTP packet is
    /// counted, its sequence number checked for a gap, and its SSRC returned.
    /// </summary>
    private bool Admit(ReadOnlySpan<byte> packet, out uint ssrc)
    {
        var kind = RtpHeader.Classify(packet);
        if (kind != RtpPacketKind.Rtp)
        {
            DeviceCounters.Drop(kind == RtpPacketKind.Rtcp ? MediaDropReason.Rtcp : MediaDropReason.Malformed);
            ssrc = 0;
            return false;
        }

        DeviceCounters.Count(packet.Length);
        ssrc = RtpHeader.ReadSsrc(packet);
        var sequence = RtpHeader.ReadSequenceNumber(packet);
        if (_haveSequence != 0 && ssrc == _deviceSsrc && sequence != (ushort)(_lastSequence + 1))
        {
            Interlocked.Increment(ref _sequenceGaps);
        }

        _haveSequence = 1;
        _lastSequence = sequence;
        Volatile.Write(ref _deviceSsrc, ssrc);
        return true;
    }

    private async Task DisposeCoreAsync()
    {
        await Task.Yield();   // run outside the caller's lock
        await Device.CloseAsync().ConfigureAwait(false);
        PlatformLeg[] legs;
        lock (Relay.StateGate)
        {
            legs = _platforms;
        }

        foreach (var leg in legs)
        {
            await leg.CloseAsync().ConfigureAwait(false);
        }

        lock (Relay.StateGate)
        {
            Relay.RetireSessionLocked(this);
            Volatile.Write(ref _platforms, []);
        }

        Relay.Logger.SessionClosed(Id, DeviceCounters.Packets);
    }
}
