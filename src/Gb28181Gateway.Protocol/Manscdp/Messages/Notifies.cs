using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary><c>Notify/Keepalive</c>: status, and in <c>Info</c> the IDs of faulty sub-devices.</summary>
public sealed record KeepaliveNotify : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Notify;

    public override string CmdType => ManscdpCmdType.Keepalive;

    /// <summary><c>OK</c> normally.</summary>
    public string Status { get; init; } = "OK";

    /// <summary>The DeviceIDs listed in <c>Info</c> (sub-devices reported faulty).</summary>
    public IReadOnlyList<string> FaultDeviceIds { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>Other elements found inside <c>Info</c>.</summary>
    public IReadOnlyList<ManscdpElement> InfoExtensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static KeepaliveNotify Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        List<string>? faults = null;
        List<ManscdpElement>? infoExt = null;
        if (f[F.Info] >= 0)
        {
            for (var c = d.FirstChild(f[F.Info]); c >= 0; c = d.NextSibling(c))
            {
                if (d.NameIs(c, "DeviceID"u8) && d.Text(c) is { } id)
                {
                    (faults ??= []).Add(id);
                }
                else
                {
                    (infoExt ??= []).Add(d.ToElement(c));
                }
            }
        }

        return new KeepaliveNotify
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Status = d.Text(f[F.Status]) ?? string.Empty,
            FaultDeviceIds = ValueList<string>.Adopt(faults),
            InfoExtensions = ValueList<ManscdpElement>.Adopt(infoExt),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("Status"u8, Status);
        if (FaultDeviceIds.Count > 0 || InfoExtensions.Count > 0)
        {
            writer.Start("Info"u8);
            foreach (var id in FaultDeviceIds)
            {
                writer.Element("DeviceID"u8, id);
            }

            writer.Elements(InfoExtensions);
            writer.End("Info"u8);
        }
    }

    private static class F
    {
        public const int Status = 0;
        public const int Info = 1;
    }
}

/// <summary><c>Notify/Alarm</c>: answered with a <see cref="ManscdpResult"/> (CmdType Alarm).</summary>
public sealed record AlarmNotify : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Notify;

    public override string CmdType => ManscdpCmdType.Alarm;

    /// <summary>1 (first level, most urgent) to 4.</summary>
    public int? AlarmPriority { get; init; }

    /// <summary>1 phone, 2 device, 3 SMS, 4 GPS, 5 video, 6 device fault, 7 other.</summary>
    public int? AlarmMethod { get; init; }

    public DateTime? AlarmTime { get; init; }

    public string? AlarmDescription { get; init; }

    public double? Longitude { get; init; }

    public double? Latitude { get; init; }

    public AlarmInfo? Info { get; init; }

    internal static AlarmNotify Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new AlarmNotify
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            AlarmPriority = ModelReader.Int(d, f[F.AlarmPriority], ref ext),
            AlarmMethod = ModelReader.Int(d, f[F.AlarmMethod], ref ext),
            AlarmTime = ModelReader.Time(d, f[F.AlarmTime], ref ext),
            AlarmDescription = d.Text(f[F.AlarmDescription]),
            Longitude = ModelReader.Double(d, f[F.Longitude], ref ext),
            Latitude = ModelReader.Double(d, f[F.Latitude], ref ext),
            Info = AlarmInfo.Read(d, f[F.Info]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("AlarmPriority"u8, AlarmPriority);
        writer.Element("AlarmMethod"u8, AlarmMethod);
        writer.Element("AlarmTime"u8, AlarmTime);
        writer.Element("AlarmDescription"u8, AlarmDescription);
        writer.Element("Longitude"u8, Longitude);
        writer.Element("Latitude"u8, Latitude);
        Info?.Write(writer);
    }

    private static class F
    {
        public const int AlarmPriority = 0;
        public const int AlarmMethod = 1;
        public const int AlarmTime = 2;
        public const int AlarmDescription = 3;
        public const int Longitude = 4;
        public const int Latitude = 5;
        public const int Info = 6;
    }
}

