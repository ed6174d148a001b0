using Gb28181Gateway.Protocol.Internal;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// A catalog list: the <c>Response</c> to a catalog query, or a subscription <c>Notify</c>. Large catalogs
/// arrive as several messages with the same SN and SumNum (aggregate by (DeviceID, SN) until SumNum items);
/// <see cref="ManscdpCodec.Split(CatalogList, int, int, Text.GbCharset)"/> produces such a sequence.
/// </summary>
public abstract record CatalogList : ManscdpMessage
{
    private static readonly FieldTable Fields = FieldTable.Of(typeof(F));

    private protected CatalogList()
    {
    }

    public sealed override string CmdType => ManscdpCmdType.Catalog;

    /// <summary>The total number of items across all messages of this answer.</summary>
    public int? SumNum { get; init; }

    /// <summary>The items of this message (<c>DeviceList</c>; its <c>Num</c> attribute is always written as their count).</summary>
    public IReadOnlyList<CatalogItem> Items { get; init => field = ValueList<CatalogItem>.From(value); } = ValueList<CatalogItem>.Empty;

    internal static (int? SumNum, ValueList<CatalogItem> Items, ValueList<ManscdpElement> Extensions) ReadList(in XmlDocument d)
    {
        Span<int> f = stackalloc int[Fields.Count];
        List<ManscdpElement>? ext = null;
        ModelReader.Classify(d, 0, Fields, f, ref ext, root: true);
        List<CatalogItem>? items = null;
        if (f[F.DeviceList] >= 0)
        {
            for (var item = d.FirstChild(f[F.DeviceList]); item >= 0; item = d.NextSibling(item))
            {
                if (d.NameIs(item, "Item"u8))
                {
                    (items ??= []).Add(CatalogItem.Read(d, item));
                }
            }
        }

        var sumNum = ModelReader.Int(d, f[F.SumNum], ref ext);
        return (sumNum, ValueList<CatalogItem>.Adopt(items), ValueList<ManscdpElement>.Adopt(ext));
    }

    /// <summary>True when the body is a catalog list (has DeviceList or SumNum) rather than a bare Result.</summary>
    internal static bool Looks(in XmlDocument d) => d.Child(0, "DeviceList"u8) >= 0 || d.Child(0, "SumNum"u8) >= 0;

    internal override void WriteBody(ManscdpWriter writer)
    {
        writer.Element("SumNum"u8, SumNum ?? Items.Count);
        writer.Start("DeviceList"u8, "Num"u8, Items.Count);
        foreach (var item in Items)
        {
            item.Write(writer);
        }

        writer.End("DeviceList"u8);
    }

    private static class F
    {
        public const int SumNum = 0;
        public const int DeviceList = 1;
    }
}

/// <summary><c>Response/Catalog</c>: the channels (and organisation nodes) of a device or platform.</summary>
public sealed record CatalogResponse : CatalogList
{
    public override ManscdpRoot Root => ManscdpRoot.Response;

    internal static CatalogResponse Read(in XmlDocument d, in HeaderValues h)
    {
        var (sumNum, items, ext) = ReadList(d);
        return new CatalogResponse { Sn = h.Sn, DeviceId = h.DeviceId, SumNum = sumNum, Items = items, Extensions = ext };
    }
}

/// <summary><c>Notify/Catalog</c>: subscription changes; every item carries an <see cref="CatalogItem.Event"/>.</summary>
public sealed record CatalogNotify : CatalogList
{
    public override ManscdpRoot Root => ManscdpRoot.Notify;

    internal static CatalogNotify Read(in XmlDocument d, in HeaderValues h)
    {
        var (sumNum, items, ext) = ReadList(d);
        return new CatalogNotify { Sn = h.Sn, DeviceId = h.DeviceId, SumNum = sumNum, Items = items, Extensions = ext };
    }
}
