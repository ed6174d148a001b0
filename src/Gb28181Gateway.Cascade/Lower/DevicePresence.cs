using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Online state of devices. A device is online while its registration is live and it sent a keepalive (or a
/// REGISTER) within <c>KeepaliveTimeoutSeconds</c>. One timer per device, due at the earlier of the registration
/// expiry and the keepalive deadline; a keepalive only moves the deadline (the timer, when it fires, re-arms for
/// the new one), so keepalives cost no timer operation.
/// </summary>
internal sealed class DevicePresence
{
    private readonly SipOptions _options;
    private readonly CatalogSynchronizer _catalogs;
    private readonly IStateStore _store;
    private readonly IGatewayEventBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DevicePresence(IOptions<GatewayOptions> options, CatalogSynchronizer catalogs, IStateStore store, IGatewayEventBus bus,
        TimeProvider time, ILogger<DevicePresence> logger)
    {
        _options = options.Value.Sip;
        _catalogs = catalogs;
        _store = store;
        _bus = bus;
        _time = time;
        _logger = logger;
    }

    private TimeSpan KeepaliveTimeout => TimeSpan.FromSeconds(Math.Max(1, _options.KeepaliveTimeoutSeconds));

    /// <summary>An accepted REGISTER with a non-zero expiry (new registration or refresh).</summary>
    public async ValueTask RegisteredAsync(DeviceEntry entry, DeviceRecord registration, string callId)
    {
        var now = _time.GetUtcNow();
        bool cameOnline, restarted;
        DeviceRecord record;
        lock (entry.Gate)
        {
            var wasRegistered = entry.IsRegistered(now);
            cameOnline = !entry.Record.Online;
            restarted = wasRegistered && entry.RegisterCallId is not null && entry.RegisterCallId != callId;
            record = entry.Record = entry.Record with
            {
                SignallingEndPoint = registration.SignallingEndPoint,
                ContactUri = registration.ContactUri,
                Instance = registration.Instance,
                RegisteredAt = wasRegistered && !restarted ? entry.Record.RegisteredAt : now,
                ExpiresAt = registration.ExpiresAt,
                UserAgent = registration.UserAgent ?? entry.Record.UserAgent,
                Online = true,
            };
            entry.EndPoint = Sip.Transport.SipEndPoint.TryParse(record.SignallingEndPoint, out var endPoint) ? endPoint : entry.EndPoint;
            entry.RegisterCallId = callId;
            entry.LastAliveAt = now;
            if (cameOnline || restarted)
            {
                entry.Generation++;
            }

            Arm(entry, now);
        }

        await _store.SaveDeviceAsync(record);
        if (cameOnline || restarted)
        {
            if (cameOnline)
            {
                LowerLog.Online(_logger, entry.DeviceId, record.SignallingEndPoint);
                _bus.Publish(new DeviceOnlineEvent(entry.DeviceId, record.SignallingEndPoint) { Timestamp = now });
            }

            _catalogs.Stop(entry);
            _catalogs.Start(entry);
        }
    }

    /// <summary>REGISTER with Expires: 0.</summary>
    public async ValueTask UnregisteredAsync(DeviceEntry entry)
    {
        var now = _time.GetUtcNow();
        lock (entry.Gate)
        {
            entry.Record = entry.Record with { ExpiresAt = now };
            entry.RegisterCallId = null;
        }

        await GoOfflineAsync(entry, DeviceOfflineReason.Unregistered, now, force: true);
    }

    /// <summary>A keepalive (or any MESSAGE) from the device; false when it has no live registration (answer it with an error).</summary>
    public async ValueTask<bool> AliveAsync(DeviceEntry entry, bool keepalive)
    {
        var now = _time.GetUtcNow();
        DeviceRecord? toSave = null;
        bool cameOnline;
        lock (entry.Gate)
        {
            if (!entry.IsRegistered(now))
            {
                return false;
            }

            entry.LastAliveAt = now;
            cameOnline = !entry.Record.Online;
            if (keepalive || cameOnline)
            {
                entry.Record = entry.Record with { LastKeepaliveAt = keepalive ? now : entry.Record.LastKeepaliveAt, Online = true };
            }

            if (cameOnline)
            {
                entry.Generation++;
                Arm(entry, now);
            }

            if (cameOnline || now - entry.LastKeepaliveSaved >= KeepaliveTimeout / 3)
            {
                entry.LastKeepaliveSaved = now;
                toSave = entry.Record;
            }
        }

        if (toSave is not null)
        {
            await _store.SaveDeviceAsync(toSave);
        }

        if (cameOnline)
        {
            LowerLog.Online(_logger, entry.DeviceId, entry.Record.SignallingEndPoint);
            _bus.Publish(new DeviceOnlineEvent(entry.DeviceId, entry.Record.SignallingEndPoint) { Timestamp = now });
            _catalogs.Start(entry);
        }

        return true;
    }

    /// <summary>A device loaded from the store at start-up: online state counted from its expiry and last keepalive.</summary>
    public void Restore(DeviceEntry entry)
    {
        var now = _time.GetUtcNow();
        lock (entry.Gate)
        {
            var lastAlive = entry.Record.LastKeepaliveAt is { } k && k > entry.Record.RegisteredAt ? k : entry.Record.RegisteredAt;
            entry.LastAliveAt = lastAlive;
            var online = entry.IsRegistered(now) && now - lastAlive < KeepaliveTimeout;
            entry.Record = entry.Record with { Online = online };
            if (online)
            {
                Arm(entry, now);
            }
            else
            {
                CatalogSynchronizer.MarkAllOff(entry); // it went offline while the gateway was down
            }
        }
    }

    /// <summary>(Re)arms the presence timer for the earlier deadline; caller holds the gate.</summary>
    private void Arm(DeviceEntry entry, DateTimeOffset now)
    {
        var deadline = entry.LastAliveAt + KeepaliveTimeout;
        if (entry.Record.ExpiresAt < deadline)
        {
            deadline = entry.Record.ExpiresAt;
        }

        var due = deadline - now;
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (entry.PresenceTimer is null)
        {
            entry.PresenceTimer = _time.CreateTimer(static s => ((Tuple<DevicePresence, DeviceEntry>)s!).Item1.OnTimer(((Tuple<DevicePresence, DeviceEntry>)s!).Item2),
                Tuple.Create(this, entry), due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            entry.PresenceTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer(DeviceEntry entry)
    {
        var now = _time.GetUtcNow();
        DeviceOfflineReason reason;
        lock (entry.Gate)
        {
            if (!entry.Record.Online)
            {
                return;
            }

            if (!entry.IsRegistered(now))
            {
                reason = DeviceOfflineReason.RegistrationExpired;
            }
            else if (now - entry.LastAliveAt >= KeepaliveTimeout)
            {
                reason = DeviceOfflineReason.KeepaliveTimeout;
            }
            else
            {
                Arm(entry, now);
                return;
            }
        }

        _ = GoOfflineAsync(entry, reason, now, force: false).AsTask();
    }

    private async ValueTask GoOfflineAsync(DeviceEntry entry, DeviceOfflineReason reason, DateTimeOffset now, bool force)
    {
        IReadOnlyList<Protocol.Manscdp.CatalogItem> changes;
        DeviceRecord record;
        bool wasOnline;
        lock (entry.Gate)
        {
            wasOnline = entry.Record.Online;
            if (!wasOnline && !force)
            {
                return;
            }

            entry.Generation++;
            entry.PresenceTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            changes = wasOnline ? CatalogSynchronizer.MarkAllOff(entry) : [];
            record = entry.Record = entry.Record with { Online = false };
        }

        _catalogs.Stop(entry);
        await _store.SaveDeviceAsync(record);
        if (!wasOnline)
        {
            return;
        }

        LowerLog.Offline(_logger, entry.DeviceId, reason);
        _bus.Publish(new DeviceOfflineEvent(entry.DeviceId, reason) { Timestamp = now });
        if (changes.Count > 0)
        {
            _bus.Publish(new ChannelsChangedEvent(entry.DeviceId, changes) { Timestamp = now });
        }
    }
}
