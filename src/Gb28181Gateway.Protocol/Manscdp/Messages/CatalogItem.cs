using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>The <c>Event</c> of a catalog notify item.</summary>
public enum CatalogEvent
{
    /// <summary>Absent or not one of the standard values.</summary>
    None = 0,
    On,
    Off,
    VideoLost,
    Defect,
    Add,
    Delete,
    Update,
}

/// <summary>
/// One catalog item (device, channel, region, business group or virtual organisation), with every field of
/// the 2016 and 2022 editions. Values are kept as the text the device sent (null = element absent, "" =
/// present and empty), because items are forwarded upward: re-encoding an item (with some fields changed
/// or removed via <c>with</c>) reproduces everything else, vendor elements included (<see cref="Extensions"/>).
/// Typed views (<see cref="IsOnline"/>, <see cref="ParentIds"/>, <see cref="EventKind"/>) read the text.
/// </summary>
public sealed record CatalogItem
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public required string DeviceId { get; init; }

    /// <summary>Notify only: ON, OFF, VLOST, DEFECT, ADD, DEL, UPDATE.</summary>
    public string? Event { get; init; }

    public string? Name { get; init; }

    public string? Manufacturer { get; init; }

    public string? Model { get; init; }

    public string? Owner { get; init; }

    /// <summary>Administrative region (2, 4, 6 or 8 digits).</summary>
    public string? CivilCode { get; init; }

    public string? Block { get; init; }

    public string? Address { get; init; }

    /// <summary>1 when the item has children, 0 otherwise.</summary>
    public string? Parental { get; init; }

    /// <summary>Parent ID; 2022 allows several separated by '/' (see <see cref="ParentIds"/>).</summary>
    public string? ParentId { get; init; }

    /// <summary>2022 item-level business group of a virtual organisation.</summary>
    public string? BusinessGroupId { get; init; }

    public string? SafetyWay { get; init; }

    public string? RegisterWay { get; init; }

    /// <summary>2022: GB 35114 security level (A, B, C).</summary>
    public string? SecurityLevelCode { get; init; }

    public string? CertNum { get; init; }

    public string? Certifiable { get; init; }

    public string? ErrCode { get; init; }

    public string? EndTime { get; init; }

    public string? Secrecy { get; init; }

    public string? IpAddress { get; init; }

    public string? Port { get; init; }

    /// <summary>The device password some devices disclose; a cascade strips it before forwarding.</summary>
    public string? Password { get; init; }

    /// <summary>ON / OFF (devices also send ONLINE / OFFLINE).</summary>
    public string? Status { get; init; }

    public string? Longitude { get; init; }

    public string? Latitude { get; init; }

    public CatalogItemInfo? Info { get; init; }

    /// <summary>Elements of the item no field covers (vendor fields such as Dahua's StreamNum), in document order.</summary>
    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    /// <summary>True for ON/ONLINE, false for OFF/OFFLINE, null otherwise.</summary>
    public bool? IsOnline => Status?.Trim().ToUpperInvariant() switch
    {
        "ON" or "ONLINE" => true,
        "OFF" or "OFFLINE" => false,
        _ => null,
    };

    /// <summary><see cref="ParentId"/> split on '/' (empty when absent).</summary>
    public IReadOnlyList<string> ParentIds => string.IsNullOrWhiteSpace(ParentId)
        ? []
        : ParentId.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The <see cref="Event"/> as an enum.</summary>
    public CatalogEvent EventKind => Event?.Trim().ToUpperInvariant() switch
    {
        "ON" => CatalogEvent.On,
        "OFF" => CatalogEvent.Off,
        "VLOST" => CatalogEvent.VideoLost,
        "DEFECT" => CatalogEvent.Defect,
        "ADD" => CatalogEvent.Add,
        "DEL" => CatalogEvent.Delete,
        "UPDATE" => CatalogEvent.Update,
        _ => CatalogEvent.None,
    };

    internal static CatalogItem Read(in XmlDocument d, int node)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new CatalogItem
        {
            DeviceId = d.Text(f[F.DeviceID]) ?? string.Empty,
            Event = d.Text(f[F.Event]),
            Name = d.Text(f[F.Name]),
            Manufacturer = d.Text(f[F.Manufacturer]),
            Model = d.Text(f[F.Model]),
            Owner = d.Text(f[F.Owner]),
            CivilCode = d.Text(f[F.CivilCode]),
            Block = d.Text(f[F.Block]),
            Address = d.Text(f[F.Address]),
            Parental = d.Text(f[F.Parental]),
            ParentId = d.Text(f[F.ParentID]),
            BusinessGroupId = d.Text(f[F.BusinessGroupID]),
            SafetyWay = d.Text(f[F.SafetyWay]),
            RegisterWay = d.Text(f[F.RegisterWay]),
            SecurityLevelCode = d.Text(f[F.SecurityLevelCode]),
            CertNum = d.Text(f[F.CertNum]),
            Certifiable = d.Text(f[F.Certifiable]),
            ErrCode = d.Text(f[F.ErrCode]),
            EndTime = d.Text(f[F.EndTime]),
            Secrecy = d.Text(f[F.Secrecy]),
            IpAddress = d.Text(f[F.IPAddress]),
            Port = d.Text(f[F.Port]),
            Password = d.Text(f[F.Password]),
            Status = d.Text(f[F.Status]),
            Longitude = d.Text(f[F.Longitude]),
            Latitude = d.Text(f[F.Latitude]),
            Info = CatalogItemInfo.Read(d, f[F.Info]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        if (string.IsNullOrEmpty(DeviceId))
        {
            throw new ArgumentException("a catalog item needs a DeviceId");
        }

        writer.Start("Item"u8);
        writer.Element("DeviceID"u8, DeviceId);
        writer.Element("Event"u8, Event);
        writer.Element("Name"u8, Name);
        writer.Element("Manufacturer"u8, Manufacturer);
        writer.Element("Model"u8, Model);
        writer.Element("Owner"u8, Owner);
        writer.Element("CivilCode"u8, CivilCode);
        writer.Element("Block"u8, Block);
        writer.Element("Address"u8, Address);
        writer.Element("Parental"u8, Parental);
        writer.Element("ParentID"u8, ParentId);
        writer.Element("BusinessGroupID"u8, BusinessGroupId);
        writer.Element("SafetyWay"u8, SafetyWay);
        writer.Element("RegisterWay"u8, RegisterWay);
        writer.Element("SecurityLevelCode"u8, SecurityLevelCode);
        writer.Element("CertNum"u8, CertNum);
        writer.Element("Certifiable"u8, Certifiable);
        writer.Element("ErrCode"u8, ErrCode);
        writer.Element("EndTime"u8, EndTime);
        writer.Element("Secrecy"u8, Secrecy);
        writer.Element("IPAddress"u8, IpAddress);
        writer.Element("Port"u8, Port);
        writer.Element("Password"u8, Password);
        writer.Element("Status"u8, Status);
        writer.Element("Longitude"u8, Longitude);
        writer.Element("Latitude"u8, Latitude);
        Info?.Write(writer);
        writer.Elements(Extensions);
        writer.End("Item"u8);
    }

    private static class F
    {
        public const int DeviceID = 0;
        public const int Event = 1;
        public const int Name = 2;
        public const int Manufacturer = 3;
        public const int Model = 4;
        public const int Owner = 5;
        public const int CivilCode = 6;
        public const int Block = 7;
        public const int Address = 8;
        public const int Parental = 9;
        public const int ParentID = 10;
        public const int BusinessGroupID = 11;
        public const int SafetyWay = 12;
        public const int RegisterWay = 13;
        public const int SecurityLevelCode = 14;
        public const int CertNum = 15;
        public const int Certifiable = 16;
        public const int ErrCode = 17;
        public const int EndTime = 18;
        public const int Secrecy = 19;
        public const int IPAddress = 20;
        public const int Port = 21;
        public const int Password = 22;
        public const int Status = 23;
        public const int Longitude = 24;
        public const int Latitude = 25;
        public const int Info = 26;
    }
}
