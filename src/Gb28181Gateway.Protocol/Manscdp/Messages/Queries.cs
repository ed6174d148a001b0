using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>Base of the queries that carry nothing but the header.</summary>
public abstract record ManscdpSimpleQuery : ManscdpMessage
{
    private protected ManscdpSimpleQuery()
    {
    }

    public sealed override ManscdpRoot Root => ManscdpRoot.Query;

    internal override void WriteBody(ManscdpWriter writer)
    {
    }

    internal static IReadOnlyList<ManscdpElement> ReadExtensions(in XmlDocument d)
    {
        List<ManscdpElement>? ext = null;
        for (var child = d.FirstChild(0); child >= 0; child = d.NextSibling(child))
        {
            if (!ModelReader.IsHeader(d.Name(child)))
            {
                (ext ??= []).Add(d.ToElement(child));
            }
        }

        return ValueList<ManscdpElement>.Adopt(ext);
    }
}

/// <summary><c>Query/DeviceInfo</c>.</summary>
public sealed record DeviceInfoQuery : ManscdpSimpleQuery
{
    public override string CmdType => ManscdpCmdType.DeviceInfo;
}

/// <summary><c>Query/DeviceStatus</c>.</summary>
public sealed record DeviceStatusQuery : ManscdpSimpleQuery
{
    public override string CmdType => ManscdpCmdType.DeviceStatus;
}

/// <summary><c>Query/PresetQuery</c>.</summary>
public sealed record PresetQuery : ManscdpSimpleQuery
{
    public override string CmdType => ManscdpCmdType.PresetQuery;
}

/// <summary><c>Query/Catalog</c> (also the body of a catalog SUBSCRIBE); the time window is optional.</summary>
public sealed record CatalogQuery : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Query;

    public override string CmdType => ManscdpCmdType.Catalog;

    public DateTime? StartTime { get; init; }

    public DateTime? EndTime { get; init; }

    internal static CatalogQuery Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new CatalogQuery
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            StartTime = ModelReader.Time(d, f[F.StartTime], ref ext),
            EndTime = ModelReader.Time(d, f[F.EndTime], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("StartTime"u8, StartTime);
        writer.Element("EndTime"u8, EndTime);
    }

    private static class F
    {
        public const int StartTime = 0;
        public const int EndTime = 1;
    }
}

/// <summary><c>Query/RecordInfo</c>: recordings of a channel in a time window.</summary>
public sealed record RecordInfoQuery : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Query;

    public override string CmdType => ManscdpCmdType.RecordInfo;

    public DateTime? StartTime { get; init; }

    public DateTime? EndTime { get; init; }

    public string? FilePath { get; init; }

    public string? Address { get; init; }

    public int? Secrecy { get; init; }

    /// <summary><c>all</c>, <c>time</c>, <c>alarm</c> or <c>manual</c>.</summary>
    public string? Type { get; init; }

    public string? RecorderId { get; init; }

    public int? IndistinctQuery { get; init; }

    /// <summary>2022: main stream 0, sub-streams 1, 2 ...</summary>
    public int? StreamNumber { get; init; }

    /// <summary>2022: alarm method filter when <see cref="Type"/> is alarm.</summary>
    public string? AlarmMethod { get; init; }

    /// <summary>2022: alarm type filter when <see cref="Type"/> is alarm.</summary>
    public string? AlarmType { get; init; }

    internal static RecordInfoQuery Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new RecordInfoQuery
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            StartTime = ModelReader.Time(d, f[F.StartTime], ref ext),
            EndTime = ModelReader.Time(d, f[F.EndTime], ref ext),
            FilePath = d.Text(f[F.FilePath]),
            Address = d.Text(f[F.Address]),
            Secrecy = ModelReader.Int(d, f[F.Secrecy], ref ext),
            Type = d.Text(f[F.Type]),
            RecorderId = d.Text(f[F.RecorderID]),
            IndistinctQuery = ModelReader.Int(d, f[F.IndistinctQuery], ref ext),
            StreamNumber = ModelReader.Int(d, f[F.StreamNumber], ref ext),
            AlarmMethod = d.Text(f[F.AlarmMethod]),
            AlarmType = d.Text(f[F.AlarmType]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("StartTime"u8, StartTime);
        writer.Element("EndTime"u8, EndTime);
        writer.Element("FilePath"u8, FilePath);
        writer.Element("Address"u8, Address);
        writer.Element("Secrecy"u8, Secrecy);
        writer.Element("Type"u8, Type);
        writer.Element("RecorderID"u8, RecorderId);
        writer.Element("IndistinctQuery"u8, IndistinctQuery);
        writer.Element("StreamNumber"u8, StreamNumber);
        writer.Element("AlarmMethod"u8, AlarmMethod);
        writer.Element("AlarmType"u8, AlarmType);
    }

    private static class F
    {
        public const int StartTime = 0;
        public const int EndTime = 1;
        public const int FilePath = 2;
        public const int Address = 3;
        public const int Secrecy = 4;
        public const int Type = 5;
        public const int RecorderID = 6;
        public const int IndistinctQuery = 7;
        public const int StreamNumber = 8;
        public const int AlarmMethod = 9;
        public const int AlarmType = 10;
    }
}

