using System.Globalization;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// SUBSCRIBE from platforms (Catalog, Alarm, MobilePosition): accepted with 200 carrying a MANSCDP Result,
/// tracked until expiry; an in-dialog SUBSCRIBE refreshes, <c>Expires: 0</c> ends it with a final NOTIFY.
/// A catalog subscription gets an initial NOTIFY (RFC 6665 §4.2.1.2) with the platform's current catalog, half a
/// second after the 200; changes follow (<see cref="ForwardChannelChangesAsync"/>).
/// </summary>
internal sealed partial class UpperDomain
{
    private const int DefaultSubscriptionSeconds = 3600;
    private const string CatalogEventAdd = "ADD";
    private const string TerminatedState = "terminated;reason=timeout";

    private static readonly TimeSpan InitialNotifyDelay = TimeSpan.FromMilliseconds(500);

    private async Task OnSubscribeAsync(GatewayRequest request)
    {
        var sip = request.Sip;
        if (request.Platform is null || !_platforms.TryGetValue(request.Platform, out var platform))
        {
            await sip.RespondAsync(SipStatus.NotFound);
            return;
        }

        int expires;
        try
        {
            expires = Math.Clamp(sip.Request.Expires ?? DefaultSubscriptionSeconds, 0, 86_400);
        }
        catch (SipMessageException)
        {
            await sip.RespondAsync(SipStatus.BadRequest, "Bad Expires");
            return;
        }

        var eventHeader = sip.Request.Headers.GetFirst(SipHeaderKind.Event) ?? "Catalog";
        if (sip.Dialog is { } existingDialog && sip.Request.To.Tag is not null)
        {
            await RefreshSubscriptionAsync(platform, sip, existingDialog, expires);
            return;
        }

        ManscdpMessage? body = null;
        try
        {
            body = sip.Request.Body.IsEmpty ? null : ManscdpCodec.Parse(sip.Request.Body.Span);
        }
        catch (ManscdpFormatException ex)
        {
            UpperLog.BadBody(_logger, platform.Name, ex.Message);
        }

        PlatformSubscriptionKind kind;
        switch (body)
        {
            case CatalogQuery:
                kind = PlatformSubscriptionKind.Catalog;
                break;
            case AlarmQuery:
                kind = PlatformSubscriptionKind.Alarm;
                break;
            case MobilePositionQuery:
                kind = PlatformSubscriptionKind.MobilePosition;
                break;
            default:
                if (!TryKindFromEvent(eventHeader, out kind))
                {
                    await sip.RespondAsync(SipStatus.BadEvent);
                    return;
                }

                break;
        }

        // One new subscription at a time per platform: the 2xx, the subscription's registration and the devices
        // passed down happen in the order the SUBSCRIBEs were accepted, so a later one always wins.
        await platform.SubscribeGate.WaitAsync();
        try
        {
            await AcceptSubscriptionAsync(platform, sip, kind, body, expires, eventHeader);
        }
        finally
        {
            platform.SubscribeGate.Release();
        }
    }

    private async Task AcceptSubscriptionAsync(PlatformContext platform, Sip.UserAgent.SipIncomingRequest sip, PlatformSubscriptionKind kind, ManscdpMessage? body, int expires, string eventHeader)
    {
        var sn = body?.Sn ?? 0;
        var response = sip.CreateResponse(SipStatus.Ok);
        response.Expires = expires;
        response.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        response.Body = ManscdpCodec.Encode(ManscdpResult.Ok(CmdTypeOf(kind), sn, platform.Options.DeviceId), platform.Charset);
        await sip.RespondAsync(response);
        UpperLog.Subscription(_logger, platform.Name, kind, expires == 0 ? "fetched" : "accepted", expires);
        if (sip.Dialog is not { } dialog)
        {
            return;
        }

        var subscription = new PlatformSubscription(kind, dialog, eventHeader, _time.GetUtcNow().AddSeconds(expires), sn);
        if (expires == 0 && kind == PlatformSubscriptionKind.Catalog)
        {
            Track(async ct =>
            {
                await Task.Delay(InitialNotifyDelay, _time, ct);
                await NotifyCurrentCatalogAsync(platform, subscription, ct, fetch: true); // RFC 6665 §4.4.3: a fetch gets the state, then terminated
                subscription.Dialog.Terminate();
            });
            return;
        }

        if (expires == 0)
        {
            Track(ct => EndSubscriptionAsync(platform, subscription, ct));
            if (kind != PlatformSubscriptionKind.Catalog)
            {
                EndOutOfDialog(platform, kind); // a platform that unsubscribes with a new SUBSCRIBE, not in the dialog
            }

            return;
        }

        platform.Subscriptions.Set(subscription);
        if (kind != PlatformSubscriptionKind.Catalog)
        {
            BeginDeviceSubscriptions(platform, subscription, body);
        }
        if (kind == PlatformSubscriptionKind.Catalog)
        {
            Track(async ct =>
            {
                await Task.Delay(InitialNotifyDelay, _time, ct); // let the subscriber take in the 200 first: a NOTIFY that overtakes it meets 481 and ends the dialog
                await NotifyCurrentCatalogAsync(platform, subscription, ct);
            });
        }
    }

