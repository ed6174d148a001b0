using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>
/// The B2BUA: bridges a platform's INVITE dialog (or an IoT stream target) to an INVITE dialog with the device,
/// with the RTP relay between them. Live streams of one channel are shared by every viewer; the device leg ends
/// with its last viewer. This file holds the session table and how sessions end; the INVITE path, in-dialog
/// requests, the IoT service and recovery are in the other parts.
/// </summary>
internal sealed partial class MediaBridge : ISessionDirectory, IStreamService, IAsyncDisposable
{
    private readonly GatewaySipEndpoints _endpoints;
    private readonly GatewayOptions _options;
    private readonly IDeviceDirectory _devices;
    private readonly IPlatformChannelMap _channels;
    private readonly IStateStore _store;
    private readonly IGatewayEventBus _events;
    private readonly RtpRelay _relay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DeviceTransportPolicy _transports;
    private readonly SsrcAllocator _ssrcs = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BridgeSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<ChannelRef, DeviceStream> _live = [];
    private readonly HashSet<DeviceStream> _streams = [];
    private ITimer? _watchdog;
    private long _nextId;
    private int _started;

    public MediaBridge(GatewaySipEndpoints endpoints, IOptions<GatewayOptions> options, IDeviceDirectory devices, IPlatformChannelMap channels,
        IStateStore store, IGatewayEventBus events, RtpRelay relay, TimeProvider time, ILogger<MediaBridge> logger)
    {
        _endpoints = endpoints;
        _options = options.Value;
        _devices = devices;
        _channels = channels;
        _store = store;
        _events = events;
        _relay = relay;
        _time = time;
        _logger = logger;
        _transports = new DeviceTransportPolicy(_options.Media);
    }

    /// <summary>How the gateway asks devices without an override to send (Media:DeviceTransport).</summary>
    public MediaTransport DeviceTransport => _transports.Default;

    /// <summary>How the gateway asks this device to send (Media:DeviceTransports, else Media:DeviceTransport).</summary>
    public MediaTransport DeviceTransportFor(string deviceId) => _transports.For(deviceId);

    private TimeSpan NoMediaTimeout => TimeSpan.FromSeconds(Math.Max(1, _options.Media.NoMediaTimeoutSeconds));