/// <summary>The <c>Info</c> of an alarm: the alarm type and its parameters (EventType for video alarms).</summary>
public sealed record AlarmInfo
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public int? AlarmType { get; init; }

    /// <summary>The <c>AlarmTypeParam</c> element as sent.</summary>
    public ManscdpElement? AlarmTypeParam { get; init; }

    /// <summary><c>AlarmTypeParam/EventType</c> when present and numeric.</summary>
    public int? EventType => int.TryParse(AlarmTypeParam?.Child("EventType")?.Text, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    internal static AlarmInfo? Read(in XmlDocument d, int node)
    {
        if (node < 0)
        {
            return null;
        }

        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new AlarmInfo
        {
            AlarmType = ModelReader.Int(d, f[F.AlarmType], ref ext),
            AlarmTypeParam = ModelReader.Element(d, f[F.AlarmTypeParam]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("Info"u8);
        writer.Element("AlarmType"u8, AlarmType);
        writer.Element(AlarmTypeParam);
        writer.Elements(Extensions);
        writer.End("Info"u8);
    }

    private static class F
    {
        public const int AlarmType = 0;
        public const int AlarmTypeParam = 1;
    }
}

/// <summary><c>Notify/MediaStatus</c>, sent inside an INVITE dialog; NotifyType 121 = the file ended (the receiver BYEs).</summary>
public sealed record MediaStatusNotify : ManscdpMessage
{
    public const int EndOfFile = 121;

    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Notify;

    public override string CmdType => ManscdpCmdType.MediaStatus;

    public int? NotifyType { get; init; }

    public bool IsEndOfFile => NotifyType == EndOfFile;

    internal static MediaStatusNotify Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new MediaStatusNotify
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            NotifyType = ModelReader.Int(d, f[F.NotifyType], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer) => writer.Element("NotifyType"u8, NotifyType);

    private static class F
    {
        public const int NotifyType = 0;
    }
}

/// <summary><c>Notify/Broadcast</c>: asks the target to start a voice broadcast; it has SourceID/TargetID and no DeviceID.</summary>
public sealed record BroadcastNotify : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Notify;

    public override string CmdType => ManscdpCmdType.Broadcast;

    public required string SourceId { get; init; }

    public required string TargetId { get; init; }

    private protected override bool HasDeviceId => false;

    internal static BroadcastNotify Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new BroadcastNotify
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            SourceId = d.Text(f[F.SourceID]) ?? string.Empty,
            TargetId = d.Text(f[F.TargetID]) ?? string.Empty,
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("SourceID"u8, SourceId);
        writer.Element("TargetID"u8, TargetId);
    }

    private static class F
    {
        public const int SourceID = 0;
        public const int TargetID = 1;
    }
}

/// <summary>2022 <c>Notify/UploadSnapShotFinished</c>: the pictures a SnapShotConfig session uploaded.</summary>
public sealed record UploadSnapShotFinishedNotify : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Notify;

    public override string CmdType => ManscdpCmdType.UploadSnapShotFinished;

    public string? SessionId { get; init; }

    /// <summary>The <c>SnapShotList/SnapShotFileID</c> values.</summary>
    public IReadOnlyList<string> SnapShotFileIds { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    internal static UploadSnapShotFinishedNotify Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        List<string>? files = null;
        if (f[F.SnapShotList] >= 0)
        {
            for (var c = d.FirstChild(f[F.SnapShotList]); c >= 0; c = d.NextSibling(c))
            {
                if (d.Text(c) is { } id)
                {
                    (files ??= []).Add(id);
                }
            }
        }

        return new UploadSnapShotFinishedNotify
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            SessionId = d.Text(f[F.SessionID]),
            SnapShotFileIds = ValueList<string>.Adopt(files),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("SessionID"u8, SessionId);
        writer.Start("SnapShotList"u8);
        foreach (var id in SnapShotFileIds)
        {
            writer.Element("SnapShotFileID"u8, id);
        }

        writer.End("SnapShotList"u8);
    }

    private static class F
    {
        public const int SessionID = 0;
        public const int SnapShotList = 1;
    }
}
