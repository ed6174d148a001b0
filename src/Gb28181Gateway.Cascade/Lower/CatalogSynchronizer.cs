using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Keeps each device's catalog: DeviceInfo and Catalog queried when it comes online, again every
/// <c>CatalogRefreshSeconds</c>; a catalog SUBSCRIBE kept while it is online; catalog notifications applied.
/// Every change is written to the store and published as a <see cref="ChannelsChangedEvent"/>.
/// </summary>
internal sealed class CatalogSynchronizer
{
    private readonly SipOptions _options;
    private readonly DeviceClient _client;
    private readonly DeviceSubscriptions _subscriptions;
    private readonly DeviceDirectory _directory;
    private readonly IStateStore _store;
    private readonly IGatewayEventBus _bus;
    private readonly ManscdpCorrelator _correlator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CatalogSynchronizer(IOptions<GatewayOptions> options, DeviceClient client, DeviceSubscriptions subscriptions, DeviceDirectory directory,
        IStateStore store, IGatewayEventBus bus, ManscdpCorrelator correlator, TimeProvider time, ILogger<CatalogSynchronizer> logger)
    {
        _options = options.Value.Sip;
        _client = client;
        _subscriptions = subscriptions;
        _directory = directory;
        _store = store;
        _bus = bus;
        _correlator = correlator;
        _time = time;
        _logger = logger;
    }

    /// <summary>The device came online (or restarted): query DeviceInfo and Catalog in the background, make its held subscriptions again.</summary>
    public void Start(DeviceEntry entry)
    {
        _subscriptions.Resume(entry); // held Alarm/MobilePosition subscriptions (platforms') are made again
        _ = Task.Run(() => RunAsync(entry, withDeviceInfo: true)); // off the SIP handler path
    }

    /// <summary>The device went offline: no more refreshes or subscriptions.</summary>
    public void Stop(DeviceEntry entry)
    {
        lock (entry.Gate)
        {
            entry.CatalogTimer?.Dispose();
            entry.CatalogTimer = null;
        }

        _subscriptions.StopAll(entry.DeviceId);
    }

    /// <summary>The synchronization of one device; completes when DeviceInfo, Catalog and the subscription are done.</summary>
    internal async Task RunAsync(DeviceEntry entry, bool withDeviceInfo)
    {
        int generation;
        lock (entry.Gate)
        {
            if (entry.Synchronizing)
            {
                return;
            }

            entry.Synchronizing = true;
            generation = entry.Generation;
        }

        try
        {
            if (withDeviceInfo)
            {
                await QueryDeviceInfoAsync(entry);
            }

            await QueryCatalogAsync(entry, generation);
            await SubscribeAsync(entry, generation);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LowerLog.BackgroundFailed(_logger, entry.DeviceId, ex);
        }
        finally
        {
            bool again;
            lock (entry.Gate)
            {
                entry.Synchronizing = false;
                again = entry.Generation != generation && entry.Record.Online; // it restarted or came back meanwhile: its catalog is stale
                if (!again && entry.Record.Online && _options.CatalogRefreshSeconds > 0)
                {
                    entry.CatalogTimer?.Dispose();
                    entry.CatalogTimer = _time.CreateTimer(static s => Refresh(s), (this, entry), TimeSpan.FromSeconds(_options.CatalogRefreshSeconds), Timeout.InfiniteTimeSpan);
                }
            }

            if (again)
            {
                _ = RunAsync(entry, withDeviceInfo: true);
            }
        }
    }

    private static void Refresh(object? state)
    {
        var (self, entry) = ((CatalogSynchronizer, DeviceEntry))state!;
        _ = self.RunAsync(entry, withDeviceInfo: false);
    }

    private async Task QueryDeviceInfoAsync(DeviceEntry entry)
    {
        DeviceInfoResponse info;
        try
        {
            info = await _client.QueryDeviceInfoAsync(entry.DeviceId);
        }
        catch (DeviceRequestException ex)
        {
            LowerLog.DeviceInfoFailed(_logger, entry.DeviceId, ex.Message);
            return;
        }

        DeviceRecord record;
        lock (entry.Gate)
        {
            record = entry.Record = entry.Record with
            {
                Name = info.DeviceName ?? entry.Record.Name,
                Manufacturer = info.Manufacturer ?? entry.Record.Manufacturer,
                Model = info.Model ?? entry.Record.Model,
                Firmware = info.Firmware ?? entry.Record.Firmware,
            };
        }

        await _store.SaveDeviceAsync(record);
    }

    private async Task QueryCatalogAsync(DeviceEntry entry, int generation)
    {
        if (entry.Generation != generation)
        {
            return; // it re-registered or went offline meanwhile: a new synchronization follows
        }

        CatalogResult result;
        try
        {
            result = await _client.QueryCatalogCoreAsync(entry.DeviceId, keepPartial: true, CancellationToken.None);
        }
        catch (DeviceRequestException ex) when (ex.Error == DeviceRequestError.BadAnswer)
        {
            LowerLog.CatalogRefused(_logger, entry.DeviceId, ex.Message, entry.Channels.Count);
            return;
        }
        catch (DeviceRequestException ex)
        {
            LowerLog.CatalogQueryFailed(_logger, entry.DeviceId, ex.Message);
            return;
        }

        if (!result.Complete)
        {
            LowerLog.CatalogIncomplete(_logger, entry.DeviceId, result.Items.Count, result.SumNum);
        }

        if (entry.Generation == generation)
        {
            await ApplyCatalogAsync(entry, result.Items);
        }
    }

