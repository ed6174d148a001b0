using System.Collections;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>One <c>;name[=value]</c> parameter. <see cref="Value"/> is null for a flag such as <c>;lr</c> or <c>;rport</c>.</summary>
public readonly record struct SipParameter(string Name, string? Value);

/// <summary>
/// An immutable, ordered list of parameters (URI, header or Via parameters). Names compare
/// case-insensitively; values are kept exactly as received (quoted values keep their quotes).
/// </summary>
public sealed class SipParameters : IReadOnlyList<SipParameter>, IEquatable<SipParameters>
{
    public static readonly SipParameters Empty = new([]);

    private readonly SipParameter[] _items;

    private SipParameters(SipParameter[] items)
    {
        _items = items;
    }

    public int Count => _items.Length;

    public SipParameter this[int index] => _items[index];

    /// <summary>The value of a parameter, or null when absent or a flag.</summary>
    public string? this[string name] => TryGet(name, out var value) ? value : null;

    public static SipParameters Of(params SipParameter[] items) => items.Length == 0 ? Empty : new([.. items]);

    public bool Contains(string name) => IndexOf(name) >= 0;

    public bool TryGet(string name, out string? value)
    {
        var i = IndexOf(name);
        value = i >= 0 ? _items[i].Value : null;
        return i >= 0;
    }

    /// <summary>A copy with <paramref name="name"/> set (replacing an existing one in place, else appended).</summary>
    public SipParameters With(string name, string? value)
    {
        var i = IndexOf(name);
        SipParameter[] items;
        if (i >= 0)
        {
            items = (SipParameter[])_items.Clone();
            items[i] = new SipParameter(items[i].Name, value);
        }
        else
        {
            items = [.. _items, new SipParameter(name, value)];
        }

        return new SipParameters(items);
    }

    /// <summary>A copy without <paramref name="name"/>.</summary>
    public SipParameters Without(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return this;
        }

        return _items.Length == 1 ? Empty : new SipParameters([.. _items[..i], .. _items[(i + 1)..]]);
    }

    public IEnumerator<SipParameter> GetEnumerator() => ((IEnumerable<SipParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>Set equality with case-insensitive names and case-sensitive values, order ignored.</summary>
    public bool Equals(SipParameters? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var p in _items)
        {
            if (!other.TryGet(p.Name, out var v) || !string.Equals(v, p.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SipParameters);

    public override int GetHashCode() => Count;

    public override string ToString()
    {
        if (_items.Length == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    internal void AppendTo(StringBuilder sb)
    {
        foreach (var p in _items)
        {
            sb.Append(';').Append(p.Name);
            if (p.Value is not null)
            {
                sb.Append('=').Append(p.Value);
            }
        }
    }

    /// <summary>
    /// Parses <c>;a=b;c;d="x;y"</c>. <paramref name="text"/> starts at the first ';' (or is empty).
    /// Returns false when a parameter name is empty or a quote is left open.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> text, bool allowQuoted, out SipParameters parameters) =>
        TryParse(text, allowQuoted, materialize: true, out parameters);

    /// <summary>Checks the syntax of a parameter list without allocating.</summary>
    internal static bool IsValid(ReadOnlySpan<byte> text, bool allowQuoted) => TryParse(text, allowQuoted, materialize: false, out _);

    /// <summary>
    /// The value of the first parameter called <paramref name="name"/> (ASCII, any case) in an already validated
    /// parameter list, as <see cref="this[string]"/> would give it, without building the list.
    /// </summary>
    internal static string? Find(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name)
    {
        text = SipSyntax.TrimLws(text);
        if (text.IsEmpty || text[0] != (byte)';')
        {
            return null;
        }

        var rest = text[1..];
        while (true)
        {
            var end = SipSyntax.IndexOfUnquoted(rest, (byte)';');
            var part = end < 0 ? rest : rest[..end];
            var eq = part.IndexOf((byte)'=');
            if (SipSyntax.EqualsIgnoreCase(SipSyntax.TrimLws(eq < 0 ? part : part[..eq]), name))
            {
                return eq < 0 ? null : Encoding.UTF8.GetString(SipSyntax.TrimLws(part[(eq + 1)..]));
            }

            if (end < 0)
            {
                return null;
            }

            rest = rest[(end + 1)..];
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> text, bool allowQuoted, bool materialize, out SipParameters parameters)
    {
        parameters = Empty;
        text = SipSyntax.TrimLws(text);
        if (text.IsEmpty)
        {
            return true;
        }

        if (text[0] != (byte)';')
        {
            return false;
        }

        var count = CountSeparators(text, allowQuoted);
        if (count < 0)
        {
            return false;
        }

        var items = materialize ? new SipParameter[count] : null;
        var n = 0;
        var rest = text[1..];
        while (true)
        {
            var end = allowQuoted ? SipSyntax.IndexOfUnquoted(rest, (byte)';') : rest.IndexOf((byte)';');
            var part = end < 0 ? rest : rest[..end];
            var eq = part.IndexOf((byte)'=');
            var name = SipSyntax.TrimLws(eq < 0 ? part : part[..eq]);
            if (name.IsEmpty || !SipSyntax.IsToken(name))
            {
                return false;
            }

            string? value = null;
            if (eq >= 0)
            {
                var v = SipSyntax.TrimLws(part[(eq + 1)..]);
                if (v.IsEmpty)
                {
                    return false;
                }

                if (materialize)
                {
                    value = Encoding.UTF8.GetString(v);
                }
            }

            if (items is not null)
            {
                items[n++] = new SipParameter(InternName(name), value);
            }

            if (end < 0)
            {
                break;
            }

            rest = rest[(end + 1)..];
        }

        if (items is not null)
        {
            parameters = new SipParameters(items);
        }

        return true;
    }

    private static int CountSeparators(ReadOnlySpan<byte> text, bool allowQuoted)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == (byte)'"' && allowQuoted)
            {
                i = SipSyntax.ClosingQuote(text, i);
                if (i < 0)
                {
                    return -1;
                }
            }
            else if (c == (byte)';')
            {
                count++;
            }
        }

        return count;
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string InternName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("tag"u8) => "tag",
        _ when name.SequenceEqual("branch"u8) => "branch",
        _ when name.SequenceEqual("rport"u8) => "rport",
        _ when name.SequenceEqual("received"u8) => "received",
        _ when name.SequenceEqual("lr"u8) => "lr",
        _ when name.SequenceEqual("transport"u8) => "transport",
        _ when name.SequenceEqual("expires"u8) => "expires",
        _ when name.SequenceEqual("id"u8) => "id",
        _ when name.SequenceEqual("maddr"u8) => "maddr",
        _ when name.SequenceEqual("user"u8) => "user",
        _ => Encoding.UTF8.GetString(name),
    };
}
