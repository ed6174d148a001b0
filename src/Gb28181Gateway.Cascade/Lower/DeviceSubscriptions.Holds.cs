using System.Collections.Concurrent;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Dialogs;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Held subscriptions: several holders (platforms) may want the same device's Alarm or MobilePosition subscription;
/// the device is subscribed once while at least one holder holds it, and unsubscribed (Expires: 0) when the last one
/// releases it. A hold outlives the device going offline: when the device comes back (<see cref="Resume"/>) it is
/// subscribed again. MobilePosition uses the smallest Interval any holder asked for; when that changes the device is
/// unsubscribed and subscribed again with the new one. One device-package at a time (a gate per key), so a hold
/// and a release racing each other leave the device in the state the last of them asks for.
/// </summary>
internal sealed partial class DeviceSubscriptions
{
    /// <summary>Expires asked of devices for held subscriptions; refreshed in the dialog at 4/5 of what is granted.</summary>
    internal static readonly TimeSpan HeldDuration = TimeSpan.FromHours(1);

    /// <summary>The GB/T 28181 default MobilePosition interval, used when no holder asked for one.</summary>
    internal const int DefaultPositionInterval = 5;

    private readonly ConcurrentDictionary<(string DeviceId, string Package), Demand> _demands = new();

    internal static string PackageName(SubscriptionPackage package) => package switch
    {
        SubscriptionPackage.Catalog => ManscdpCmdType.Catalog,
        SubscriptionPackage.Alarm => ManscdpCmdType.Alarm,
        SubscriptionPackage.MobilePosition => ManscdpCmdType.MobilePosition,
        _ => throw new ArgumentOutOfRangeException(nameof(package), package, "not a subscription package (Catalog, Alarm, MobilePosition)"),
    };

    /// <summary>The holders of the device's <paramref name="package"/> subscription (tests and diagnostics).</summary>
    public IReadOnlyCollection<string> HoldersOf(string deviceId, string package)
    {
        if (!_demands.TryGetValue((deviceId, package), out var demand))
        {
            return [];
        }

        lock (demand.Holders)
        {
            return demand.Holders.Keys.ToList();
        }
    }

    /// <summary>
    /// Adds <paramref name="holder"/> (again: its interval is updated) and, when <paramref name="entry"/> is given (the
    /// device is online), subscribes the device unless it already is with the right interval. A refusal throws
    /// <see cref="DeviceRequestException"/>; the hold stays, so the device is tried again when it next comes online.
    /// </summary>
    public async Task HoldAsync(string deviceId, DeviceEntry? entry, string package, string holder, int? interval, CancellationToken cancellationToken)
    {
        var demand = _demands.GetOrAdd((deviceId, package), static _ => new Demand());
        lock (demand.Holders)
        {
            demand.Holders[holder] = interval;
        }

        if (entry is not null)
        {
            await EnsureAsync(entry, package, demand, cancellationToken);
        }
    }

    /// <summary>
    /// Removes <paramref name="holder"/>; the last one out unsubscribes the device (SUBSCRIBE Expires: 0 in its dialog).
    /// False when <paramref name="holder"/> held nothing.
    /// </summary>
    public async Task<bool> ReleaseAsync(string deviceId, DeviceEntry? entry, string package, string holder, CancellationToken cancellationToken)
    {
        if (!_demands.TryGetValue((deviceId, package), out var demand))
        {
            return false;
        }

        lock (demand.Holders)
        {
            if (!demand.Holders.Remove(holder))
            {
                return false;
            }
        }

        if (entry is not null)
        {
            await EnsureAsync(entry, package, demand, cancellationToken);
        }
        else if (IsEmpty(demand))
        {
            await UnsubscribeAsync(deviceId, package, cancellationToken); // offline: the subscription is already gone; this only clears it
        }

        return true;
    }

    /// <summary>
    /// Ends the device's <paramref name="package"/> subscription with SUBSCRIBE Expires: 0 in its dialog, whoever holds it
    /// (holders stay: the device is subscribed again when it next comes online). False when none was active.
    /// </summary>
    public async Task<bool> UnsubscribeAsync(string deviceId, string package, CancellationToken cancellationToken)
    {
        var demand = _demands.GetOrAdd((deviceId, package), static _ => new Demand());
        await demand.Gate.WaitAsync(cancellationToken);
        try
        {
            return await EndAsync(deviceId, package, cancellationToken) is not null;
        }
        finally
        {
            demand.Gate.Release();
        }
    }