    /// <summary>Registers the SIP handlers, ends the sessions a previous process left in the store, starts the no-media watchdog.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the media bridge is already started");
        }

        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Invite, OnPlatformInviteAsync);
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Bye, OnPlatformByeAsync);
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Info, OnPlatformInfoAsync);
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Ack, static _ => Task.CompletedTask);
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Cancel, static _ => Task.CompletedTask);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Bye, OnDeviceByeAsync);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Info, OnDeviceInfoAsync);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Ack, static _ => Task.CompletedTask);
        await EndStaleSessionsAsync(cancellationToken);
        _ = RelayMediaStatusAsync(_events.Subscribe("bridge", 1000));
        var period = TimeSpan.FromSeconds(Math.Clamp(_options.Media.NoMediaTimeoutSeconds / 4.0, 0.25, 5));
        _watchdog = _time.CreateTimer(static s => ((MediaBridge)s!).CheckMedia(), this, period, period);
    }

    /// <summary>Ends every session with BYE on both legs (host shutdown).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _watchdog?.Dispose();
        DeviceStream[] streams;
        lock (_gate)
        {
            streams = [.. _streams];
        }

        await Task.WhenAll(streams.Select(s => EndStreamAsync(s, "gateway shutting down", null))).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    public IReadOnlyList<SessionRecord> GetSessions()
    {
        lock (_gate)
        {
            return [.. _sessions.Values.OrderBy(s => s.StartedAt).Select(s => s.ToRecord(_options.InstanceId))];
        }
    }

    public async Task<bool> StopAsync(string sessionId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        BridgeSession? session;
        lock (_gate)
        {
            _sessions.TryGetValue(sessionId, out session);
        }

        if (session is null)
        {
            return false;
        }

        await EndViewerAsync(session, string.IsNullOrEmpty(reason) ? "stopped" : reason, null).WaitAsync(cancellationToken);
        return true;
    }

    /// <summary>Viewers waiting for the channel's live stream to start (diagnostics and tests).</summary>
    internal int PendingViewers(ChannelRef channel)
    {
        lock (_gate)
        {
            return _live.TryGetValue(channel, out var stream) ? stream.Pending : 0;
        }
    }

    private string NewSessionId() => _options.InstanceId + "-" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>No RTP from a device for NoMediaTimeoutSeconds ends its stream (and every viewer of it).</summary>
    private void CheckMedia()
    {
        var timeout = NoMediaTimeout;
        List<DeviceStream>? idle = null;
        lock (_gate)
        {
            foreach (var stream in _streams)
            {
                if (stream.Dialog is not null && !stream.Ended && stream.Relay.IdleTime >= timeout
                    && _time.GetElapsedTime(stream.EstablishedTimestamp) >= timeout)
                {
                    (idle ??= []).Add(stream);
                }
            }
        }

        foreach (var stream in idle ?? [])
        {
            BridgeLog.NoMedia(_logger, stream.Channel, (int)timeout.TotalSeconds);
            _ = EndStreamAsync(stream, "no media from the device", "no_media");
        }
    }

    /// <summary>Drops a viewer that asked for the stream and will not attach; ends the stream when nobody else wants it.</summary>
    private Task ReleasePendingAsync(DeviceStream stream, string reason)
    {
        bool last;
        lock (_gate)
        {
            stream.Pending--;
            last = stream.Pending == 0 && stream.Viewers.Count == 0;
        }

        return last ? EndStreamAsync(stream, reason, null) : Task.CompletedTask;
    }

    /// <summary>Ends one viewer: BYE to its platform (unless it ended the dialog), closes its leg; the stream ends with its last viewer.</summary>
    private async Task EndViewerAsync(BridgeSession session, string reason, string? result)
    {
        bool last;
        bool announced;
        SipDialog? upper;
        lock (_gate)
        {
            if (session.Ended)
            {
                return;
            }

            session.Ended = true;
            announced = session.Announced;
            upper = session.UpperDialog;
            _sessions.Remove(session.Id);
            session.Stream.Viewers.Remove(session);
            last = session.Stream.Viewers.Count == 0 && session.Stream.Pending == 0;
        }

        BridgeLog.SessionEnded(_logger, session.Id, session.Stream.Channel, session.Platform, reason);
        if (upper is { State: not SipDialogState.Terminated } dialog)
        {
            await ByeAsync(dialog, "platform " + session.Platform);
        }

        await session.Leg.DisposeAsync();
        if (session.OwnsSsrc)
        {
            _ssrcs.Release(session.PlatformSsrc);
        }

        if (announced)
        {
            BridgeMetrics.Ended(session, result);
            await _store.DeleteSessionAsync(session.Id);
            _events.Publish(new SessionStoppedEvent(session.Id, session.Stream.Channel, reason) { Timestamp = _time.GetUtcNow() });
        }
        else if (result is not null)
        {
            BridgeMetrics.Refused(session.Kind, result);
        }

        if (last)
        {
            await EndStreamAsync(session.Stream, reason, null);
        }
    }

    /// <summary>Ends a device stream: every viewer first (BYE up), then BYE to the device and the relay session closed.</summary>
    private async Task EndStreamAsync(DeviceStream stream, string reason, string? result)
    {
        BridgeSession[] viewers;
        lock (_gate)
        {
            if (stream.Ended)
            {
                return;
            }

            stream.Ended = true;
            _streams.Remove(stream);
            if (_live.TryGetValue(stream.Channel, out var current) && ReferenceEquals(current, stream))
            {
                _live.Remove(stream.Channel);
            }

            viewers = [.. stream.Viewers];
        }

        stream.Complete(SipStatus.TemporarilyUnavailable);
        if (stream.Dialog is null)
        {
            await stream.InviteCancellation.CancelAsync();
        }

        foreach (var viewer in viewers)
        {
            await EndViewerAsync(viewer, reason, result);
        }

        if (stream.Dialog is { State: not SipDialogState.Terminated } dialog)
        {
            await ByeAsync(dialog, "device " + stream.Channel.DeviceId);
        }

        await stream.Relay.DisposeAsync();
        _ssrcs.Release(stream.Ssrc);
        BridgeLog.StreamEnded(_logger, stream.Channel, stream.Kind, reason);
    }

    private async Task ByeAsync(SipDialog dialog, string peer)
    {
        try
        {
            var response = await dialog.ByeAsync();
            if (!response.IsSuccess)
            {
                BridgeLog.ByeAnswered(_logger, peer, dialog.CallId, response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            BridgeLog.ByeFailed(_logger, peer, dialog.CallId, ex);
        }
    }

    /// <summary>Ends the stream when the device's dialog ends (BYE from the device, 481/408 to an in-dialog request) or its TCP connection closes.</summary>
    private async Task WatchDeviceAsync(DeviceStream stream)
    {
        var dialog = stream.Dialog!;
        await dialog.Terminated;
        var reason = dialog.EndReason == SipDialogEndReason.ByeReceived ? "device sent BYE" : "device dialog ended (" + dialog.EndReason + ")";
        await EndStreamAsync(stream, reason, null);
    }

    /// <summary>
    /// A TCP leg's connection ended without the bridge closing it. The device leg: the stream is gone, every viewer
    /// ends. A platform leg: that viewer is gone, ended as if its platform had sent BYE (BYE in its dialog, the leg
    /// closed, the device BYEd when it was the last viewer); other viewers of the stream keep it.
    /// </summary>
    private void OnLegClosed(DeviceStream stream, MediaLegClosedEventArgs e)
    {
        if (e.IsDeviceLeg)
        {
            _ = EndStreamAsync(stream, "device media connection closed (" + e.Reason + ")", null);
            return;
        }

        BridgeSession? viewer;
        lock (_gate)
        {
            viewer = stream.Viewers.Find(v => ReferenceEquals(v.Leg, e.Leg));
        }

        if (viewer is null)
        {
            return;   // a viewer not attached yet (or already ended): whoever holds its leg disposes it
        }

        BridgeLog.PlatformMediaClosed(_logger, viewer.Id, viewer.Stream.Channel, viewer.Platform, e.Reason);
        _ = EndViewerAsync(viewer, "platform media connection closed (" + e.Reason + ")", null);
    }

    /// <summary>Ends the viewer when the platform never ACKs the 2xx or its dialog ends.</summary>
    private async Task WatchViewerAsync(BridgeSession session)
    {
        var dialog = session.UpperDialog!;
        if (!await dialog.Acknowledged && dialog.State != SipDialogState.Terminated)
        {
            await EndViewerAsync(session, "no ACK from the platform", "failed");
            return;
        }

        await dialog.Terminated;
        var reason = dialog.EndReason == SipDialogEndReason.ByeReceived ? "platform sent BYE" : "platform dialog ended (" + dialog.EndReason + ")";
        await EndViewerAsync(session, reason, null);
    }

    private static SsrcKind SsrcKindOf(SdpSessionKind kind) => kind == SdpSessionKind.Play ? SsrcKind.Live : SsrcKind.History;
}
