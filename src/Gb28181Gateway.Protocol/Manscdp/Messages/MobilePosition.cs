using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>How a MobilePosition notify lays out its positions.</summary>
public enum MobilePositionLayout
{
    /// <summary>2016: one position, flat in the message (Time, Longitude, Latitude ...).</summary>
    Flat2016 = 0,

    /// <summary>2022: SumNum and <c>DeviceList/Item</c> with one position per device (CaptureTime ...).</summary>
    List2022 = 1,
}

/// <summary>
/// <c>Notify/MobilePosition</c> in either edition's layout; both read into <see cref="Positions"/> (the
/// 2016 position takes the message's DeviceID) and are written back in <see cref="Layout"/>.
/// </summary>
public sealed record MobilePositionNotify : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Notify;

    public override string CmdType => ManscdpCmdType.MobilePosition;

    public MobilePositionLayout Layout { get; init; }

    /// <summary>2022 SumNum, when sent.</summary>
    public int? SumNum { get; init; }

    public IReadOnlyList<MobilePosition> Positions { get; init => field = ValueList<MobilePosition>.From(value); } = ValueList<MobilePosition>.Empty;

    internal static MobilePositionNotify Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        var list = f[F.DeviceList];
        List<MobilePosition>? positions = null;
        MobilePositionLayout layout;
        if (list >= 0)
        {
            layout = MobilePositionLayout.List2022;
            for (var item = d.FirstChild(list); item >= 0; item = d.NextSibling(item))
            {
                if (d.NameIs(item, "Item"u8))
                {
                    (positions ??= []).Add(MobilePosition.Read(d, item, string.Empty));
                }
            }
        }
        else
        {
            layout = MobilePositionLayout.Flat2016;
            (positions ??= []).Add(MobilePosition.ReadFlat(d, f, h.DeviceId, ref ext));
        }

        return new MobilePositionNotify
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Layout = layout,
            SumNum = ModelReader.Int(d, f[F.SumNum], ref ext),
            Positions = ValueList<MobilePosition>.Adopt(positions),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        if (Layout == MobilePositionLayout.Flat2016)
        {
            if (Positions.Count != 1)
            {
                throw new ArgumentException($"a 2016 (flat) MobilePosition notify carries exactly one position, not {Positions.Count}");
            }

            Positions[0].WriteFields(writer, "Time"u8);
            return;
        }

        writer.Element("SumNum"u8, SumNum ?? Positions.Count);
        writer.Start("DeviceList"u8, "Num"u8, Positions.Count);
        foreach (var position in Positions)
        {
            writer.Start("Item"u8);
            writer.Element("DeviceID"u8, position.DeviceId);
            position.WriteFields(writer, "CaptureTime"u8);
            writer.End("Item"u8);
        }

        writer.End("DeviceList"u8);
    }

    internal static class F
    {
        public const int Time = 0;
        public const int Longitude = 1;
        public const int Latitude = 2;
        public const int Speed = 3;
        public const int Direction = 4;
        public const int Altitude = 5;
        public const int Height = 6;
        public const int SumNum = 7;
        public const int DeviceList = 8;
    }
}

/// <summary>One position report (WGS-84). Speed km/h, direction degrees clockwise from north, altitude/height metres.</summary>
public sealed record MobilePosition
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F), ("CaptureTime", F.Time));

    public required string DeviceId { get; init; }

    /// <summary>2016 <c>Time</c> / 2022 <c>CaptureTime</c>.</summary>
    public DateTime? Time { get; init; }

    public double? Longitude { get; init; }

    public double? Latitude { get; init; }

    public double? Speed { get; init; }

    public double? Direction { get; init; }

    public double? Altitude { get; init; }

    /// <summary>2022: height above ground.</summary>
    public double? Height { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static MobilePosition Read(in XmlDocument d, int node, string deviceId)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new MobilePosition
        {
            DeviceId = d.Text(f[F.DeviceID]) ?? deviceId,
            Time = ModelReader.Time(d, f[F.Time], ref ext),
            Longitude = ModelReader.Double(d, f[F.Longitude], ref ext),
            Latitude = ModelReader.Double(d, f[F.Latitude], ref ext),
            Speed = ModelReader.Double(d, f[F.Speed], ref ext),
            Direction = ModelReader.Double(d, f[F.Direction], ref ext),
            Altitude = ModelReader.Double(d, f[F.Altitude], ref ext),
            Height = ModelReader.Double(d, f[F.Height], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    /// <summary>The 2016 flat layout: the fields sit in the message itself (their slots come from the message's table).</summary>
    internal static MobilePosition ReadFlat(in XmlDocument d, ReadOnlySpan<int> f, string deviceId, ref List<ManscdpElement>? ext) => new()
    {
        DeviceId = deviceId,
        Time = ModelReader.Time(d, f[MobilePositionNotify.F.Time], ref ext),
        Longitude = ModelReader.Double(d, f[MobilePositionNotify.F.Longitude], ref ext),
        Latitude = ModelReader.Double(d, f[MobilePositionNotify.F.Latitude], ref ext),
        Speed = ModelReader.Double(d, f[MobilePositionNotify.F.Speed], ref ext),
        Direction = ModelReader.Double(d, f[MobilePositionNotify.F.Direction], ref ext),
        Altitude = ModelReader.Double(d, f[MobilePositionNotify.F.Altitude], ref ext),
        Height = ModelReader.Double(d, f[MobilePositionNotify.F.Height], ref ext),
    };

    internal void WriteFields(ManscdpWriter writer, ReadOnlySpan<byte> timeName)
    {
        writer.Element(timeName, Time);
        writer.Element("Longitude"u8, Longitude);
        writer.Element("Latitude"u8, Latitude);
        writer.Element("Speed"u8, Speed);
        writer.Element("Direction"u8, Direction);
        writer.Element("Altitude"u8, Altitude);
        writer.Element("Height"u8, Height);
        writer.Elements(Extensions);
    }

    private static class F
    {
        public const int DeviceID = 0;
        public const int Time = 1;
        public const int Longitude = 2;
        public const int Latitude = 3;
        public const int Speed = 4;
        public const int Direction = 5;
        public const int Altitude = 6;
        public const int Height = 7;
    }
}
