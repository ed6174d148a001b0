using System.Collections;
using System.Globalization;
using System.Text;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// Builds the canonical label set of a series from a measurement's tags plus the constant tags of its meter and
/// instrument: label names sanitised and sorted, values formatted invariantly and escaped, e.g.
/// <c>direction="in",transport="udp"</c>. Two tag sets that print the same (<c>port=1</c> as an int or as a string,
/// tags in another order) give the same key, so they are one series. Runs only when a tag set is first seen.
/// </summary>
internal static class LabelSet
{
    /// <summary>What a histogram's own tag named <c>le</c> is exported as, <c>le</c> being the bucket label.</summary>
    public const string RenamedLe = "tag_le";

    /// <param name="tags">The measurement's tags: they win over constant tags with the same key.</param>
    /// <param name="constantTags">Meter tags then instrument tags (later entries win for the same key).</param>
    /// <param name="histogram">Rename a tag that would become <c>le</c>.</param>
    public static string Build(ReadOnlySpan<KeyValuePair<string, object?>> tags, KeyValuePair<string, object?>[] constantTags, bool histogram)
    {
        var count = tags.Length + constantTags.Length;
        if (count == 0)
        {
            return string.Empty;
        }

        var labels = new Label[count];
        var order = 0;
        foreach (var tag in constantTags)
        {
            labels[order] = Label.From(tag, order, histogram);
            order++;
        }

        foreach (var tag in tags)
        {
            labels[order] = Label.From(tag, order, histogram);
            order++;
        }

        Array.Sort(labels);
        var builder = new StringBuilder(count * 24);
        for (var i = 0; i < labels.Length;)
        {
            // One group per label name. Within it, one value per distinct tag key (the last one given wins); tag
            // keys that differ but sanitise to the same name ("a.b", "a_b") have their values joined with ';'.
            var end = i + 1;
            while (end < labels.Length && labels[end].Name == labels[i].Name)
            {
                end++;
            }

            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(labels[i].Name).Append("=\"");
            var first = true;
            for (var j = i; j < end; j++)
            {
                var lastOfKey = j + 1 == end || labels[j + 1].Key != labels[j].Key;
                if (!lastOfKey)
                {
                    continue;
                }

                if (!first)
                {
                    builder.Append(';');
                }

                PrometheusTextWriter.AppendEscapedLabelValue(builder, labels[j].Value);
                first = false;
            }

            builder.Append('"');
            i = end;
        }

        return builder.ToString();
    }

    /// <summary>A tag value as label text: invariant culture, booleans lower-case, null empty, sequences comma-joined.</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable sequence => string.Join(',', sequence.Cast<object?>().Select(FormatValue)),
        _ => value.ToString() ?? string.Empty,
    };

    private readonly record struct Label(string Name, string Key, string Value, int Order) : IComparable<Label>
    {
        public static Label From(KeyValuePair<string, object?> tag, int order, bool histogram)
        {
            var key = tag.Key ?? string.Empty;
            var name = PrometheusNaming.SanitizeLabelName(key);
            if (histogram && name == "le")
            {
                name = RenamedLe;
            }

            return new Label(name, key, FormatValue(tag.Value), order);
        }

        public int CompareTo(Label other)
        {
            var byName = string.CompareOrdinal(Name, other.Name);
            if (byName != 0)
            {
                return byName;
            }

            var byKey = string.CompareOrdinal(Key, other.Key);
            return byKey != 0 ? byKey : Order.CompareTo(other.Order);
        }
    }
}
