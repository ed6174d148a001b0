using System.Text;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>Topic names and topic filters (MQTT 3.1.1 section 4.7): validation and matching.</summary>
public static class MqttTopic
{
    /// <summary>The largest topic, in UTF-8 bytes.</summary>
    public const int MaxLength = ushort.MaxValue;

    /// <summary>True when <paramref name="topic"/> can be published to: no wildcards, 1..65535 UTF-8 bytes, no U+0000, well-formed UTF-16.</summary>
    public static bool IsValidTopicName(string? topic) => topic is not null && GetTopicNameError(topic) is null;

    /// <summary>True when <paramref name="filter"/> can be subscribed to: '+' occupies a whole level, '#' only as the last level.</summary>
    public static bool IsValidTopicFilter(string? filter) => filter is not null && GetTopicFilterError(filter) is null;

    /// <summary>
    /// True when a message published to <paramref name="topic"/> is delivered to a subscription on <paramref name="filter"/>,
    /// by the broker's rules: '+' matches one level (possibly empty), '#' the parent level and everything below,
    /// and topics starting with '$' are not matched by a filter starting with a wildcard.
    /// </summary>
    /// <exception cref="ArgumentException">The filter or the topic is not valid.</exception>
    public static bool Matches(string filter, string topic)
    {
        ThrowIfInvalidTopicFilter(filter, nameof(filter));
        ThrowIfInvalidTopicName(topic, nameof(topic));
        if (topic[0] == '$' && filter[0] is '+' or '#')
        {
            return false;
        }

        var f = 0;
        var t = 0;
        while (true)
        {
            if (filter[f] == '#')
            {
                return true;
            }

            var fEnd = LevelEnd(filter, f);
            var tEnd = LevelEnd(topic, t);
            var wildcard = fEnd - f == 1 && filter[f] == '+';
            if (!wildcard && !filter.AsSpan(f, fEnd - f).SequenceEqual(topic.AsSpan(t, tEnd - t)))
            {
                return false;
            }

            var filterMore = fEnd < filter.Length;
            var topicMore = tEnd < topic.Length;
            if (!topicMore)
            {
                // "a/#" also matches "a": the only thing a filter may have left is "/#".
                return !filterMore || (filter.Length == fEnd + 2 && filter[fEnd + 1] == '#');
            }

            if (!filterMore)
            {
                return false;
            }

            f = fEnd + 1;
            t = tEnd + 1;
        }
    }

    internal static void ThrowIfInvalidTopicName(string? topic, string paramName)
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        if (GetTopicNameError(topic) is { } error)
        {
            throw new ArgumentException($"'{topic}' is not a valid MQTT topic name: {error}.", paramName);
        }
    }

    internal static void ThrowIfInvalidTopicFilter(string? filter, string paramName)
    {
        ArgumentNullException.ThrowIfNull(filter, paramName);
        if (GetTopicFilterError(filter) is { } error)
        {
            throw new ArgumentException($"'{filter}' is not a valid MQTT topic filter: {error}.", paramName);
        }
    }

    internal static string? GetTopicNameError(string topic)
    {
        if (GetStringError(topic, allowEmpty: false) is { } error)
        {
            return error;
        }

        var wildcard = topic.AsSpan().IndexOfAny('+', '#');
        return wildcard < 0 ? null : $"wildcard '{topic[wildcard]}' at position {wildcard} (wildcards are only allowed in topic filters)";
    }

    internal static string? GetTopicFilterError(string filter)
    {
        if (GetStringError(filter, allowEmpty: false) is { } error)
        {
            return error;
        }

        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            var levelStart = i == 0 || filter[i - 1] == '/';
            if (c == '#' && (!levelStart || i != filter.Length - 1))
            {
                return $"'#' at position {i} must be the whole last level";
            }

            if (c == '+' && (!levelStart || (i + 1 < filter.Length && filter[i + 1] != '/')))
            {
                return $"'+' at position {i} must occupy a whole level";
            }
        }

        return null;
    }

    /// <summary>Rules for every MQTT UTF-8 string (section 1.5.3): well-formed, no U+0000, at most 65535 bytes.</summary>
    internal static string? GetStringError(string value, bool allowEmpty)
    {
        if (value.Length == 0)
        {
            return allowEmpty ? null : "it is empty";
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return "it contains U+0000";
        }

        if (!IsWellFormedUtf16(value))
        {
            return "it contains an unpaired surrogate";
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes > MaxLength ? $"it is {bytes} UTF-8 bytes long, the limit is {MaxLength}" : null;
    }

    private static bool IsWellFormedUtf16(string value)
    {
        var span = value.AsSpan();
        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return true;
        }

        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            span = span[consumed..];
        }

        return true;
    }

    private static int LevelEnd(string value, int start)
    {
        var slash = value.IndexOf('/', start);
        return slash < 0 ? value.Length : slash;
    }
}
