using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Protocol.Text;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>Everything the gateway keeps for one platform: its registration, its catalog view and its signalling.</summary>
internal sealed class PlatformContext : IDisposable
{
    private readonly Dictionary<long, DateTimeOffset> _catalogAnswers = [];

    public PlatformContext(PlatformOptions options, IPlatformSignalling signalling, PlatformSession session, PlatformCatalogProjection projection,
        bool reliable, Func<PlatformSubscriptions, PlatformDeviceSubscriptions> deviceSubscriptions)
    {
        DeviceSubscriptions = deviceSubscriptions(Subscriptions);
        Options = options;
        Signalling = signalling;
        Session = session;
        Projection = projection;
        Charset = PlatformCharset.Of(options);
        MaxBodyBytes = reliable ? 60_000 : 1000; // over UDP the whole MESSAGE (headers ~300-400 bytes) stays under ~1300
    }

    public PlatformOptions Options { get; }

    public string Name => Options.Name;

    public IPlatformSignalling Signalling { get; }

    public PlatformSession Session { get; }

    public PlatformCatalogProjection Projection { get; }

    public GbCharset Charset { get; }

    public int MaxBodyBytes { get; }

    public PlatformSubscriptions Subscriptions { get; } = new();

    /// <summary>Serialises the acceptance of new SUBSCRIBEs from this platform (<c>UpperDomain.OnSubscribeAsync</c>).</summary>
    public SemaphoreSlim SubscribeGate { get; } = new(1, 1);

    /// <summary>The devices below its Alarm / MobilePosition subscriptions keep subscribed.</summary>
    public PlatformDeviceSubscriptions DeviceSubscriptions { get; }

    /// <summary>
    /// True when no answer to catalog query <paramref name="sn"/> started within the last two minutes of the
    /// current registration (a platform re-sending its query with the same SN gets one answer stream, not two;
    /// a platform that restarted and registered again starts its SNs afresh and is answered).
    /// <paramref name="registeredAt"/>: when the current registration began (its first REGISTER was sent).
    /// </summary>
    public bool TryBeginCatalogAnswer(long sn, DateTimeOffset now, DateTimeOffset? registeredAt)
    {
        lock (_catalogAnswers)
        {
            foreach (var (old, at) in _catalogAnswers.ToArray())
            {
                if (now - at > TimeSpan.FromMinutes(2) || at < registeredAt)
                {
                    _catalogAnswers.Remove(old);
                }
            }

            return _catalogAnswers.TryAdd(sn, now);
        }
    }

    public void Dispose()
    {
        DeviceSubscriptions.Dispose();
        Projection.Dispose();
        SubscribeGate.Dispose();
    }
}
