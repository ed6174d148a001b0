using System.Buffers;
using System.Globalization;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// Splits a list answer (Catalog, RecordInfo) into bodies. Each item is encoded once; a body is the common
/// prefix (declaration, root, header, SumNum), a list start tag with its Num, the items, and the common
/// suffix (list end, extensions, root end), so every size is exact before anything is assembled.
/// </summary>
internal static class ManscdpSplitter
{
    public static IReadOnlyList<byte[]> Split<TItem>(
        ManscdpMessage message,
        ReadOnlySpan<byte> listName,
        IReadOnlyList<TItem> items,
        Action<ManscdpWriter, TItem> writeItem,
        int itemsPerMessage,
        int maxBodyBytes,
        GbCharset charset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(itemsPerMessage, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBodyBytes, 1);

        // The whole message written once with no items gives the prefix and suffix around "<List Num=\"0\">\r\n".
        var empty = message switch
        {
            CatalogList catalog => ManscdpCodec.Encode(catalog with { Items = [], SumNum = catalog.SumNum ?? catalog.Items.Count }, charset),
            RecordInfoResponse records => ManscdpCodec.Encode(records with { Items = [], SumNum = records.SumNum ?? records.Items.Count }, charset),
            _ => throw new ArgumentException($"{message.GetType().Name} is not a list answer", nameof(message)),
        };
        var openZero = ListOpen(listName, 0);
        var at = empty.AsSpan().IndexOf(openZero);
        var prefix = empty.AsSpan(0, at).ToArray();
        var suffix = empty.AsSpan(at + openZero.Length).ToArray();

        var encoded = new byte[items.Count][];
        var output = new ArrayBufferWriter<byte>(512);
        var writer = new ManscdpWriter(output, charset);
        for (var i = 0; i < items.Count; i++)
        {
            output.ResetWrittenCount();
            writeItem(writer, items[i]);
            encoded[i] = output.WrittenSpan.ToArray();
        }

        var bodies = new List<byte[]>();
        var first = 0;
        var itemBytes = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var count = i - first;
            var size = prefix.Length + suffix.Length + ListOpen(listName, count + 1).Length + itemBytes + encoded[i].Length;
            if (count > 0 && (count == itemsPerMessage || size > maxBodyBytes))
            {
                bodies.Add(Assemble(prefix, suffix, listName, encoded.AsSpan(first, count), itemBytes));
                first = i;
                itemBytes = 0;
            }

            itemBytes += encoded[i].Length;
        }

        if (first < encoded.Length || bodies.Count == 0)
        {
            bodies.Add(Assemble(prefix, suffix, listName, encoded.AsSpan(first), itemBytes));
        }

        return bodies;
    }

    private static byte[] ListOpen(ReadOnlySpan<byte> listName, int count) =>
        [.. "<"u8, .. listName, .. " Num=\""u8, .. System.Text.Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture)), .. "\">\r\n"u8];

    private static byte[] Assemble(byte[] prefix, byte[] suffix, ReadOnlySpan<byte> listName, ReadOnlySpan<byte[]> items, int itemBytes)
    {
        var open = ListOpen(listName, items.Length);
        var body = new byte[prefix.Length + open.Length + itemBytes + suffix.Length];
        var span = body.AsSpan();
        prefix.CopyTo(span);
        span = span[prefix.Length..];
        open.CopyTo(span);
        span = span[open.Length..];
        foreach (var item in items)
        {
            item.CopyTo(span);
            span = span[item.Length..];
        }

        suffix.CopyTo(span);
        return body;
    }
}
