using System.Globalization;
using System.Text;
using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>
/// The cheap read behind <see cref="ManscdpCodec.Peek(ReadOnlySpan{byte})"/>: tokenizes until CmdType, SN and
/// DeviceID have been seen among the root's children, allocating only the DeviceID string (CmdType values
/// the codec knows come back as shared constants).
/// </summary>
internal static class ManscdpPeek
{
    private const int None = -1;
    private const int CmdTypeField = 0;
    private const int SnField = 1;
    private const int DeviceIdField = 2;

    public static ManscdpHeader Read(ReadOnlySpan<byte> body)
    {
        var tokenizer = new XmlTokenizer(body);
        var root = ManscdpRoot.Query;
        var haveRoot = false;
        var depth = 0;
        var field = None;
        var contentStart = 0;
        string? cmdType = null;
        string? deviceId = null;
        long? sn = null;
        while (tokenizer.Read())
        {
            switch (tokenizer.Kind)
            {
                case XmlTokenKind.StartElement when !haveRoot:
                    if (!ManscdpNames.TryRoot(tokenizer.Name, out root))
                    {
                        throw Errors.Format($"the root element <{Errors.Excerpt(tokenizer.Name, 40)}> is not Query, Control, Notify or Response");
                    }

                    haveRoot = true;
                    depth = tokenizer.IsSelfClosing ? 0 : 1;
                    break;
                case XmlTokenKind.StartElement:
                    if (depth == 1)
                    {
                        field = Field(tokenizer.Name);
                        contentStart = tokenizer.Position;
                        if (tokenizer.IsSelfClosing && field != None)
                        {
                            Assign(field, ReadOnlySpan<byte>.Empty, ref cmdType, ref sn, ref deviceId, root);
                            field = None;
                        }
                    }

                    if (!tokenizer.IsSelfClosing)
                    {
                        depth++;
                    }

                    break;
                case XmlTokenKind.EndElement:
                    if (depth == 2 && field != None)
                    {
                        Assign(field, body[contentStart..tokenizer.TokenStart], ref cmdType, ref sn, ref deviceId, root);
                        field = None;
                    }

                    depth--;
                    break;
                case XmlTokenKind.Text or XmlTokenKind.CData when !haveRoot && tokenizer.Value.IndexOfAnyExcept(" \t\r\n\0"u8) >= 0:
                    throw Errors.Format($"text at byte {tokenizer.ValueStart} is outside the root element");
            }

            if ((haveRoot && depth <= 0) || (cmdType is not null && sn is not null && deviceId is not null))
            {
                break;
            }
        }

        if (!haveRoot)
        {
            throw Errors.Format(body.IsEmpty ? "the body is empty" : "no root element (expected <Query>, <Control>, <Notify> or <Response>)");
        }

        if (string.IsNullOrEmpty(cmdType))
        {
            throw Errors.Format($"<{root}> has no <CmdType>");
        }

        if (sn is null)
        {
            throw Errors.Format($"<{root}> ({cmdType}) has no <SN>");
        }

        return new ManscdpHeader(root, cmdType, sn.Value, deviceId ?? string.Empty);
    }

    private static int Field(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "CmdType"u8) ? CmdTypeField
        : Ascii.EqualsIgnoreCase(name, "SN"u8) ? SnField
        : Ascii.EqualsIgnoreCase(name, "DeviceID"u8) ? DeviceIdField
        : None;

    private static void Assign(int field, ReadOnlySpan<byte> content, ref string? cmdType, ref long? sn, ref string? deviceId, ManscdpRoot root)
    {
        switch (field)
        {
            case CmdTypeField when cmdType is null:
                var raw = content.Trim(" \t\r\n"u8);
                cmdType = ManscdpNames.CmdType(raw, XmlText.Decode(raw, Encoding.UTF8));
                break;
            case SnField when sn is null:
                var digits = content.Trim(" \t\r\n"u8);
                sn = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw Errors.Format($"<SN> '{Errors.Excerpt(digits, 30)}' of <{root}> is not a non-negative integer");
                break;
            case DeviceIdField when deviceId is null:
                deviceId = XmlText.Decode(content, Encoding.UTF8);
                break;
        }
    }
}