/// <summary><c>Query/ConfigDownload</c>: one or more config types joined by '/'.</summary>
public sealed record ConfigDownloadQuery : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Query;

    public override string CmdType => ManscdpCmdType.ConfigDownload;

    /// <summary>The raw value, e.g. <c>BasicParam/VideoParamOpt</c>.</summary>
    public string ConfigType { get; init; } = "BasicParam";

    /// <summary>The requested types, split on '/'.</summary>
    public IReadOnlyList<string> ConfigTypes => ConfigType.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static ConfigDownloadQuery Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new ConfigDownloadQuery
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            ConfigType = d.Text(f[F.ConfigType]) ?? string.Empty,
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer) => writer.Element("ConfigType"u8, ConfigType);

    private static class F
    {
        public const int ConfigType = 0;
    }
}

/// <summary><c>Query/Alarm</c> (also the body of an alarm SUBSCRIBE).</summary>
public sealed record AlarmQuery : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Query;

    public override string CmdType => ManscdpCmdType.Alarm;

    public int? StartAlarmPriority { get; init; }

    public int? EndAlarmPriority { get; init; }

    /// <summary>0 = all, or methods joined by '/'.</summary>
    public string? AlarmMethod { get; init; }

    public string? AlarmType { get; init; }

    public DateTime? StartAlarmTime { get; init; }

    public DateTime? EndAlarmTime { get; init; }

    internal static AlarmQuery Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new AlarmQuery
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            StartAlarmPriority = ModelReader.Int(d, f[F.StartAlarmPriority], ref ext),
            EndAlarmPriority = ModelReader.Int(d, f[F.EndAlarmPriority], ref ext),
            AlarmMethod = d.Text(f[F.AlarmMethod]),
            AlarmType = d.Text(f[F.AlarmType]),
            StartAlarmTime = ModelReader.Time(d, f[F.StartAlarmTime], ref ext),
            EndAlarmTime = ModelReader.Time(d, f[F.EndAlarmTime], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("StartAlarmPriority"u8, StartAlarmPriority);
        writer.Element("EndAlarmPriority"u8, EndAlarmPriority);
        writer.Element("AlarmMethod"u8, AlarmMethod);
        writer.Element("AlarmType"u8, AlarmType);
        writer.Element("StartAlarmTime"u8, StartAlarmTime);
        writer.Element("EndAlarmTime"u8, EndAlarmTime);
    }

    private static class F
    {
        public const int StartAlarmPriority = 0;
        public const int EndAlarmPriority = 1;
        public const int AlarmMethod = 2;
        public const int AlarmType = 3;
        public const int StartAlarmTime = 4;
        public const int EndAlarmTime = 5;
    }
}

/// <summary><c>Query/MobilePosition</c> (also the body of a MobilePosition SUBSCRIBE): report interval in seconds.</summary>
public sealed record MobilePositionQuery : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Query;

    public override string CmdType => ManscdpCmdType.MobilePosition;

    public int? Interval { get; init; }

    internal static MobilePositionQuery Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        return new MobilePositionQuery
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Interval = ModelReader.Int(d, f[F.Interval], ref ext),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal override void WriteBody(ManscdpWriter writer) => writer.Element("Interval"u8, Interval);

    private static class F
    {
        public const int Interval = 0;
    }
}
