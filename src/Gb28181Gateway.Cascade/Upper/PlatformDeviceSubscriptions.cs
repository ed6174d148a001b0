using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Sip.Dialogs;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// The devices below that one platform's Alarm / MobilePosition subscription keeps subscribed: held in the lower domain
/// under the platform's name (<see cref="IDeviceClient.HoldSubscriptionAsync"/>), so a device several platforms want is
/// subscribed once and unsubscribed when the last of them ends. A scope is every device with shared channels (the
/// SUBSCRIBE's target is the gateway) or the one device owning the target channel. The scope ends when the platform's
/// subscription ends (Expires: 0, expiry without refresh, a NOTIFY showing the dialog is gone, the platform lost).
/// Holds and releases of one platform and kind run one step after the other, in the order they were asked for.
/// </summary>
internal sealed class PlatformDeviceSubscriptions : IDisposable
{
    private readonly string _platform;
    private readonly IDeviceClient _devices;
    private readonly PlatformSubscriptions _subscriptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<Func<CancellationToken, Task>> _track;
    private readonly CancellationToken _stopping;
    private readonly Dictionary<PlatformSubscriptionKind, Scope> _scopes = [];
    private Task _tail = Task.CompletedTask;

    public PlatformDeviceSubscriptions(string platform, IDeviceClient devices, PlatformSubscriptions subscriptions, TimeProvider time, ILogger logger,
        Action<Func<CancellationToken, Task>> track, CancellationToken stopping)
    {
        _stopping = stopping;
        _platform = platform;
        _devices = devices;
        _subscriptions = subscriptions;
        _time = time;
        _logger = logger;
        _track = track;
    }

