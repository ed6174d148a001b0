using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// The <c>Info</c> block of a catalog item: camera attributes of 2016 and the descriptive fields 2022 added.
/// Text as sent, like <see cref="CatalogItem"/>; unknown elements are kept in <see cref="Extensions"/>.
/// </summary>
public sealed record CatalogItemInfo
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    /// <summary>Camera structure: 1 dome, 2 half-dome, 3 fixed box, 4 remote-controlled box (2022: 5-7 more).</summary>
    public string? PtzType { get; init; }

    /// <summary>2016: where the camera is installed.</summary>
    public string? PositionType { get; init; }

    /// <summary>1 outdoor, 2 indoor.</summary>
    public string? RoomType { get; init; }

    /// <summary>2016: 1 public security, 2 traffic, 3 key area.</summary>
    public string? UseType { get; init; }

    /// <summary>1 none, 2 infrared, 3 white light (2022: 4 laser, 9 other).</summary>
    public string? SupplyLightType { get; init; }

    /// <summary>Direction the camera looks (1 east ... 8 north-west).</summary>
    public string? DirectionType { get; init; }

    /// <summary>Supported resolutions, '/'-separated.</summary>
    public string? Resolution { get; init; }

    /// <summary>2016: business group of a virtual organisation.</summary>
    public string? BusinessGroupId { get; init; }

    /// <summary>Supported download speeds, '/'-separated (e.g. 1/2/4/8).</summary>
    public string? DownloadSpeed { get; init; }

    /// <summary>SVC spatial layers supported.</summary>
    public string? SvcSpaceSupportMode { get; init; }

    /// <summary>SVC temporal layers supported.</summary>
    public string? SvcTimeSupportMode { get; init; }

    /// <summary>2022: stream numbers that can be requested, '/'-separated (0 main, 1 sub ...).</summary>
    public string? StreamNumberList { get; init; }

    /// <summary>2022: 1 visible, 2 thermal, 3 radar ..., '/'-separated.</summary>
    public string? PhotoelectricImagingType { get; init; }

    /// <summary>2022: capture position type.</summary>
    public string? CapturePositionType { get; init; }

    /// <summary>2022: SSVC ratios supported, '/'-separated.</summary>
    public string? SsvcRatioSupportList { get; init; }

    /// <summary>2022: 1 robot, 2 body camera, 3 portable, 4 vehicle, 5 drone, 9 other.</summary>
    public string? MobileDeviceType { get; init; }

    /// <summary>2022: horizontal field of view, degrees.</summary>
    public string? HorizontalFieldAngle { get; init; }

    /// <summary>2022: vertical field of view, degrees.</summary>
    public string? VerticalFieldAngle { get; init; }

    /// <summary>2022: visible distance, metres.</summary>
    public string? MaxViewDistance { get; init; }

    /// <summary>2022: grassroots organisation code (000000 when none).</summary>
    public string? GrassrootsCode { get; init; }

    /// <summary>2022: monitoring point class 1, 2, 3 or 9.</summary>
    public string? PointType { get; init; }

    /// <summary>2022: common name of the place.</summary>
    public string? PointCommonName { get; init; }

    /// <summary>2022: MAC address, XX-XX-XX-XX-XX-XX.</summary>
    public string? Mac { get; init; }

    /// <summary>2022: checkpoint function types, '/'-separated.</summary>
    public string? FunctionType { get; init; }

    /// <summary>2022: video encoding.</summary>
    public string? EncodeType { get; init; }

    /// <summary>2022: when the camera was installed.</summary>
    public string? InstallTime { get; init; }

    /// <summary>2022: managing organisation.</summary>
    public string? ManagementUnit { get; init; }

    /// <summary>2022: contact numbers, '/'-separated.</summary>
    public string? ContactInfo { get; init; }

    /// <summary>2022: days recordings are kept.</summary>
    public string? RecordSaveDays { get; init; }

    /// <summary>2022: GB/T 4754 industry code.</summary>
    public string? IndustrialClassification { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static CatalogItemInfo? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new CatalogItemInfo
        {
            PtzType = d.Text(f[F.PTZType]),
            PositionType = d.Text(f[F.PositionType]),
            RoomType = d.Text(f[F.RoomType]),
            UseType = d.Text(f[F.UseType]),
            SupplyLightType = d.Text(f[F.SupplyLightType]),
            DirectionType = d.Text(f[F.DirectionType]),
            Resolution = d.Text(f[F.Resolution]),
            BusinessGroupId = d.Text(f[F.BusinessGroupID]),
            DownloadSpeed = d.Text(f[F.DownloadSpeed]),
            SvcSpaceSupportMode = d.Text(f[F.SVCSpaceSupportMode]),
            SvcTimeSupportMode = d.Text(f[F.SVCTimeSupportMode]),
            StreamNumberList = d.Text(f[F.StreamNumberList]),
            PhotoelectricImagingType = d.Text(f[F.PhotoelectricImagingType]),
            CapturePositionType = d.Text(f[F.CapturePositionType]),
            SsvcRatioSupportList = d.Text(f[F.SSVCRatioSupportList]),
            MobileDeviceType = d.Text(f[F.MobileDeviceType]),
            HorizontalFieldAngle = d.Text(f[F.HorizontalFieldAngle]),
            VerticalFieldAngle = d.Text(f[F.VerticalFieldAngle]),
            MaxViewDistance = d.Text(f[F.MaxViewDistance]),
            GrassrootsCode = d.Text(f[F.GrassrootsCode]),
            PointType = d.Text(f[F.PointType]),
            PointCommonName = d.Text(f[F.PointCommonName]),
            Mac = d.Text(f[F.MAC]),
            FunctionType = d.Text(f[F.FunctionType]),
            EncodeType = d.Text(f[F.EncodeType]),
            InstallTime = d.Text(f[F.InstallTime]),
            ManagementUnit = d.Text(f[F.ManagementUnit]),
            ContactInfo = d.Text(f[F.ContactInfo]),
            RecordSaveDays = d.Text(f[F.RecordSaveDays]),
            IndustrialClassification = d.Text(f[F.IndustrialClassification]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("Info"u8);
        writer.Element("PTZType"u8, PtzType);
        writer.Element("PositionType"u8, PositionType);
        writer.Element("RoomType"u8, RoomType);
        writer.Element("UseType"u8, UseType);
        writer.Element("SupplyLightType"u8, SupplyLightType);
        writer.Element("DirectionType"u8, DirectionType);
        writer.Element("Resolution"u8, Resolution);
        writer.Element("BusinessGroupID"u8, BusinessGroupId);
        writer.Element("DownloadSpeed"u8, DownloadSpeed);
        writer.Element("SVCSpaceSupportMode"u8, SvcSpaceSupportMode);
        writer.Element("SVCTimeSupportMode"u8, SvcTimeSupportMode);
        writer.Element("StreamNumberList"u8, StreamNumberList);
        writer.Element("PhotoelectricImagingType"u8, PhotoelectricImagingType);
        writer.Element("CapturePositionType"u8, CapturePositionType);
        writer.Element("SSVCRatioSupportList"u8, SsvcRatioSupportList);
        writer.Element("MobileDeviceType"u8, MobileDeviceType);
        writer.Element("HorizontalFieldAngle"u8, HorizontalFieldAngle);
        writer.Element("VerticalFieldAngle"u8, VerticalFieldAngle);
        writer.Element("MaxViewDistance"u8, MaxViewDistance);
        writer.Element("GrassrootsCode"u8, GrassrootsCode);
        writer.Element("PointType"u8, PointType);
        writer.Element("PointCommonName"u8, PointCommonName);
        writer.Element("MAC"u8, Mac);
        writer.Element("FunctionType"u8, FunctionType);
        writer.Element("EncodeType"u8, EncodeType);
        writer.Element("InstallTime"u8, InstallTime);
        writer.Element("ManagementUnit"u8, ManagementUnit);
        writer.Element("ContactInfo"u8, ContactInfo);
        writer.Element("RecordSaveDays"u8, RecordSaveDays);
        writer.Element("IndustrialClassification"u8, IndustrialClassification);
        writer.Elements(Extensions);
        writer.End("Info"u8);
    }

    private static class F
    {
        public const int PTZType = 0;
        public const int PositionType = 1;
        public const int RoomType = 2;
        public const int UseType = 3;
        public const int SupplyLightType = 4;
        public const int DirectionType = 5;
        public const int Resolution = 6;
        public const int BusinessGroupID = 7;
        public const int DownloadSpeed = 8;
        public const int SVCSpaceSupportMode = 9;
        public const int SVCTimeSupportMode = 10;
        public const int StreamNumberList = 11;
        public const int PhotoelectricImagingType = 12;
        public const int CapturePositionType = 13;
        public const int SSVCRatioSupportList = 14;
        public const int MobileDeviceType = 15;
        public const int HorizontalFieldAngle = 16;
        public const int VerticalFieldAngle = 17;
        public const int MaxViewDistance = 18;
        public const int GrassrootsCode = 19;
        public const int PointType = 20;
        public const int PointCommonName = 21;
        public const int MAC = 22;
        public const int FunctionType = 23;
        public const int EncodeType = 24;
        public const int InstallTime = 25;
        public const int ManagementUnit = 26;
        public const int ContactInfo = 27;
        public const int RecordSaveDays = 28;
        public const int IndustrialClassification = 29;
    }
}
