using System.Buffers;
using System.Globalization;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// Reads and writes MANSCDP (<c>Application/MANSCDP+xml</c>) bodies. Reading decodes the charset "by the
/// declaration, with fallback" (<see cref="GbText"/>), tolerates what devices send (unescaped '&amp;', stray
/// whitespace, no declaration, lower-case roots, trailing bytes after the root) and never processes a DTD.
/// Anything unreadable raises a <see cref="ManscdpFormatException"/> saying what and where.
/// </summary>
public static class ManscdpCodec
{
    /// <summary>The Content-Type of MANSCDP bodies, spelled the way devices and platforms expect.</summary>
    public const string ContentType = "Application/MANSCDP+xml";

    /// <summary>
    /// Reads only (Root, CmdType, SN, DeviceID), without building the model or checking the rest of the body:
    /// what routing and (DeviceID, CmdType, SN) correlation need. Header values are ASCII by the standard.
    /// </summary>
    public static ManscdpHeader Peek(ReadOnlySpan<byte> body) => ManscdpPeek.Read(body);

    /// <inheritdoc cref="Peek(ReadOnlySpan{byte})"/>
    public static ManscdpHeader Peek(in ReadOnlySequence<byte> body) => body.IsSingleSegment ? Peek(body.FirstSpan) : WithContiguous(body, static span => Peek(span));

    /// <summary>
    /// Reads a whole body into its typed model (<see cref="KeepaliveNotify"/>, <see cref="CatalogResponse"/> ...);
    /// (root, CmdType) pairs no model covers come back as <see cref="ManscdpUnknownMessage"/>.
    /// </summary>
    public static ManscdpMessage Parse(ReadOnlySpan<byte> body)
    {
        var detection = GbText.Detect(body, XmlDeclaration.ReadCharset(body));
        using var document = XmlDocument.Parse(body, GbText.DecoderFor(detection.Actual));
        if (!ManscdpNames.TryRoot(document.Name(0), out var root))
        {
            throw Errors.Format($"the root element <{Errors.Excerpt(document.Name(0), 40)}> is not Query, Control, Notify or Response");
        }

        var cmdNode = document.Child(0, "CmdType"u8);
        if (cmdNode < 0)
        {
            throw Errors.Format($"<{ManscdpNames.RootText(root)}> has no <CmdType>");
        }

        var cmdType = ManscdpNames.CmdType(document.RawContent(cmdNode).Trim(" \t\r\n"u8), document.Text(cmdNode));
        if (cmdType.Length == 0)
        {
            throw Errors.Format($"<CmdType> of <{ManscdpNames.RootText(root)}> is empty");
        }

        var header = new HeaderValues(ReadSn(document, root, cmdType), document.Text(document.Child(0, "DeviceID"u8)) ?? string.Empty);
        return ManscdpDispatch.Read(document, root, cmdType, header);
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static ManscdpMessage Parse(in ReadOnlySequence<byte> body) => body.IsSingleSegment ? Parse(body.FirstSpan) : WithContiguous(body, static span => Parse(span));

    /// <summary>Writes <paramref name="message"/> in <paramref name="charset"/>, with a declaration that names it.</summary>
    public static byte[] Encode(ManscdpMessage message, GbCharset charset)
    {
        var output = new ArrayBufferWriter<byte>(512);
        Encode(message, charset, output);
        return output.WrittenSpan.ToArray();
    }

    /// <inheritdoc cref="Encode(ManscdpMessage, GbCharset)"/>
    public static void Encode(ManscdpMessage message, GbCharset charset, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        message.Write(new ManscdpWriter(output, charset));
    }

    /// <summary>
    /// Splits a catalog answer into the bodies to send: each carries the same SN and SumNum (the message's
    /// <see cref="CatalogList.SumNum"/>, or the item count), at most <paramref name="itemsPerMessage"/> items,
    /// and at most <paramref name="maxBodyBytes"/> bytes unless a single item alone is larger (it then goes
    /// out alone). Items keep their order and each appears in exactly one body; no items gives one body with Num="0".
    /// </summary>
    public static IReadOnlyList<byte[]> Split(CatalogList message, int itemsPerMessage, int maxBodyBytes, GbCharset charset)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ManscdpSplitter.Split(message, "DeviceList"u8, message.Items, static (w, item) => item.Write(w), itemsPerMessage, maxBodyBytes, charset);
    }

    /// <summary>Splits a RecordInfo answer like <see cref="Split(CatalogList, int, int, GbCharset)"/> (RecordList).</summary>
    public static IReadOnlyList<byte[]> Split(RecordInfoResponse message, int itemsPerMessage, int maxBodyBytes, GbCharset charset)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ManscdpSplitter.Split(message, "RecordList"u8, message.Items, static (w, item) => item.Write(w), itemsPerMessage, maxBodyBytes, charset);
    }

    private static long ReadSn(in XmlDocument document, ManscdpRoot root, string cmdType)
    {
        var snNode = document.Child(0, "SN"u8);
        if (snNode < 0)
        {
            throw Errors.Format($"<{ManscdpNames.RootText(root)}> ({cmdType}) has no <SN>");
        }

        var raw = document.RawContent(snNode).Trim(" \t\r\n"u8);
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var sn)
            ? sn
            : throw Errors.Format($"<SN> '{Errors.Excerpt(raw, 30)}' of {cmdType} is not a non-negative integer");
    }

    private static T WithContiguous<T>(in ReadOnlySequence<byte> body, ContiguousReader<T> read)
    {
        if (body.Length > 16 * 1024 * 1024)
        {
            throw Errors.Format($"the body is {body.Length} bytes; MANSCDP bodies are at most a few tens of kilobytes");
        }

        var length = (int)body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(buffer);
            return read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private delegate T ContiguousReader<out T>(ReadOnlySpan<byte> body);
}
