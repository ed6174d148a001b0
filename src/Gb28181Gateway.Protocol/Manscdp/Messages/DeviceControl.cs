using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Ptz;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// <c>Control/DeviceControl</c>. A message normally carries one command; every command of 2016 and 2022 is a
/// property and the ones present are written in the standard order. PTZ gets no MANSCDP answer; the other
/// commands are answered with a <see cref="ManscdpResult"/>. A cascade forwards <see cref="PtzCmd"/>
/// unchanged (only the DeviceID is mapped).
/// </summary>
public sealed record DeviceControl : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F), ("IFrameCmd", F.IFameCmd));

    public override ManscdpRoot Root => ManscdpRoot.Control;

    public override string CmdType => ManscdpCmdType.DeviceControl;

    /// <summary>The 16-hex-digit PTZ command, verbatim; see <see cref="Ptz"/> for the decoded form.</summary>
    public string? PtzCmd { get; init; }

    /// <summary><c>Boot</c>.</summary>
    public string? TeleBoot { get; init; }

    /// <summary><c>Record</c> or <c>StopRecord</c>.</summary>
    public string? RecordCmd { get; init; }

    /// <summary>2022: the stream RecordCmd applies to (0 = main).</summary>
    public int? StreamNumber { get; init; }

    /// <summary><c>SetGuard</c> or <c>ResetGuard</c>.</summary>
    public string? GuardCmd { get; init; }

    /// <summary><c>ResetAlarm</c>.</summary>
    public string? AlarmCmd { get; init; }

    /// <summary><c>Send</c>. Read from <c>IFameCmd</c> (the standard's spelling) or <c>IFrameCmd</c>; written as <c>IFameCmd</c>.</summary>
    public string? IFrameCmd { get; init; }

    public DragZoom? DragZoomIn { get; init; }

    public DragZoom? DragZoomOut { get; init; }

    public HomePosition? HomePosition { get; init; }

    /// <summary>2022 absolute PTZ positioning.</summary>
    public PtzPreciseControl? PtzPreciseCtrl { get; init; }

    /// <summary>2022 firmware upgrade.</summary>
    public DeviceUpgrade? DeviceUpgrade { get; init; }

    /// <summary>2022: index of the SD card to format.</summary>
    public int? FormatSdCard { get; init; }

    /// <summary>2022: <c>Auto</c>, <c>Manual</c> or <c>Stop</c>.</summary>
    public string? TargetTrack { get; init; }

    /// <summary>2022: the detail camera for TargetTrack.</summary>
    public string? DeviceId2 { get; init; }

    /// <summary>2022: the target area for a manual TargetTrack.</summary>
    public DragZoom? TargetArea { get; init; }

    /// <summary>The <c>Info</c> block: ControlPriority (PTZ) or AlarmMethod/AlarmType (AlarmCmd).</summary>
    public DeviceControlInfo? Info { get; init; }

    /// <summary>The decoded <see cref="PtzCmd"/>, or null when absent or not a valid command.</summary>
    public PtzCommand? Ptz => PtzCommand.TryParse(PtzCmd, out var command) ? command : null;

    internal static DeviceControl Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new DeviceControl
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            PtzCmd = d.Text(f[F.PTZCmd]),
            TeleBoot = d.Text(f[F.TeleBoot]),
            RecordCmd = d.Text(f[F.RecordCmd]),
            StreamNumber = ModelReader.Int(d, f[F.StreamNumber], ref ext),
            GuardCmd = d.Text(f[F.GuardCmd]),
            AlarmCmd = d.Text(f[F.AlarmCmd]),
            IFrameCmd = d.Text(f[F.IFameCmd]),
            DragZoomIn = DragZoom.Read(d, f[F.DragZoomIn]),
            DragZoomOut = DragZoom.Read(d, f[F.DragZoomOut]),
            HomePosition = HomePosition.Read(d, f[F.HomePosition]),
            PtzPreciseCtrl = PtzPreciseControl.Read(d, f[F.PTZPreciseCtrl]),
            DeviceUpgrade = DeviceUpgrade.Read(d, f[F.DeviceUpgrade]),
            FormatSdCard = ModelReader.Int(d, f[F.FormatSDCard], ref ext),
            TargetTrack = d.Text(f[F.TargetTrack]),
            DeviceId2 = d.Text(f[F.DeviceID2]),
            TargetArea = DragZoom.Read(d, f[F.TargetArea]),
            Info = DeviceControlInfo.Read(d, f[F.Info]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("PTZCmd"u8, PtzCmd);
        writer.Element("TeleBoot"u8, TeleBoot);
        writer.Element("RecordCmd"u8, RecordCmd);
        writer.Element("StreamNumber"u8, StreamNumber);
        writer.Element("GuardCmd"u8, GuardCmd);
        writer.Element("AlarmCmd"u8, AlarmCmd);
        writer.Element("IFameCmd"u8, IFrameCmd);
        DragZoomIn?.Write(writer, "DragZoomIn"u8);
        DragZoomOut?.Write(writer, "DragZoomOut"u8);
        HomePosition?.Write(writer);
        PtzPreciseCtrl?.Write(writer);
        DeviceUpgrade?.Write(writer);
        writer.Element("FormatSDCard"u8, FormatSdCard);
        writer.Element("TargetTrack"u8, TargetTrack);
        writer.Element("DeviceID2"u8, DeviceId2);
        TargetArea?.Write(writer, "TargetArea"u8);
        Info?.Write(writer);
    }

    private static class F
    {
        public const int PTZCmd = 0;
        public const int TeleBoot = 1;
        public const int RecordCmd = 2;
        public const int StreamNumber = 3;
        public const int GuardCmd = 4;
        public const int AlarmCmd = 5;
        public const int IFameCmd = 6;
        public const int DragZoomIn = 7;
        public const int DragZoomOut = 8;
        public const int HomePosition = 9;
        public const int PTZPreciseCtrl = 10;
        public const int DeviceUpgrade = 11;
        public const int FormatSDCard = 12;
        public const int TargetTrack = 13;
        public const int DeviceID2 = 14;
        public const int TargetArea = 15;
        public const int Info = 16;
    }
}

/// <summary>The <c>Info</c> element of a DeviceControl.</summary>
public sealed record DeviceControlInfo
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    /// <summary>PTZ control priority (1-5; higher wins on the device).</summary>
    public int? ControlPriority { get; init; }

    /// <summary>AlarmCmd: the alarm method to reset.</summary>
    public string? AlarmMethod { get; init; }

    /// <summary>AlarmCmd: the alarm type to reset.</summary>
    public string? AlarmType { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static DeviceControlInfo? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new DeviceControlInfo
        {
            ControlPriority = ModelReader.Int(d, f[F.ControlPriority], ref ext),
            AlarmMethod = d.Text(f[F.AlarmMethod]),
            AlarmType = d.Text(f[F.AlarmType]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("Info"u8);
        writer.Element("ControlPriority"u8, ControlPriority);
        writer.Element("AlarmMethod"u8, AlarmMethod);
        writer.Element("AlarmType"u8, AlarmType);
        writer.Elements(Extensions);
        writer.End("Info"u8);
    }

    private static class F
    {
        public const int ControlPriority = 0;
        public const int AlarmMethod = 1;
        public const int AlarmType = 2;
    }
}