    private async Task SubscribeAsync(DeviceEntry entry, int generation)
    {
        if (_options.CatalogSubscriptionSeconds <= 0 || entry.Generation != generation || !entry.Record.Online
            || entry.CatalogSubscribeRefused == generation || _subscriptions.IsSubscribed(entry.DeviceId, ManscdpCmdType.Catalog))
        {
            return;
        }

        try
        {
            await _subscriptions.SubscribeAsync(entry, ManscdpCmdType.Catalog, new CatalogQuery { Sn = _correlator.NextSn(), DeviceId = entry.DeviceId },
                TimeSpan.FromSeconds(_options.CatalogSubscriptionSeconds), CancellationToken.None);
        }
        catch (DeviceRequestException)
        {
            // logged by DeviceSubscriptions; not asked again (catalog refreshes included) until it registers or comes back again
            entry.CatalogSubscribeRefused = generation;
        }
    }

    /// <summary>A complete (or timed-out partial) catalog replaces the device's channels.</summary>
    internal async Task ApplyCatalogAsync(DeviceEntry entry, IReadOnlyList<CatalogItem> items)
    {
        var changes = new List<CatalogItem>();
        int added = 0, removed = 0, changed = 0;
        DeviceRecord record;
        lock (entry.Gate)
        {
            var previous = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
            foreach (var item in entry.Channels)
            {
                previous[item.DeviceId] = item;
            }

            foreach (var item in items)
            {
                if (!previous.Remove(item.DeviceId, out var old))
                {
                    added++;
                    changes.Add(item with { Event = "ADD" });
                }
                else if (!old.Equals(item))
                {
                    changed++;
                    changes.Add(item with { Event = "UPDATE" });
                }
            }

            foreach (var gone in previous.Values)
            {
                removed++;
                changes.Add(gone with { Event = "DEL" });
            }

            _directory.SetChannels(entry, items);
            record = entry.Record = entry.Record with { ChannelCount = items.Count, CatalogUpdatedAt = _time.GetUtcNow() };
        }

        LowerLog.CatalogUpdated(_logger, entry.DeviceId, items.Count, added, removed, changed);
        await _store.SaveCatalogAsync(new DeviceCatalog(entry.DeviceId, items));
        await _store.SaveDeviceAsync(record);
        if (changes.Count > 0)
        {
            _bus.Publish(new ChannelsChangedEvent(entry.DeviceId, changes) { Timestamp = _time.GetUtcNow() });
        }
    }

    /// <summary>A catalog notification (NOTIFY or MESSAGE): ON/OFF update statuses, ADD/UPDATE/DEL the items.</summary>
    internal async Task ApplyNotifyAsync(DeviceEntry entry, CatalogList notify)
    {
        List<CatalogItem> channels;
        var changes = new List<CatalogItem>(notify.Items.Count);
        lock (entry.Gate)
        {
            channels = [.. entry.Channels];
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < channels.Count; i++)
            {
                index[channels[i].DeviceId] = i;
            }

            foreach (var item in notify.Items)
            {
                var found = index.TryGetValue(item.DeviceId, out var at);
                switch (item.EventKind)
                {
                    case CatalogEvent.On or CatalogEvent.Off when found:
                        channels[at] = channels[at] with { Status = item.EventKind == CatalogEvent.On ? "ON" : "OFF" };
                        break;
                    case CatalogEvent.Add or CatalogEvent.Update or CatalogEvent.None:
                        var full = item with { Event = null };
                        if (found)
                        {
                            channels[at] = full;
                        }
                        else if (channels.Count < DeviceClient.MaxItemsPerDevice)
                        {
                            index[item.DeviceId] = channels.Count;
                            channels.Add(full);
                        }

                        break;
                    case CatalogEvent.Delete when found:
                        channels.RemoveAt(at);
                        index.Clear();
                        for (var i = 0; i < channels.Count; i++)
                        {
                            index[channels[i].DeviceId] = i;
                        }

                        break;
                }

                changes.Add(item.Event is null ? item with { Event = "UPDATE" } : item);
            }

            _directory.SetChannels(entry, channels);
            entry.Record = entry.Record with { ChannelCount = channels.Count };
        }

        LowerLog.CatalogNotified(_logger, entry.DeviceId, changes.Count);
        await _store.SaveCatalogAsync(new DeviceCatalog(entry.DeviceId, channels));
        if (changes.Count > 0)
        {
            _bus.Publish(new ChannelsChangedEvent(entry.DeviceId, changes) { Timestamp = _time.GetUtcNow() });
        }
    }

    /// <summary>The device went offline: every channel OFF (caller holds the gate); returns the changes to publish.</summary>
    internal static IReadOnlyList<CatalogItem> MarkAllOff(DeviceEntry entry)
    {
        var channels = entry.Channels;
        if (channels.Count == 0)
        {
            return [];
        }

        var off = new CatalogItem[channels.Count];
        var changes = new CatalogItem[channels.Count];
        for (var i = 0; i < channels.Count; i++)
        {
            off[i] = channels[i] with { Status = "OFF" };
            changes[i] = off[i] with { Event = "OFF" };
        }

        entry.Channels = off; // same IDs: the channel index is unchanged
        return changes;
    }
}
