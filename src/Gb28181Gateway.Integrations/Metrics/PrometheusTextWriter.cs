using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4 into an <see cref="IBufferWriter{T}"/>: one
/// <see cref="IBufferWriter{T}.GetSpan"/> per sample line, names and label sets copied from pre-encoded
/// UTF-8, numbers formatted in place. Escaping and name building happen once per family or series (the
/// static helpers), never per scrape.
/// </summary>
internal sealed class PrometheusTextWriter(IBufferWriter<byte> output)
{
    /// <summary>Longest number this writer produces ("-1.7976931348623157e+308" is 24 bytes).</summary>
    private const int MaxNumberLength = 32;

    /// <summary>Integral doubles below this magnitude are exact as a long and are written without a fraction or exponent.</summary>
    private const double MaxExactInteger = 9007199254740992d; // 2^53

    public void WriteRaw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    /// <summary><c>name{labels,extra} value\n</c>; braces only when there is a label.</summary>
    public void WriteSample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> extraLabel, long value)
    {
        var span = BeginSample(name, labels, extraLabel, out var written);
        written += FormatLong(value, span[written..]);
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    /// <inheritdoc cref="WriteSample(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, long)"/>
    public void WriteSample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> extraLabel, double value)
    {
        var span = BeginSample(name, labels, extraLabel, out var written);
        written += FormatDouble(value, span[written..]);
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    private Span<byte> BeginSample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> extraLabel, out int written)
    {
        var span = output.GetSpan(name.Length + labels.Length + extraLabel.Length + 4 + MaxNumberLength);
        name.CopyTo(span);
        written = name.Length;
        if (labels.Length + extraLabel.Length > 0)
        {
            span[written++] = (byte)'{';
            labels.CopyTo(span[written..]);
            written += labels.Length;
            if (labels.Length > 0 && extraLabel.Length > 0)
            {
                span[written++] = (byte)',';
            }

            extraLabel.CopyTo(span[written..]);
            written += extraLabel.Length;
            span[written++] = (byte)'}';
        }

        span[written++] = (byte)' ';
        return span;
    }

    /// <summary>Formats <paramref name="value"/> as a decimal integer; returns the bytes written.</summary>
    public static int FormatLong(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }

    /// <summary>
    /// Formats a sample value the way Prometheus parses it: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>; integral values
    /// (up to 2^53) as plain integers (<c>1000000</c>, not <c>1e+06</c>); anything else as the shortest string that
    /// round-trips, with a lower-case exponent (<c>0.005</c>, <c>1.5e-07</c>).
    /// </summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("NaN"u8, destination);
        }

        if (double.IsPositiveInfinity(value))
        {
            return Copy("+Inf"u8, destination);
        }

        if (double.IsNegativeInfinity(value))
        {
            return Copy("-Inf"u8, destination);
        }

        if (Math.Abs(value) < MaxExactInteger && Math.Floor(value) == value)
        {
            return FormatLong((long)value, destination);
        }

        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        var exponent = destination[..written].IndexOf((byte)'E');
        if (exponent >= 0)
        {
            destination[exponent] = (byte)'e';
        }

        return written;
    }

    /// <summary><see cref="FormatDouble(double, Span{byte})"/> as a string, for building <c>le</c> labels once per family.</summary>
    public static string FormatDouble(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxNumberLength];
        var written = FormatDouble(value, buffer);
        return Encoding.ASCII.GetString(buffer[..written]);
    }

    /// <summary>Appends a label value escaped per the text format: <c>\</c> → <c>\\</c>, <c>"</c> → <c>\"</c>, newline → <c>\n</c>.</summary>
    public static void AppendEscapedLabelValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }
    }

    /// <summary>A <c># HELP</c> docstring escaped per the text format: <c>\</c> → <c>\\</c>, newline → <c>\n</c>.</summary>
    public static string EscapeHelp(string help)
    {
        if (help.AsSpan().IndexOfAny('\\', '\n') < 0)
        {
            return help;
        }

        var builder = new StringBuilder(help.Length + 8);
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>The <c># HELP</c> and <c># TYPE</c> lines of a family, UTF-8, built once.</summary>
    public static byte[] EncodeHeader(string name, string help, string type) =>
        Encoding.UTF8.GetBytes($"# HELP {name} {EscapeHelp(help)}\n# TYPE {name} {type}\n");

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
