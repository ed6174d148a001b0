using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Sip.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Starts the lower domain: loads the devices and catalogs the store kept (a device known from the store is
/// accepted at once, its online state counted from its expiry and last keepalive), then takes Device REGISTER,
/// MESSAGE and NOTIFY from the SIP endpoints. On shutdown stops the timers and ends the subscriptions to devices
/// with SUBSCRIBE Expires: 0, waiting at most <see cref="UnsubscribeDeadline"/> (less when the host's shutdown
/// timeout is shorter) for the answers.
/// </summary>
internal sealed class LowerDomainService : IHostedService
{
    /// <summary>How long shutdown waits for devices to answer the unsubscribing SUBSCRIBEs.</summary>
    public static readonly TimeSpan UnsubscribeDeadline = TimeSpan.FromSeconds(2);

    private readonly GatewaySipEndpoints _endpoints;
    private readonly DeviceDirectory _directory;
    private readonly DevicePresence _presence;
    private readonly DeviceRegistrar _registrar;
    private readonly DeviceMessageRouter _router;
    private readonly DeviceSubscriptions _subscriptions;
    private readonly IStateStore _store;
    private readonly ILogger _logger;

    public LowerDomainService(GatewaySipEndpoints endpoints, DeviceDirectory directory, DevicePresence presence, DeviceRegistrar registrar,
        DeviceMessageRouter router, DeviceSubscriptions subscriptions, IStateStore store, ILogger<LowerDomainService> logger)
    {
        _endpoints = endpoints;
        _directory = directory;
        _presence = presence;
        _registrar = registrar;
        _router = router;
        _subscriptions = subscriptions;
        _store = store;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var devices = await _store.LoadDevicesAsync(cancellationToken);
        var channels = 0;
        foreach (var record in devices)
        {
            var catalog = await _store.LoadCatalogAsync(record.DeviceId, cancellationToken);
            var entry = _directory.GetOrAdd(record.DeviceId, _ => new DeviceEntry(record));
            lock (entry.Gate)
            {
                _directory.SetChannels(entry, catalog.Items);
            }

            _presence.Restore(entry);
            channels += catalog.Items.Count;
        }

        LowerLog.Loaded(_logger, devices.Count, channels);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Register, _registrar.HandleAsync);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Message, _router.HandleMessageAsync);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Notify, _router.HandleNotifyAsync);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StopTimers();
        var ended = await _subscriptions.EndAllAsync(UnsubscribeDeadline, cancellationToken);
        if (ended.Total > 0)
        {
            LowerLog.SubscriptionsEnded(_logger, ended.Ended, ended.Total, ended.Refused, ended.Unanswered, UnsubscribeDeadline.TotalSeconds);
        }
    }

    private void StopTimers()
    {
        foreach (var entry in _directory.Entries)
        {
            lock (entry.Gate)
            {
                entry.PresenceTimer?.Dispose();
                entry.PresenceTimer = null;
                entry.CatalogTimer?.Dispose();
                entry.CatalogTimer = null;
            }
        }
    }
}
