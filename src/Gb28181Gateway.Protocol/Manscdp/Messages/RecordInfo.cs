using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// <c>Response/RecordInfo</c>: recordings of a channel; like the catalog, split across messages with the
/// same SN and SumNum (see <see cref="ManscdpCodec.Split(RecordInfoResponse, int, int, Text.GbCharset)"/>).
/// </summary>
public sealed record RecordInfoResponse : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public override ManscdpRoot Root => ManscdpRoot.Response;

    public override string CmdType => ManscdpCmdType.RecordInfo;

    /// <summary>The channel's name.</summary>
    public string? Name { get; init; }

    public int? SumNum { get; init; }

    public IReadOnlyList<RecordItem> Items { get; init => field = ValueList<RecordItem>.From(value); } = ValueList<RecordItem>.Empty;

    internal static RecordInfoResponse Read(in XmlDocument d, in HeaderValues h)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        List<RecordItem>? items = null;
        if (f[F.RecordList] >= 0)
        {
            for (var item = d.FirstChild(f[F.RecordList]); item >= 0; item = d.NextSibling(item))
            {
                if (d.NameIs(item, "Item"u8))
                {
                    (items ??= []).Add(RecordItem.Read(d, item));
                }
            }
        }

        return new RecordInfoResponse
        {
            Sn = h.Sn,
            DeviceId = h.DeviceId,
            Name = d.Text(f[F.Name]),
            SumNum = ModelReader.Int(d, f[F.SumNum], ref ext),
            Items = ValueList<RecordItem>.Adopt(items),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal static bool Looks(in XmlDocument d) => d.Child(0, "RecordList"u8) >= 0 || d.Child(0, "SumNum"u8) >= 0;

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("Name"u8, Name);
        writer.Element("SumNum"u8, SumNum ?? Items.Count);
        writer.Start("RecordList"u8, "Num"u8, Items.Count);
        foreach (var item in Items)
        {
            item.Write(writer);
        }

        writer.End("RecordList"u8);
    }

    private static class F
    {
        public const int Name = 0;
        public const int SumNum = 1;
        public const int RecordList = 2;
    }
}

/// <summary>
/// One recording. Text as sent (items are forwarded upward re-encoded); <see cref="Start"/> and
/// <see cref="End"/> read the times.
/// </summary>
public sealed record RecordItem
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    public required string DeviceId { get; init; }

    public string? Name { get; init; }

    public string? FilePath { get; init; }

    public string? Address { get; init; }

    public string? StartTime { get; init; }

    public string? EndTime { get; init; }

    public string? Secrecy { get; init; }

    /// <summary>time, alarm or manual.</summary>
    public string? Type { get; init; }

    public string? RecorderId { get; init; }

    /// <summary>Bytes.</summary>
    public string? FileSize { get; init; }

    /// <summary>2022: which stream was recorded.</summary>
    public string? StreamNumber { get; init; }

    /// <summary>2022: where the file is stored.</summary>
    public string? RecordLocation { get; init; }

    public IReadOnlyList<ManscdpElement> Extensions { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    public DateTime? Start => GbTime.TryParse(StartTime, out var value) ? value : null;

    public DateTime? End => GbTime.TryParse(EndTime, out var value) ? value : null;

    internal static RecordItem Read(in XmlDocument d, int node)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, node, Fields, f, ref ext);
        return new RecordItem
        {
            DeviceId = d.Text(f[F.DeviceID]) ?? string.Empty,
            Name = d.Text(f[F.Name]),
            FilePath = d.Text(f[F.FilePath]),
            Address = d.Text(f[F.Address]),
            StartTime = d.Text(f[F.StartTime]),
            EndTime = d.Text(f[F.EndTime]),
            Secrecy = d.Text(f[F.Secrecy]),
            Type = d.Text(f[F.Type]),
            RecorderId = d.Text(f[F.RecorderID]),
            FileSize = d.Text(f[F.FileSize]),
            StreamNumber = d.Text(f[F.StreamNumber]),
            RecordLocation = d.Text(f[F.RecordLocation]),
            Extensions = ValueList<ManscdpElement>.Adopt(ext),
        };
    }

    internal void Write(ManscdpWriter writer)
    {
        writer.Start("Item"u8);
        writer.Element("DeviceID"u8, DeviceId);
        writer.Element("Name"u8, Name);
        writer.Element("FilePath"u8, FilePath);
        writer.Element("Address"u8, Address);
        writer.Element("StartTime"u8, StartTime);
        writer.Element("EndTime"u8, EndTime);
        writer.Element("Secrecy"u8, Secrecy);
        writer.Element("Type"u8, Type);
        writer.Element("RecorderID"u8, RecorderId);
        writer.Element("FileSize"u8, FileSize);
        writer.Element("StreamNumber"u8, StreamNumber);
        writer.Element("RecordLocation"u8, RecordLocation);
        writer.Elements(Extensions);
        writer.End("Item"u8);
    }

    private static class F
    {
        public const int DeviceID = 0;
        public const int Name = 1;
        public const int FilePath = 2;
        public const int Address = 3;
        public const int StartTime = 4;
        public const int EndTime = 5;
        public const int Secrecy = 6;
        public const int Type = 7;
        public const int RecorderID = 8;
        public const int FileSize = 9;
        public const int StreamNumber = 10;
        public const int RecordLocation = 11;
    }
}
