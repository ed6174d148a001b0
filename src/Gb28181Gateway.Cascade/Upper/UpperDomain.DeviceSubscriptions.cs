using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// A platform's Alarm / MobilePosition subscription passed on to the devices below (<see cref="PlatformDeviceSubscriptions"/>):
/// after the 2xx every online device owning channels shared with the platform is subscribed (or only the device owning
/// the SUBSCRIBE's target channel when the target is not the gateway), devices coming online later while it lives too;
/// MobilePosition carries the platform's Interval. The devices are released when the platform's subscription ends.
/// </summary>
internal sealed partial class UpperDomain
{
    private static readonly PlatformSubscriptionKind[] DeviceKinds = [PlatformSubscriptionKind.Alarm, PlatformSubscriptionKind.MobilePosition];

    private void BeginDeviceSubscriptions(PlatformContext platform, PlatformSubscription subscription, ManscdpMessage? body)
    {
        string? target = null;
        var targetId = body?.DeviceId;
        if (!string.IsNullOrEmpty(targetId) && targetId != platform.Options.DeviceId)
        {
            if (platform.Projection.TryMapDown(targetId, out var channel))
            {
                target = channel.DeviceId;
            }
            else
            {
                target = targetId; // a device by its own ID when it owns shared channels; else nothing below matches
                if (!HasSharedChannels(platform, targetId))
                {
                    UpperLog.UnknownSubscriptionTarget(_logger, platform.Name, subscription.Kind, targetId);
                }
            }
        }

        var interval = body is MobilePositionQuery { Interval: > 0 and var seconds } ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var devices = _devices.GetDevices()
            .Where(d => d.Online && (target is null || d.DeviceId == target) && HasSharedChannels(platform, d.DeviceId))
            .Select(d => d.DeviceId)
            .ToList();
        platform.DeviceSubscriptions.Begin(subscription, target, interval, devices);
    }

    /// <summary>A device came online or its channels changed: subscribed for every live platform subscription covering it.</summary>
    private void AddDeviceSubscriptions(PlatformContext platform, string deviceId)
    {
        foreach (var kind in DeviceKinds)
        {
            if (platform.DeviceSubscriptions.Covers(kind, deviceId) && HasSharedChannels(platform, deviceId))
            {
                platform.DeviceSubscriptions.Add(kind, deviceId);
            }
        }
    }

    /// <summary>A new SUBSCRIBE with Expires: 0 (outside the dialog): the platform's earlier subscription of that kind ends too.</summary>
    private void EndOutOfDialog(PlatformContext platform, PlatformSubscriptionKind kind)
    {
        if (platform.Subscriptions.Take(kind) is { } previous)
        {
            previous.Dialog.Terminate();
            UpperLog.Subscription(_logger, platform.Name, kind, "ended", 0);
        }

        platform.DeviceSubscriptions.End(kind, null, "unsubscribed outside the dialog");
    }

    /// <summary>The platform was lost: its Alarm / MobilePosition subscriptions are gone with it (it subscribes again once back).</summary>
    private void EndDeviceSubscriptions(PlatformContext platform, string reason)
    {
        foreach (var kind in DeviceKinds)
        {
            if (platform.Subscriptions.Take(kind) is { } subscription)
            {
                subscription.Dialog.Terminate();
                UpperLog.Subscription(_logger, platform.Name, kind, "ended (platform lost)", 0);
            }

            platform.DeviceSubscriptions.End(kind, null, reason);
        }
    }

    private bool HasSharedChannels(PlatformContext platform, string deviceId) =>
        _devices.GetChannels(deviceId).Any(i => PlatformCatalogProjection.IsChannel(deviceId, i) && platform.Projection.IsShared(new ChannelRef(deviceId, i.DeviceId)));
}
