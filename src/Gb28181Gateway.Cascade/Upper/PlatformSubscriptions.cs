using Gb28181Gateway.Sip.Dialogs;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>What a platform subscribed to.</summary>
internal enum PlatformSubscriptionKind
{
    Catalog,
    Alarm,
    MobilePosition,
}

/// <summary>One accepted subscription: its dialog (NOTIFYs go in it) and when it expires unless refreshed.</summary>
internal sealed record PlatformSubscription(PlatformSubscriptionKind Kind, SipDialog Dialog, string EventHeader, DateTimeOffset ExpiresAt, long Sn);

/// <summary>A platform's live subscriptions, at most one per kind (a new SUBSCRIBE replaces the previous one).</summary>
internal sealed class PlatformSubscriptions
{
    private readonly Dictionary<PlatformSubscriptionKind, PlatformSubscription> _items = [];

    public void Set(PlatformSubscription subscription)
    {
        lock (_items)
        {
            _items[subscription.Kind] = subscription;
        }
    }

    /// <summary>Removes the subscription held in <paramref name="dialog"/>, if any.</summary>
    public void Remove(SipDialog dialog)
    {
        lock (_items)
        {
            foreach (var (kind, item) in _items.ToArray())
            {
                if (ReferenceEquals(item.Dialog, dialog))
                {
                    _items.Remove(kind);
                }
            }
        }
    }

    /// <summary>Removes and returns the subscription of <paramref name="kind"/>, if any.</summary>
    public PlatformSubscription? Take(PlatformSubscriptionKind kind)
    {
        lock (_items)
        {
            return _items.Remove(kind, out var item) ? item : null;
        }
    }

    /// <summary>Removes and returns every subscription (the gateway is stopping).</summary>
    public IReadOnlyList<PlatformSubscription> TakeAll()
    {
        lock (_items)
        {
            var all = _items.Values.ToList();
            _items.Clear();
            return all;
        }
    }

    public PlatformSubscription? Find(SipDialog dialog)
    {
        lock (_items)
        {
            return _items.Values.FirstOrDefault(s => ReferenceEquals(s.Dialog, dialog));
        }
    }

    /// <summary>The live subscription of <paramref name="kind"/>; expired or ended ones are dropped here.</summary>
    public PlatformSubscription? Get(PlatformSubscriptionKind kind, DateTimeOffset now)
    {
        lock (_items)
        {
            if (!_items.TryGetValue(kind, out var item))
            {
                return null;
            }

            if (item.ExpiresAt > now && item.Dialog.State != SipDialogState.Terminated)
            {
                return item;
            }

            _items.Remove(kind);
            return null;
        }
    }
}
