using System.Collections.Concurrent;
using System.Globalization;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// SUBSCRIBEs to devices (Catalog, Alarm, MobilePosition): sent once, refreshed in the dialog at 4/5 of the
/// granted expiry, ended when the device goes offline or re-registers, and dropped (not retried) when the
/// device refuses the SUBSCRIBE or a refresh: a device that does not do subscriptions is simply not subscribed.
/// At shutdown <see cref="EndAllAsync"/> ends each one with SUBSCRIBE Expires: 0 in its dialog (RFC 6665 §4.1.2.3).
/// </summary>
internal sealed partial class DeviceSubscriptions : IDisposable
{
    private readonly SipOptions _options;
    private readonly GatewaySipEndpoints _endpoints;
    private readonly ManscdpCorrelator _correlator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string DeviceId, string Package), Subscription> _active = new();

    public DeviceSubscriptions(IOptions<GatewayOptions> options, GatewaySipEndpoints endpoints, ManscdpCorrelator correlator, TimeProvider time,
        ILogger<DeviceSubscriptions> logger)
    {
        _options = options.Value.Sip;
        _endpoints = endpoints;
        _correlator = correlator;
        _time = time;
        _logger = logger;
    }

    public bool IsSubscribed(string deviceId, string package) => _active.ContainsKey((deviceId, package));

    /// <summary>Subscribes; throws <see cref="DeviceRequestException"/> (Rejected/Timeout) when the device refuses.</summary>
    public async Task SubscribeAsync(DeviceEntry entry, string package, ManscdpMessage body, TimeSpan duration, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Clamp(duration.TotalSeconds, 1, int.MaxValue);
        var agent = _endpoints.Lower;
        var request = agent.CreateRequest(SipMethod.Subscribe, DeviceClient.RequestUri(entry),
            new SipNameAddress(SipUri.Create(_options.DeviceId, _options.Domain)), new SipNameAddress(SipUri.Create(entry.DeviceId, _options.Domain)), entry.EndPoint);
        var eventValue = package + ";id=" + body.Sn.ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(SipHeaderKind.Event, eventValue);
        request.Expires = seconds;
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = ManscdpCodec.Encode(body, entry.Charset);
        var result = await agent.SubscribeAsync(request, entry.EndPoint, null, cancellationToken);
        if (result.Dialog is not { } dialog)
        {
            LowerLog.SubscribeRefused(_logger, entry.DeviceId, package, result.StatusCode);
            var error = result.StatusCode == SipStatus.RequestTimeout ? DeviceRequestError.Timeout : DeviceRequestError.Rejected;
            throw new DeviceRequestException(entry.DeviceId, error, $"device {entry.DeviceId} answered the {package} SUBSCRIBE with {result.StatusCode} {result.Response.ReasonPhrase}", result.StatusCode);
        }

        var granted = result.Response.Expires is > 0 and var g ? g : seconds;
        var subscription = new Subscription(this, entry, package, eventValue, body, seconds, dialog, entry.Generation);
        if (_active.TryRemove((entry.DeviceId, package), out var previous))
        {
            previous.Stop();
        }

        _active[(entry.DeviceId, package)] = subscription;
        subscription.Schedule(granted);
        LowerLog.Subscribed(_logger, entry.DeviceId, package, granted);
    }

    /// <summary>Ends every subscription of the device (it went offline or registered again).</summary>
    public void StopAll(string deviceId)
    {
        foreach (var key in _active.Keys)
        {
            if (key.DeviceId == deviceId && _active.TryRemove(key, out var subscription))
            {
                subscription.Stop();
            }
        }
    }

    /// <summary>A NOTIFY said the subscription is terminated.</summary>
    public void Terminated(SipDialog dialog)
    {
        foreach (var (key, subscription) in _active)
        {
            if (ReferenceEquals(subscription.Dialog, dialog) && _active.TryRemove(key, out _))
            {
                subscription.Stop();
            }
        }
    }

    /// <summary>
    /// Ends every active subscription with a SUBSCRIBE Expires: 0 in its dialog (RFC 6665 §4.1.2.3), all in parallel,
    /// and waits at most <paramref name="deadline"/> (or until <paramref name="cancellationToken"/>, the host's
    /// shutdown timeout) for the answers: a device that does not answer cannot hold shutdown. Every dialog is
    /// terminated locally whatever the answer.
    /// </summary>
    public async Task<SubscriptionsEnded> EndAllAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var ending = new List<Subscription>();
        foreach (var key in _active.Keys)
        {
            if (_active.TryRemove(key, out var subscription))
            {
                subscription.StopTimer();
                ending.Add(subscription);
            }
        }

        if (ending.Count == 0)
        {
            return default;
        }

        using var timeout = new CancellationTokenSource(deadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var outcomes = await Task.WhenAll(ending.Select(s => UnsubscribeAsync(s, linked.Token)));
        var ended = outcomes.Count(o => o == EndOutcome.Ended);
        var refused = outcomes.Count(o => o == EndOutcome.Refused);
        return new SubscriptionsEnded(ended, refused, outcomes.Length - ended - refused);
    }

    public void Dispose()
    {
        foreach (var key in _active.Keys)
        {
            if (_active.TryRemove(key, out var subscription))
            {
                subscription.Stop();
            }
        }
    }

    private async Task RefreshAsync(Subscription subscription)
    {
        var entry = subscription.Entry;
        if (entry.Generation != subscription.Generation || !entry.Record.Online || subscription.Dialog.State == SipDialogState.Terminated)
        {
            Drop(subscription, 0);
            return;
        }

        var request = InDialogSubscribe(subscription, subscription.Seconds);
        var response = await subscription.Dialog.SendRequestAsync(request);
        if (!response.IsSuccess)
        {
            Drop(subscription, response.StatusCode);
            return;
        }

        subscription.Schedule(response.Expires is > 0 and var g ? g : subscription.Seconds);
    }

    /// <summary>
    /// A SUBSCRIBE in the subscription's dialog (next CSeq, both tags) with <paramref name="expires"/>, the Event of the
    /// initial SUBSCRIBE (package and id name the subscription, RFC 6665 §4.1.2.1-4.1.2.3) and the query body under a
    /// fresh SN: devices that parse the body of every SUBSCRIBE get one, the unsubscribe included.
    /// </summary>
    private SipRequest InDialogSubscribe(Subscription subscription, int expires)
    {
        var request = subscription.Dialog.CreateRequest(SipMethod.Subscribe);
        var body = subscription.Body switch
        {
            CatalogQuery q => q with { Sn = _correlator.NextSn() },
            AlarmQuery q => q with { Sn = _correlator.NextSn() },
            MobilePositionQuery q => q with { Sn = _correlator.NextSn() },
            var other => other,
        };
        request.Headers.Add(SipHeaderKind.Event, subscription.Event);
        request.Expires = expires;
        request.ContentType = ManscdpCodec.ContentType;
        request.Body = ManscdpCodec.Encode(body, subscription.Entry.Charset);
        return request;
    }

    private async Task<EndOutcome> UnsubscribeAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            if (subscription.Dialog.State == SipDialogState.Terminated)
            {
                return EndOutcome.Ended; // the device ended it (NOTIFY terminated) while we were collecting
            }

            var response = await subscription.Dialog.SendRequestAsync(InDialogSubscribe(subscription, 0), null, cancellationToken);
            return response.StatusCode switch
            {
                >= 200 and < 300 or SipStatus.CallOrTransactionDoesNotExist => EndOutcome.Ended,
                SipStatus.RequestTimeout or SipStatus.ServiceUnavailable => EndOutcome.Unanswered,
                _ => EndOutcome.Refused,
            };
        }
        catch (OperationCanceledException)
        {
            return EndOutcome.Unanswered;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or SipMessageException)
        {
            LowerLog.BackgroundFailed(_logger, subscription.Entry.DeviceId, ex);
            return EndOutcome.Unanswered;
        }
        finally
        {
            subscription.Dialog.Terminate();
        }
    }

    private void Drop(Subscription subscription, int status)
    {
        if (_active.TryGetValue((subscription.Entry.DeviceId, subscription.Package), out var current) && ReferenceEquals(current, subscription))
        {
            _active.TryRemove((subscription.Entry.DeviceId, subscription.Package), out _);
        }

        if (status != 0)
        {
            LowerLog.SubscribeRefused(_logger, subscription.Entry.DeviceId, subscription.Package, status);
        }

        subscription.Stop();
    }

    private sealed class Subscription
    {
        private readonly DeviceSubscriptions _owner;
        private ITimer? _timer;
        private bool _stopped;

        public Subscription(DeviceSubscriptions owner, DeviceEntry entry, string package, string eventValue, ManscdpMessage body, int seconds, SipDialog dialog,
            int generation)
        {
            _owner = owner;
            Entry = entry;
            Package = package;
            Event = eventValue;
            Body = body;
            Seconds = seconds;
            Dialog = dialog;
            Generation = generation;
        }

        public DeviceEntry Entry { get; }

        public string Package { get; }

        /// <summary>The Event header value of the initial SUBSCRIBE (package;id=...), repeated in refreshes and the unsubscribe.</summary>
        public string Event { get; }

        public ManscdpMessage Body { get; }

        public int Seconds { get; }

        public SipDialog Dialog { get; }

        public int Generation { get; }

        /// <summary>Refresh at 4/5 of the granted expiry (at least 1 s before it).</summary>
        public void Schedule(int grantedSeconds)
        {
            if (Volatile.Read(ref _stopped))
            {
                return; // a refresh answered after shutdown or StopAll took the subscription
            }

            var due = TimeSpan.FromSeconds(Math.Max(1, Math.Min(grantedSeconds * 4 / 5, grantedSeconds - 1)));
            _timer?.Dispose();
            _timer = _owner._time.CreateTimer(static s => ((Subscription)s!).Fire(), this, due, Timeout.InfiniteTimeSpan);
        }

        public void Stop()
        {
            StopTimer();
            Dialog.Terminate();
        }

        public void StopTimer()
        {
            Volatile.Write(ref _stopped, true);
            _timer?.Dispose();
        }

        private void Fire() => _ = FireAsync();

        private async Task FireAsync()
        {
            try
            {
                await _owner.RefreshAsync(this);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or SipMessageException)
            {
                _owner.Drop(this, 0);
                LowerLog.BackgroundFailed(_owner._logger, Entry.DeviceId, ex);
            }
        }
    }
}

/// <summary>What <see cref="DeviceSubscriptions.EndAllAsync"/> achieved: answered 2xx (or 481: already gone), refused with another status, not answered in time.</summary>
internal readonly record struct SubscriptionsEnded(int Ended, int Refused, int Unanswered)
{
    public int Total => Ended + Refused + Unanswered;
}

internal enum EndOutcome
{
    Ended,
    Refused,
    Unanswered,
}