    /// <summary>The device came online or registered again: its held subscriptions are made again, in the background.</summary>
    public void Resume(DeviceEntry entry)
    {
        foreach (var ((deviceId, package), demand) in _demands)
        {
            if (deviceId == entry.DeviceId && !IsEmpty(demand))
            {
                _ = Task.Run(() => ResumeAsync(entry, package, demand)); // off the SIP handler path
            }
        }
    }

    private async Task ResumeAsync(DeviceEntry entry, string package, Demand demand)
    {
        try
        {
            await EnsureAsync(entry, package, demand, CancellationToken.None);
        }
        catch (DeviceRequestException)
        {
            // logged by SubscribeAsync (4041); tried again when the device next comes online
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or Sip.Messages.SipMessageException)
        {
            LowerLog.BackgroundFailed(_logger, entry.DeviceId, ex);
        }
    }

    /// <summary>Brings the device's subscription in line with its holders: none, or one with the smallest interval asked.</summary>
    private async Task EnsureAsync(DeviceEntry entry, string package, Demand demand, CancellationToken cancellationToken)
    {
        await demand.Gate.WaitAsync(cancellationToken);
        try
        {
            int? wanted;
            lock (demand.Holders)
            {
                wanted = demand.Holders.Count == 0 ? null
                    : package == ManscdpCmdType.MobilePosition ? demand.Holders.Values.Min(i => i ?? DefaultPositionInterval)
                    : 0;
            }

            var active = _active.TryGetValue((entry.DeviceId, package), out var current)
                && current.Generation == entry.Generation && current.Dialog.State != SipDialogState.Terminated;
            if (wanted is null)
            {
                await EndAsync(entry.DeviceId, package, cancellationToken);
                return;
            }

            if (active && demand.Interval == wanted)
            {
                return;
            }

            if (active)
            {
                await EndAsync(entry.DeviceId, package, cancellationToken); // the interval changed: a new subscription with the new body
            }

            if (!entry.Record.Online)
            {
                return;
            }

            ManscdpMessage body = package switch
            {
                ManscdpCmdType.MobilePosition => new MobilePositionQuery { Sn = _correlator.NextSn(), DeviceId = entry.DeviceId, Interval = wanted.Value },
                ManscdpCmdType.Alarm => new AlarmQuery { Sn = _correlator.NextSn(), DeviceId = entry.DeviceId, StartAlarmPriority = 1, EndAlarmPriority = 4 },
                _ => new CatalogQuery { Sn = _correlator.NextSn(), DeviceId = entry.DeviceId },
            };
            demand.Interval = null;
            await SubscribeAsync(entry, package, body, HeldDuration, cancellationToken);
            demand.Interval = wanted;
        }
        finally
        {
            demand.Gate.Release();
        }
    }

    /// <summary>Removes the active subscription and sends SUBSCRIBE Expires: 0 in its dialog; null when there was none.</summary>
    private async Task<EndOutcome?> EndAsync(string deviceId, string package, CancellationToken cancellationToken)
    {
        if (!_active.TryRemove((deviceId, package), out var subscription))
        {
            return null;
        }

        subscription.StopTimer();
        var outcome = await UnsubscribeAsync(subscription, cancellationToken);
        LowerLog.Unsubscribed(_logger, deviceId, package, outcome);
        return outcome;
    }

    private static bool IsEmpty(Demand demand)
    {
        lock (demand.Holders)
        {
            return demand.Holders.Count == 0;
        }
    }

    private sealed class Demand
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Holder → the interval it asked for (MobilePosition; null elsewhere or when it named none).</summary>
        public Dictionary<string, int?> Holders { get; } = new(StringComparer.Ordinal);

        /// <summary>The interval of the active subscription (0 for Alarm), null when none was made through a hold.</summary>
        public int? Interval { get; set; }
    }
}
