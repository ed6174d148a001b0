namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>A copy of the tags of one measurement, kept as a dictionary key once its series exists.</summary>
internal sealed class TagSet(KeyValuePair<string, object?>[] tags, int hash)
{
    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public int Hash { get; } = hash;
}

/// <summary>
/// Compares tag sets as sets: the same tags in any order are the same key, so <c>(direction, transport)</c> and
/// <c>(transport, direction)</c> find one series. Looks up straight from the measurement's
/// <see cref="ReadOnlySpan{T}"/> (an alternate key), so recording an existing series allocates nothing.
/// </summary>
internal sealed class TagSetComparer :
    IEqualityComparer<TagSet>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    public static readonly TagSetComparer Instance = new();

    private TagSetComparer()
    {
    }

    /// <summary>Order-independent: a sum of per-tag hashes.</summary>
    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash += HashCode.Combine(tag.Key?.GetHashCode(StringComparison.Ordinal) ?? 0, tag.Value?.GetHashCode() ?? 0);
        }

        return hash;
    }

    public bool Equals(TagSet? x, TagSet? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash && SameSet(x.Tags, y.Tags));

    public int GetHashCode(TagSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other) => SameSet(alternate, other.Tags);

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate.ToArray(), HashOf(alternate));

    private static bool SameSet(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        // Callers almost always pass their tags in the same order: check that first.
        var ordered = true;
        for (var i = 0; i < a.Length; i++)
        {
            if (!SameTag(a[i], b[i]))
            {
                ordered = false;
                break;
            }
        }

        return ordered || (Contains(a, b) && Contains(b, a));
    }

    /// <summary>Every tag of <paramref name="subset"/> is in <paramref name="set"/>.</summary>
    private static bool Contains(ReadOnlySpan<KeyValuePair<string, object?>> set, ReadOnlySpan<KeyValuePair<string, object?>> subset)
    {
        foreach (var wanted in subset)
        {
            var found = false;
            foreach (var candidate in set)
            {
                if (SameTag(candidate, wanted))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameTag(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) =>
        string.Equals(x.Key, y.Key, StringComparison.Ordinal) && Equals(x.Value, y.Value);
}
