using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// One device's working state. <see cref="Record"/> and <see cref="Channels"/> are immutable snapshots
/// replaced under <see cref="Gate"/>, so readers take them without locking.
/// </summary>
internal sealed class DeviceEntry
{
    private static readonly IReadOnlyList<CatalogItem> NoChannels = [];

    public DeviceEntry(DeviceRecord record)
    {
        DeviceId = record.DeviceId;
        Record = record;
        EndPoint = SipEndPoint.TryParse(record.SignallingEndPoint, out var endPoint) ? endPoint : default;
    }

    public object Gate { get; } = new();

    public string DeviceId { get; }

    public DeviceRecord Record { get; set; }

    /// <summary>Where requests to the device go: the source of its last REGISTER.</summary>
    public SipEndPoint EndPoint { get; set; }

    /// <summary>The last complete catalog, statuses kept current by notifications.</summary>
    public IReadOnlyList<CatalogItem> Channels { get; set; } = NoChannels;

    /// <summary>Call-ID of the last accepted REGISTER: a new one means the device restarted.</summary>
    public string? RegisterCallId { get; set; }

    /// <summary>The last REGISTER or keepalive: the keepalive deadline counts from here.</summary>
    public DateTimeOffset LastAliveAt { get; set; }

    /// <summary>Keepalive time last written to the store (keepalives are written at most once per interval).</summary>
    public DateTimeOffset LastKeepaliveSaved { get; set; }

    /// <summary>Fires at the registration expiry or keepalive deadline, whichever comes first.</summary>
    public ITimer? PresenceTimer { get; set; }

    /// <summary>Catalog refresh and subscription refresh.</summary>
    public ITimer? CatalogTimer { get; set; }

    /// <summary>The <see cref="Generation"/> in which the device refused the catalog SUBSCRIBE (-1: never).</summary>
    public int CatalogSubscribeRefused { get; set; } = -1;

    /// <summary>True while a catalog synchronization runs (one at a time per device).</summary>
    public bool Synchronizing { get; set; }

    /// <summary>Incremented on every registration and going offline: a sync from an older generation stops.</summary>
    public int Generation { get; set; }

    public GbCharset Charset => Record.CharacterSet switch
    {
        "GB18030" => GbCharset.Gb18030,
        "UTF-8" => GbCharset.Utf8,
        _ => GbCharset.Gb2312,
    };

    public bool IsRegistered(DateTimeOffset now) => Record.ExpiresAt > now;
}
