using System.Threading.Channels;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// What happens below, forwarded to every platform that may see it: channel changes as catalog NOTIFYs in
/// the platform's catalog subscription, alarms and positions as NOTIFY in its subscription of that kind or,
/// without one, as MESSAGE (what most platforms expect). Channel IDs are mapped; unshared channels stay below.
/// </summary>
internal sealed partial class UpperDomain
{
    private async Task RunEventsAsync(ChannelReader<GatewayEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var gatewayEvent in events.ReadAllAsync(cancellationToken))
            {
                foreach (var platform in _platforms.Values)
                {
                    try
                    {
                        switch (gatewayEvent)
                        {
                            case ChannelsChangedEvent changed:
                                await ForwardChannelChangesAsync(platform, changed, cancellationToken);
                                if (_devices.FindDevice(changed.DeviceId) is { Online: true })
                                {
                                    AddDeviceSubscriptions(platform, changed.DeviceId); // a device whose channels became shared, or new to the gateway
                                }

                                break;
                            case DeviceAlarmEvent alarm:
                                await ForwardAlarmAsync(platform, alarm, cancellationToken);
                                break;
                            case MobilePositionEvent position:
                                await ForwardPositionAsync(platform, position, cancellationToken);
                                break;
                            case DeviceOnlineEvent online:
                                AddDeviceSubscriptions(platform, online.DeviceId);
                                break;
                            case PlatformLostEvent lost when lost.Platform == platform.Name:
                                EndDeviceSubscriptions(platform, "platform lost: " + lost.Reason);
                                break;
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        UpperLog.EventFailed(_logger, gatewayEvent.GetType().Name, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ForwardChannelChangesAsync(PlatformContext platform, ChannelsChangedEvent changed, CancellationToken cancellationToken)
    {
        if (changed.Changes.Any(i => i.EventKind is CatalogEvent.Add or CatalogEvent.Delete))
        {
            _ = await platform.Projection.BuildAsync(cancellationToken); // new channels get their upper IDs now; the shared count follows
        }

        var subscription = platform.Subscriptions.Get(PlatformSubscriptionKind.Catalog, _time.GetUtcNow());
        if (subscription is null)
        {
            return;
        }

        var items = new List<CatalogItem>();
        foreach (var item in changed.Changes)
        {
            var channel = new ChannelRef(changed.DeviceId, item.DeviceId);
            if (PlatformCatalogProjection.IsChannel(changed.DeviceId, item) && platform.Projection.IsShared(channel))
            {
                items.Add(platform.Projection.Project(item, await platform.Projection.MapAsync(channel, cancellationToken)));
            }
        }

        if (items.Count == 0)
        {
            return;
        }

        var notify = new CatalogNotify { Sn = platform.Session.NextSn(), DeviceId = platform.Options.DeviceId, SumNum = items.Count, Items = items };
        var bodies = ManscdpCodec.Split(notify, Math.Max(1, platform.Options.Catalog.ItemsPerMessage), platform.MaxBodyBytes, platform.Charset);
        foreach (var body in bodies)
        {
            if (!await NotifyAsync(platform, subscription, body, cancellationToken))
            {
                return;
            }
        }
    }

    private async Task ForwardAlarmAsync(PlatformContext platform, DeviceAlarmEvent alarm, CancellationToken cancellationToken)
    {
        var channel = new ChannelRef(alarm.DeviceId, alarm.Alarm.DeviceId);
        var upper = await MapKnownChannelAsync(platform, channel, cancellationToken);
        if (upper is null)
        {
            UpperLog.NotShared(_logger, platform.Name, ManscdpCmdType.Alarm, alarm.DeviceId, alarm.Alarm.DeviceId);
            return;
        }

        var message = alarm.Alarm with { Sn = platform.Session.NextSn(), DeviceId = upper };
        await NotifyOrSendAsync(platform, PlatformSubscriptionKind.Alarm, message, cancellationToken);
    }

    private async Task ForwardPositionAsync(PlatformContext platform, MobilePositionEvent position, CancellationToken cancellationToken)
    {
        var report = position.Position;
        var positions = new List<MobilePosition>();
        foreach (var item in report.Positions)
        {
            if (platform.Projection.TryMapUp(new ChannelRef(position.DeviceId, item.DeviceId), out var upperItem))
            {
                positions.Add(item with { DeviceId = upperItem });
            }
        }

        string? upper = null;
        if (!platform.Projection.TryMapUp(new ChannelRef(position.DeviceId, report.DeviceId), out upper) && positions.Count == 0)
        {
            UpperLog.NotShared(_logger, platform.Name, ManscdpCmdType.MobilePosition, position.DeviceId, report.DeviceId);
            return;
        }

        var message = report with
        {
            Sn = platform.Session.NextSn(),
            DeviceId = upper ?? positions[0].DeviceId,
            Positions = positions,
            SumNum = report.SumNum is null ? null : positions.Count,
        };
        await NotifyOrSendAsync(platform, PlatformSubscriptionKind.MobilePosition, message, cancellationToken);
    }

    /// <summary>The channel's upper ID when it is a shared channel of the device (assigned now if it never was), else null.</summary>
    private async Task<string?> MapKnownChannelAsync(PlatformContext platform, ChannelRef channel, CancellationToken cancellationToken)
    {
        if (platform.Projection.TryMapUp(channel, out var upper))
        {
            return upper;
        }

        var known = _devices.GetChannels(channel.DeviceId).FirstOrDefault(i => string.Equals(i.DeviceId, channel.ChannelId, StringComparison.Ordinal));
        return known is not null && PlatformCatalogProjection.IsChannel(channel.DeviceId, known) && platform.Projection.IsShared(channel)
            ? await platform.Projection.MapAsync(channel, cancellationToken)
            : null;
    }

    private async Task NotifyOrSendAsync(PlatformContext platform, PlatformSubscriptionKind kind, ManscdpMessage message, CancellationToken cancellationToken)
    {
        var body = ManscdpCodec.Encode(message, platform.Charset);
        if (platform.Subscriptions.Get(kind, _time.GetUtcNow()) is { } subscription)
        {
            await NotifyAsync(platform, subscription, body, cancellationToken);
            return;
        }

        if (!platform.Session.IsRegistered)
        {
            return;
        }

        var answer = await platform.Signalling.SendMessageAsync(body, cancellationToken);
        if (!answer.IsSuccess)
        {
            UpperLog.NotifyFailed(_logger, platform.Name, message.CmdType, answer);
        }
    }
}
