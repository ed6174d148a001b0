using System.Buffers;
using System.Globalization;
using System.Text;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// Serialises messages exactly as devices expect them: CRLF line ends, "Name: value", folded lines
/// joined, and a Content-Length equal to the body's length in bytes (whatever the message said before).
/// </summary>
internal static class SipMessageWriter
{
    /// <summary>Largest per-thread text builder kept between header values.</summary>
    private const int MaxKeptText = 4096;

    [ThreadStatic]
    private static StringBuilder? t_text;

    public static void Write(SipMessage message, IBufferWriter<byte> writer)
    {
        message.WriteStartLine(writer);
        var headers = message.Headers;
        var wroteLength = false;
        for (var i = 0; i < headers.Count; i++)
        {
            ref var e = ref headers.EntryAt(i);
            if (e.Kind == SipHeaderKind.ContentLength)
            {
                if (!wroteLength)
                {
                    WriteContentLength(writer, message.Body.Length);
                    wroteLength = true;
                }

                continue;
            }

            WriteAscii(writer, e.Name);
            WriteBytes(writer, ": "u8);
            if (e.HasRaw)
            {
                WriteBytes(writer, e.Folded ? SipHeaders.Unfold(e.Raw.Span) : e.Raw.Span);
            }
            else
            {
                WriteValue(writer, e.Value);
            }

            WriteBytes(writer, "\r\n"u8);
        }

        if (!wroteLength)
        {
            WriteContentLength(writer, message.Body.Length);
        }

        WriteBytes(writer, "\r\n"u8);
        WriteBytes(writer, message.Body.Span);
    }

    public static void WriteBytes(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    /// <summary>A header value set by the application, written as <see cref="SipHeaders.ValueText"/> gives it, without making that string.</summary>
    private static void WriteValue(IBufferWriter<byte> writer, object? value)
    {
        switch (value)
        {
            case null:
                break;
            case string s:
                WriteUtf8(writer, s);
                break;
            case int n:
                WriteNumber(writer, n);
                break;
            case SipCSeq cseq:
                WriteNumber(writer, cseq.Number);
                WriteByte(writer, (byte)' ');
                WriteUtf8(writer, cseq.Method);
                break;
            case ISipHeaderText text:
                var sb = t_text ?? new StringBuilder(256);
                t_text = null; // not shared with a nested write
                sb.Clear();
                text.AppendTo(sb);
                foreach (var chunk in sb.GetChunks())
                {
                    WriteUtf8(writer, chunk.Span);
                }

                if (sb.Capacity <= MaxKeptText)
                {
                    t_text = sb;
                }

                break;
            default:
                WriteUtf8(writer, value.ToString() ?? string.Empty);
                break;
        }
    }

    private static void WriteNumber<T>(IBufferWriter<byte> writer, T number)
        where T : IUtf8SpanFormattable
    {
        var span = writer.GetSpan(11);
        number.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        writer.Advance(n);
    }

    public static void WriteByte(IBufferWriter<byte> writer, byte b)
    {
        writer.GetSpan(1)[0] = b;
        writer.Advance(1);
    }

    public static void WriteAscii(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        var n = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(n);
    }

    public static void WriteUtf8(IBufferWriter<byte> writer, string text) => WriteUtf8(writer, text.AsSpan());

    public static void WriteUtf8(IBufferWriter<byte> writer, ReadOnlySpan<char> text)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = Encoding.UTF8.GetBytes(text, span);
        writer.Advance(n);
    }

    private static void WriteContentLength(IBufferWriter<byte> writer, int length)
    {
        WriteBytes(writer, "Content-Length: "u8);
        var span = writer.GetSpan(11);
        length.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        writer.Advance(n);
        WriteBytes(writer, "\r\n"u8);
    }
}
