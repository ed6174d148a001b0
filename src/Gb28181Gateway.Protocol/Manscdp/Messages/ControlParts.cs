using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>A drag-zoom box (DragZoomIn, DragZoomOut, TargetArea), in pixels of the viewing window.</summary>
public sealed record DragZoom
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public int? Length { get; init; }

    public int? Width { get; init; }

    public int? MidPointX { get; init; }

    public int? MidPointY { get; init; }

    public int? LengthX { get; init; }

    public int? LengthY { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static DragZoom? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new DragZoom
        {
            Length = ModelReader.Int(d, f[F.Length], ref ext),
            Width = ModelReader.Int(d, f[F.Width], ref ext),
            MidPointX = ModelReader.Int(d, f[F.MidPointX], ref ext),
            MidPointY = ModelReader.Int(d, f[F.MidPointY], ref ext),
            LengthX = ModelReader.Int(d, f[F.LengthX], ref ext),
            LengthY = ModelReader.Int(d, f[F.LengthY], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer, ReadOnlySpan<byte> name)
    {
        writer.Start(name);
        writer.Element("Length"u8, Length);
        writer.Element("Width"u8, Width);
        writer.Element("MidPointX"u8, MidPointX);
        writer.Element("MidPointY"u8, MidPointY);
        writer.Element("LengthX"u8, LengthX);
        writer.Element("LengthY"u8, LengthY);
        writer.Elements(Extensions);
        writer.End(name);
    }

    private static class F
    {
        public const int Length = 0;
        public const int Width = 1;
        public const int MidPointX = 2;
        public const int MidPointY = 3;
        public const int LengthX = 4;
        public const int LengthY = 5;
    }
}

/// <summary>The home (guard) position: enabled, return-after seconds, preset to return to.</summary>
public sealed record HomePosition
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    /// <summary>1 on, 0 off.</summary>
    public int? Enabled { get; init; }

    public int? ResetTime { get; init; }

    public int? PresetIndex { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static HomePosition? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new HomePosition
        {
            Enabled = ModelReader.Int(d, f[F.Enabled], ref ext),
            ResetTime = ModelReader.Int(d, f[F.ResetTime], ref ext),
            PresetIndex = ModelReader.Int(d, f[F.PresetIndex], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("HomePosition"u8);
        writer.Element("Enabled"u8, Enabled);
        writer.Element("ResetTime"u8, ResetTime);
        writer.Element("PresetIndex"u8, PresetIndex);
        writer.Elements(Extensions);
        writer.End("HomePosition"u8);
    }

    private static class F
    {
        public const int Enabled = 0;
        public const int ResetTime = 1;
        public const int PresetIndex = 2;
    }
}

/// <summary>2022 <c>PTZPreciseCtrl</c>: absolute pan (0-360°), tilt (-30-90°) and zoom factor.</summary>
public sealed record PtzPreciseControl
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public double? Pan { get; init; }

    public double? Tilt { get; init; }

    public double? Zoom { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static PtzPreciseControl? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new PtzPreciseControl
        {
            Pan = ModelReader.Double(d, f[F.Pan], ref ext),
            Tilt = ModelReader.Double(d, f[F.Tilt], ref ext),
            Zoom = ModelReader.Double(d, f[F.Zoom], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("PTZPreciseCtrl"u8);
        writer.Element("Pan"u8, Pan);
        writer.Element("Tilt"u8, Tilt);
        writer.Element("Zoom"u8, Zoom);
        writer.Elements(Extensions);
        writer.End("PTZPreciseCtrl"u8);
    }

    private static class F
    {
        public const int Pan = 0;
        public const int Tilt = 1;
        public const int Zoom = 2;
    }
}

/// <summary>2022 <c>DeviceUpgrade</c>: firmware version, download location, manufacturer, session id.</summary>
public sealed record DeviceUpgrade
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public string? Firmware { get; init; }

    /// <summary>Where the device downloads the firmware (kept as the text sent: it may be ftp:// or relative).</summary>
    [SuppressMessage("Design", "CA1056", Justification = "Verbatim protocol text; devices send values System.Uri rejects.")]
    public string? FileUrl { get; init; }

    public string? Manufacturer { get; init; }

    public string? SessionId { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static DeviceUpgrade? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new DeviceUpgrade
        {
            Firmware = d.Text(f[F.Firmware]),
            FileUrl = d.Text(f[F.FileURL]),
            Manufacturer = d.Text(f[F.Manufacturer]),
            SessionId = d.Text(f[F.SessionID]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("DeviceUpgrade"u8);
        writer.Element("Firmware"u8, Firmware);
        writer.Element("FileURL"u8, FileUrl);
        writer.Element("Manufacturer"u8, Manufacturer);
        writer.Element("SessionID"u8, SessionId);
        writer.Elements(Extensions);
        writer.End("DeviceUpgrade"u8);
    }

    private static class F
    {
        public const int Firmware = 0;
        public const int FileURL = 1;
        public const int Manufacturer = 2;
        public const int SessionID = 3;
    }
}
