using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// <c>Control/DeviceConfig</c>: BasicParam, the SVAC configurations (kept as element trees), and the 2022
/// SnapShotConfig (answered with a Result, then later a <see cref="UploadSnapShotFinishedNotify"/>).
/// </summary>
public sealed record DeviceConfig : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Control;

    public override string CmdType => ManscdpCmdType.DeviceConfig;

    public BasicParam? BasicParam { get; init; }

    public ManscdpElement? SvacEncodeConfig { get; init; }

    public ManscdpElement? SvacDecodeConfig { get; init; }

    public SnapShotConfig? SnapShotConfig { get; init; }

    internal static DeviceConfig Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new DeviceConfig
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            BasicParam = BasicParam.Read(d, f[F.BasicParam]),
            SvacEncodeConfig = ModelReader.Element(d, f[F.SVACEncodeConfig]),
            SvacDecodeConfig = ModelReader.Element(d, f[F.SVACDecodeConfig]),
            SnapShotConfig = SnapShotConfig.Read(d, f[F.SnapShotConfig]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        BasicParam?.Write(writer);
        writer.Element(SvacEncodeConfig);
        writer.Element(SvacDecodeConfig);
        SnapShotConfig?.Write(writer);
    }

    private static class F
    {
        public const int BasicParam = 0;
        public const int SVACEncodeConfig = 1;
        public const int SVACDecodeConfig = 2;
        public const int SnapShotConfig = 3;
    }
}

/// <summary>
/// <c>BasicParam</c> (DeviceConfig and ConfigDownload): name, registration expiry, heartbeat interval and
/// count (what decides when a device counts as offline), and the SIP server settings devices report.
/// </summary>
public sealed record BasicParam
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public string? Name { get; init; }

    public string? DeviceId { get; init; }

    public string? SipServerId { get; init; }

    public string? SipServerIp { get; init; }

    public int? SipServerPort { get; init; }

    public string? DomainName { get; init; }

    /// <summary>Registration expiry, seconds.</summary>
    public int? Expiration { get; init; }

    public string? Password { get; init; }

    /// <summary>Keepalive interval, seconds.</summary>
    public int? HeartBeatInterval { get; init; }

    /// <summary>Missed keepalives before the device counts as offline.</summary>
    public int? HeartBeatCount { get; init; }

    public int? PositionCapability { get; init; }

    public double? Longitude { get; init; }

    public double? Latitude { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static BasicParam? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new BasicParam
        {
            Name = d.Text(f[F.Name]),
            DeviceId = d.Text(f[F.DeviceID]),
            SipServerId = d.Text(f[F.SIPServerID]),
            SipServerIp = d.Text(f[F.SIPServerIP]),
            SipServerPort = ModelReader.Int(d, f[F.SIPServerPort], ref ext),
            DomainName = d.Text(f[F.DomainName]),
            Expiration = ModelReader.Int(d, f[F.Expiration], ref ext),
            Password = d.Text(f[F.Password]),
            HeartBeatInterval = ModelReader.Int(d, f[F.HeartBeatInterval], ref ext),
            HeartBeatCount = ModelReader.Int(d, f[F.HeartBeatCount], ref ext),
            PositionCapability = ModelReader.Int(d, f[F.PositionCapability], ref ext),
            Longitude = ModelReader.Double(d, f[F.Longitude], ref ext),
            Latitude = ModelReader.Double(d, f[F.Latitude], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("BasicParam"u8);
        writer.Element("Name"u8, Name);
        writer.Element("DeviceID"u8, DeviceId);
        writer.Element("SIPServerID"u8, SipServerId);
        writer.Element("SIPServerIP"u8, SipServerIp);
        writer.Element("SIPServerPort"u8, SipServerPort);
        writer.Element("DomainName"u8, DomainName);
        writer.Element("Expiration"u8, Expiration);
        writer.Element("Password"u8, Password);
        writer.Element("HeartBeatInterval"u8, HeartBeatInterval);
        writer.Element("HeartBeatCount"u8, HeartBeatCount);
        writer.Element("PositionCapability"u8, PositionCapability);
        writer.Element("Longitude"u8, Longitude);
        writer.Element("Latitude"u8, Latitude);
        writer.Elements(Extensions);
        writer.End("BasicParam"u8);
    }

    private static class F
    {
        public const int Name = 0;
        public const int DeviceID = 1;
        public const int SIPServerID = 2;
        public const int SIPServerIP = 3;
        public const int SIPServerPort = 4;
        public const int DomainName = 5;
        public const int Expiration = 6;
        public const int Password = 7;
        public const int HeartBeatInterval = 8;
        public const int HeartBeatCount = 9;
        public const int PositionCapability = 10;
        public const int Longitude = 11;
        public const int Latitude = 12;
    }
}

/// <summary>2022 <c>SnapShotConfig</c>: how many pictures, the interval, where to upload, and the session id.</summary>
public sealed record SnapShotConfig
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    /// <summary>Pictures to take (1-10).</summary>
    public int? SnapNum { get; init; }

    /// <summary>Seconds between pictures (at least 1).</summary>
    public int? Interval { get; init; }

    /// <summary>Where the device uploads the pictures (kept as text; HTTP or FTP).</summary>
    [SuppressMessage("Design", "CA1056", Justification = "Verbatim protocol text; devices send values System.Uri rejects.")]
    public string? UploadUrl { get; init; }

    /// <summary>Correlates the uploads and the final UploadSnapShotFinished notify.</summary>
    public string? SessionId { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static SnapShotConfig? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new SnapShotConfig
        {
            SnapNum = ModelReader.Int(d, f[F.SnapNum], ref ext),
            Interval = ModelReader.Int(d, f[F.Interval], ref ext),
            UploadUrl = d.Text(f[F.UploadURL]),
            SessionId = d.Text(f[F.SessionID]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("SnapShotConfig"u8);
        writer.Element("SnapNum"u8, SnapNum);
        writer.Element("Interval"u8, Interval);
        writer.Element("UploadURL"u8, UploadUrl);
        writer.Element("SessionID"u8, SessionId);
        writer.Elements(Extensions);
        writer.End("SnapShotConfig"u8);
    }

    private static class F
    {
        public const int SnapNum = 0;
        public const int Interval = 1;
        public const int UploadURL = 2;
        public const int SessionID = 3;
    }
}
