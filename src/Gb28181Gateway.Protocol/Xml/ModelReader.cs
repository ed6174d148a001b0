using System.Globalization;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Protocol.Xml;

/// <summary>
/// Typed reads used by the MANSCDP models. A value that is present but cannot be read as its type does not
/// fail the message: the element is kept verbatim in the model's extensions (so re-encoding loses nothing)
/// and the typed property stays null.
/// </summary>
internal static class ModelReader
{
    /// <summary>
    /// Sorts the children of <paramref name="parent"/> into <paramref name="slots"/> (first occurrence of each
    /// known name) and <paramref name="extensions"/> (unknown names and repeats), in document order.
    /// At the root, CmdType, SN and DeviceID are the message header and are skipped.
    /// </summary>
    public static void Classify(in XmlDocument document, int parent, FieldTable table, Span<int> slots, ref List<ManscdpElement>? extensions, bool root = false)
    {
        slots.Fill(-1);
        for (var child = document.FirstChild(parent); child >= 0; child = document.NextSibling(child))
        {
            if (root && IsHeader(document.Name(child)))
            {
                continue;
            }

            var slot = table.Find(document.Name(child));
            if (slot >= 0 && slots[slot] < 0)
            {
                slots[slot] = child;
            }
            else
            {
                (extensions ??= []).Add(document.ToElement(child));
            }
        }
    }

    public static bool IsHeader(ReadOnlySpan<byte> name) =>
        System.Text.Ascii.EqualsIgnoreCase(name, "CmdType"u8) || System.Text.Ascii.EqualsIgnoreCase(name, "SN"u8)
        || System.Text.Ascii.EqualsIgnoreCase(name, "DeviceID"u8);

    public static int? Int(in XmlDocument document, int node, ref List<ManscdpElement>? extensions)
    {
        var text = Present(document, node);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        return Keep(document, node, ref extensions);
    }

    public static long? Long(in XmlDocument document, int node, ref List<ManscdpElement>? extensions)
    {
        var text = Present(document, node);
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Keep(document, node, ref extensions);
        return null;
    }

    public static double? Double(in XmlDocument document, int node, ref List<ManscdpElement>? extensions)
    {
        var text = Present(document, node);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        Keep(document, node, ref extensions);
        return null;
    }

    public static DateTime? Time(in XmlDocument document, int node, ref List<ManscdpElement>? extensions)
    {
        var text = Present(document, node);
        if (text is null)
        {
            return null;
        }

        if (GbTime.TryParse(text, out var value))
        {
            return value;
        }

        Keep(document, node, ref extensions);
        return null;
    }

    /// <summary>All child elements of <paramref name="node"/> as generic elements (for opaque sub-trees).</summary>
    public static ManscdpElement? Element(in XmlDocument document, int node) => node < 0 ? null : document.ToElement(node);

    private static string? Present(in XmlDocument document, int node)
    {
        var text = document.Text(node);
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static int? Keep(in XmlDocument document, int node, ref List<ManscdpElement>? extensions)
    {
        (extensions ??= []).Add(document.ToElement(node));
        return null;
    }
}
