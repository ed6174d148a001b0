using System.Text;

namespace Gb28181Gateway.Protocol.Xml;

/// <summary>Throw helpers for the MANSCDP reader: one place that builds the exception and its message.</summary>
internal static class Errors
{
    public static ManscdpFormatException Format(string detail) => new("MANSCDP body: " + detail);

    /// <summary>A short printable excerpt of raw bytes for an error message (non-printable bytes as '?').</summary>
    public static string Excerpt(ReadOnlySpan<byte> bytes, int max)
    {
        var length = Math.Min(bytes.Length, max);
        var builder = new StringBuilder(length + 3);
        foreach (var b in bytes[..length])
        {
            builder.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        if (bytes.Length > max)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}