    /// <summary>Completes when every hold and release asked for so far is done (tests).</summary>
    public Task Idle
    {
        get
        {
            lock (_scopes)
            {
                return _tail.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>The devices held for <paramref name="kind"/> (tests and diagnostics).</summary>
    public IReadOnlyCollection<string> HeldDevices(PlatformSubscriptionKind kind)
    {
        lock (_scopes)
        {
            return _scopes.TryGetValue(kind, out var scope) ? scope.Devices.ToList() : [];
        }
    }

    /// <summary>
    /// A subscription of <paramref name="subscription"/>'s kind was accepted: <paramref name="devices"/> (online, in
    /// scope) are held, and devices held for a previous subscription of that kind and not in the new scope are released.
    /// <paramref name="targetDevice"/> null: every device with shared channels is in scope.
    /// </summary>
    public void Begin(PlatformSubscription subscription, string? targetDevice, TimeSpan? interval, IReadOnlyCollection<string> devices)
    {
        var scope = new Scope(subscription.Dialog, targetDevice, interval);
        IReadOnlyList<string> released = [];
        lock (_scopes)
        {
            if (_scopes.Remove(subscription.Kind, out var previous))
            {
                previous.Timer?.Dispose();
                released = previous.Devices.Where(d => !devices.Contains(d)).ToList(); // the others are held again: a changed interval replaces the old one
            }

            scope.Devices.UnionWith(devices);
            _scopes[subscription.Kind] = scope;
            scope.Timer = _time.CreateTimer(static s => ((State)s!).Owner.CheckExpiry(((State)s!).Kind), new State(this, subscription.Kind), Due(subscription.ExpiresAt),
                Timeout.InfiniteTimeSpan);
        }

        UpperLog.DevicesSubscribing(_logger, _platform, subscription.Kind, devices.Count, targetDevice ?? "all shared");
        Enqueue(subscription.Kind, released, [.. devices], interval);
    }

    /// <summary>Whether <paramref name="deviceId"/> is in the scope of the platform's live <paramref name="kind"/> subscription.</summary>
    public bool Covers(PlatformSubscriptionKind kind, string deviceId)
    {
        lock (_scopes)
        {
            return _scopes.TryGetValue(kind, out var scope) && (scope.TargetDevice is null || scope.TargetDevice == deviceId);
        }
    }

    /// <summary>A device in scope came online or got shared channels: held unless it is already.</summary>
    public void Add(PlatformSubscriptionKind kind, string deviceId)
    {
        TimeSpan? interval;
        lock (_scopes)
        {
            if (!_scopes.TryGetValue(kind, out var scope) || (scope.TargetDevice is not null && scope.TargetDevice != deviceId) || !scope.Devices.Add(deviceId))
            {
                return;
            }

            interval = scope.Interval;
        }

        Enqueue(kind, [], [deviceId], interval);
    }

    /// <summary>The subscription was refreshed: its expiry moves.</summary>
    public void Refreshed(PlatformSubscription subscription)
    {
        lock (_scopes)
        {
            if (_scopes.TryGetValue(subscription.Kind, out var scope) && ReferenceEquals(scope.Dialog, subscription.Dialog))
            {
                scope.Timer?.Change(Due(subscription.ExpiresAt), Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The platform's <paramref name="kind"/> subscription ended (in <paramref name="dialog"/>, or whichever when null): every device is released.</summary>
    public void End(PlatformSubscriptionKind kind, SipDialog? dialog, string reason)
    {
        Scope? scope;
        lock (_scopes)
        {
            if (!_scopes.TryGetValue(kind, out scope) || (dialog is not null && !ReferenceEquals(scope.Dialog, dialog)))
            {
                return;
            }

            _scopes.Remove(kind);
            scope.Timer?.Dispose();
        }

        UpperLog.DevicesReleased(_logger, _platform, kind, reason, scope.Devices.Count);
        Enqueue(kind, [.. scope.Devices], [], null);
    }

    /// <summary>Ends every scope held in <paramref name="dialog"/> (a NOTIFY showed the platform dropped it).</summary>
    public void EndDialog(SipDialog dialog, string reason)
    {
        foreach (var kind in Enum.GetValues<PlatformSubscriptionKind>())
        {
            End(kind, dialog, reason);
        }
    }

    public void Dispose()
    {
        lock (_scopes)
        {
            foreach (var scope in _scopes.Values)
            {
                scope.Timer?.Dispose();
            }
        }
    }

    internal static SubscriptionPackage PackageOf(PlatformSubscriptionKind kind) => kind switch
    {
        PlatformSubscriptionKind.Alarm => SubscriptionPackage.Alarm,
        PlatformSubscriptionKind.MobilePosition => SubscriptionPackage.MobilePosition,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only Alarm and MobilePosition subscriptions are passed on to devices"),
    };

    private TimeSpan Due(DateTimeOffset expiresAt)
    {
        var due = expiresAt - _time.GetUtcNow();
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>The expiry timer fired: a subscription refreshed in time moves on, one that was not ends.</summary>
    private void CheckExpiry(PlatformSubscriptionKind kind)
    {
        Scope? scope;
        lock (_scopes)
        {
            if (!_scopes.TryGetValue(kind, out scope))
            {
                return;
            }
        }

        var live = _subscriptions.Get(kind, _time.GetUtcNow());
        if (live is not null && ReferenceEquals(live.Dialog, scope.Dialog))
        {
            lock (_scopes)
            {
                scope.Timer?.Change(Due(live.ExpiresAt), Timeout.InfiniteTimeSpan);
            }

            return;
        }

        End(kind, scope.Dialog, "expired without refresh");
    }

    /// <summary>Releases then holds, after every earlier step of this platform.</summary>
    private void Enqueue(PlatformSubscriptionKind kind, IReadOnlyList<string> release, IReadOnlyList<string> hold, TimeSpan? interval)
    {
        if (release.Count == 0 && hold.Count == 0)
        {
            return;
        }

        var package = PackageOf(kind);
        Task step;
        lock (_scopes)
        {
            step = _tail = RunAsync(_tail, package, release, hold, interval, _stopping);
        }

        _track(_ => step);
    }

    private async Task RunAsync(Task previous, SubscriptionPackage package, IReadOnlyList<string> release, IReadOnlyList<string> hold, TimeSpan? interval,
        CancellationToken cancellationToken)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding); // never runs inside Enqueue's lock
        await Task.WhenAll(release.Select(d => StepAsync(d, package, hold: false, interval, cancellationToken)));
        await Task.WhenAll(hold.Select(d => StepAsync(d, package, hold: true, interval, cancellationToken)));
    }

    private async Task StepAsync(string deviceId, SubscriptionPackage package, bool hold, TimeSpan? interval, CancellationToken cancellationToken)
    {
        try
        {
            if (hold)
            {
                await _devices.HoldSubscriptionAsync(deviceId, package, _platform, interval, cancellationToken);
            }
            else
            {
                await _devices.ReleaseSubscriptionAsync(deviceId, package, _platform, cancellationToken);
            }
        }
        catch (DeviceRequestException ex)
        {
            UpperLog.DeviceSubscribeFailed(_logger, _platform, package, deviceId, ex.Message);
        }
    }

    private sealed record State(PlatformDeviceSubscriptions Owner, PlatformSubscriptionKind Kind);

    private sealed class Scope(SipDialog dialog, string? targetDevice, TimeSpan? interval)
    {
        public SipDialog Dialog { get; } = dialog;

        public string? TargetDevice { get; } = targetDevice;

        public TimeSpan? Interval { get; } = interval;

        public HashSet<string> Devices { get; } = new(StringComparer.Ordinal);

        public ITimer? Timer { get; set; }
    }
}
