using System.Globalization;

namespace Gb28181Gateway.Protocol.Mansrtsp;

/// <summary>
/// An RTSP normal-play-time range as MANSRTSP uses it: <c>npt=&lt;start&gt;-[&lt;end&gt;]</c>, seconds from the
/// start of the recording (<c>npt=120-</c> seeks), or <c>npt=now-</c> (resume where paused). Times read as
/// seconds (<c>120</c>, <c>120.5</c>) or <c>h:mm:ss[.f]</c>.
/// </summary>
public readonly record struct NptRange(double? Start, double? End = null)
{
    /// <summary><c>npt=now-</c>.</summary>
    public static NptRange Now => new(null);

    public bool StartsNow => Start is null;

    /// <summary>Reads the header value (<c>npt=</c> prefix required); throws a <see cref="MansrtspFormatException"/>.</summary>
    public static NptRange Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var range) ? range : throw new MansrtspFormatException($"Range '{text}' is not 'npt=<start>-[<end>]'");

    public static bool TryParse(ReadOnlySpan<char> text, out NptRange range)
    {
        range = default;
        text = text.Trim();
        if (!text.StartsWith("npt", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        text = text[3..].TrimStart();
        if (text.IsEmpty || text[0] != '=')
        {
            return false;
        }

        text = text[1..].Trim();
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var startText = text[..dash].Trim();
        var endText = text[(dash + 1)..].Trim();
        double? start = null;
        if (!startText.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryTime(startText, out var s))
            {
                return false;
            }

            start = s;
        }

        double? end = null;
        if (!endText.IsEmpty)
        {
            if (!TryTime(endText, out var e))
            {
                return false;
            }

            end = e;
        }

        range = new NptRange(start, end);
        return true;
    }

    public override string ToString() => "npt=" + (Start is { } s ? Seconds(s) : "now") + "-" + (End is { } e ? Seconds(e) : string.Empty);

    internal static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static bool TryTime(ReadOnlySpan<char> text, out double seconds)
    {
        seconds = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        if (text.IndexOf(':') < 0)
        {
            return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds);
        }

        Span<Range> parts = stackalloc Range[4];
        if (text.Split(parts, ':') != 3
            || !int.TryParse(text[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes > 59
            || !double.TryParse(text[parts[2]], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var secs) || secs >= 60)
        {
            return false;
        }

        seconds = (hours * 3600) + (minutes * 60) + secs;
        return true;
    }
}