    /// <summary>
    /// The initial NOTIFY of a catalog subscription: the platform's whole projected catalog (what its Catalog query
    /// gets), every item marked ADD, split like a query answer with one SN and SumNum across the parts; one NOTIFY
    /// with SumNum 0 when nothing is shared. The SN is the SUBSCRIBE's, so a platform that aggregates by SN files it
    /// under its own query. Stops at the first part the platform does not accept. For a fetch (<c>Expires: 0</c>) the last
    /// part carries <c>Subscription-State: terminated</c> and the ones before it <c>active;expires=0</c>.
    /// </summary>
    private async Task NotifyCurrentCatalogAsync(PlatformContext platform, PlatformSubscription subscription, CancellationToken cancellationToken,
        bool fetch = false)
    {
        var items = await platform.Projection.BuildAsync(cancellationToken);
        var added = items.Select(i => i with { Event = CatalogEventAdd }).ToList();
        var sn = subscription.Sn != 0 ? subscription.Sn : platform.Session.NextSn();
        var notify = new CatalogNotify { Sn = sn, DeviceId = platform.Options.DeviceId, SumNum = added.Count, Items = added };
        var bodies = ManscdpCodec.Split(notify, Math.Max(1, platform.Options.Catalog.ItemsPerMessage), platform.MaxBodyBytes, platform.Charset);
        for (var i = 0; i < bodies.Count; i++)
        {
            var state = fetch && i == bodies.Count - 1 ? TerminatedState : null;
            if (!await NotifyAsync(platform, subscription, bodies[i], cancellationToken, state))
            {
                UpperLog.AnswerNotAccepted(_logger, platform.Name, i + 1, bodies.Count, "initial catalog NOTIFY", sn, "see the NOTIFY failure above");
                return;
            }
        }

        UpperLog.Answered(_logger, platform.Name, "initial catalog NOTIFY", sn, bodies.Count);
    }

    private async Task RefreshSubscriptionAsync(PlatformContext platform, Sip.UserAgent.SipIncomingRequest sip, SipDialog dialog, int expires)
    {
        var subscription = platform.Subscriptions.Find(dialog);
        if (subscription is null)
        {
            await sip.RespondAsync(SipStatus.CallOrTransactionDoesNotExist);
            return;
        }

        var response = sip.CreateResponse(SipStatus.Ok);
        response.Expires = expires;
        await sip.RespondAsync(response);
        if (expires == 0)
        {
            platform.Subscriptions.Remove(dialog);
            UpperLog.Subscription(_logger, platform.Name, subscription.Kind, "ended", 0);
            platform.DeviceSubscriptions.End(subscription.Kind, dialog, "unsubscribed");
            Track(ct => EndSubscriptionAsync(platform, subscription, ct));
            return;
        }

        var refreshed = subscription with { ExpiresAt = _time.GetUtcNow().AddSeconds(expires) };
        platform.Subscriptions.Set(refreshed);
        platform.DeviceSubscriptions.Refreshed(refreshed);
        UpperLog.Subscription(_logger, platform.Name, subscription.Kind, "refreshed", expires);
    }

    private async Task EndSubscriptionAsync(PlatformContext platform, PlatformSubscription subscription, CancellationToken cancellationToken)
    {
        var notify = subscription.Dialog.CreateRequest(SipMethod.Notify);
        notify.Headers.Set(SipHeaderKind.Event, subscription.EventHeader);
        notify.Headers.Set(SipHeaderKind.SubscriptionState, TerminatedState);
        try
        {
            await subscription.Dialog.SendRequestAsync(notify, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            UpperLog.NotifyFailed(_logger, platform.Name, subscription.Kind, ex.Message);
        }

        subscription.Dialog.Terminate();
    }

    /// <summary>One NOTIFY in the subscription's dialog; false when the platform did not accept it.</summary>
    private async Task<bool> NotifyAsync(PlatformContext platform, PlatformSubscription subscription, byte[] body, CancellationToken cancellationToken,
        string? state = null)
    {
        var remaining = Math.Max(0, (int)(subscription.ExpiresAt - _time.GetUtcNow()).TotalSeconds);
        var notify = subscription.Dialog.CreateRequest(SipMethod.Notify);
        notify.Headers.Set(SipHeaderKind.Event, subscription.EventHeader);
        notify.Headers.Set(SipHeaderKind.SubscriptionState, state ?? "active;expires=" + remaining.ToString(CultureInfo.InvariantCulture));
        notify.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        notify.Body = body;
        try
        {
            var response = await subscription.Dialog.SendRequestAsync(notify, cancellationToken: cancellationToken);
            if (response.IsSuccess)
            {
                return true;
            }

            UpperLog.NotifyFailed(_logger, platform.Name, subscription.Kind, new PlatformAnswer(response.StatusCode, response.ReasonPhrase));
            if (subscription.Dialog.State == SipDialogState.Terminated)
            {
                platform.Subscriptions.Remove(subscription.Dialog);
                platform.DeviceSubscriptions.EndDialog(subscription.Dialog, "the platform dropped the subscription dialog");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            UpperLog.NotifyFailed(_logger, platform.Name, subscription.Kind, ex.Message);
        }

        return false;
    }

    private static bool TryKindFromEvent(string eventHeader, out PlatformSubscriptionKind kind)
    {
        var name = eventHeader.Split(';', 2)[0].Trim();
        if (name.Equals("Catalog", StringComparison.OrdinalIgnoreCase) || name.Equals("presence", StringComparison.OrdinalIgnoreCase))
        {
            kind = PlatformSubscriptionKind.Catalog;
            return true;
        }

        if (name.Equals("Alarm", StringComparison.OrdinalIgnoreCase))
        {
            kind = PlatformSubscriptionKind.Alarm;
            return true;
        }

        if (name.Equals("MobilePosition", StringComparison.OrdinalIgnoreCase))
        {
            kind = PlatformSubscriptionKind.MobilePosition;
            return true;
        }

        kind = default;
        return false;
    }

    private static string CmdTypeOf(PlatformSubscriptionKind kind) => kind switch
    {
        PlatformSubscriptionKind.Alarm => ManscdpCmdType.Alarm,
        PlatformSubscriptionKind.MobilePosition => ManscdpCmdType.MobilePosition,
        _ => ManscdpCmdType.Catalog,
    };
}
