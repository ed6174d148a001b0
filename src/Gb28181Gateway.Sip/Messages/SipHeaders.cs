using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>A header as seen from outside: its name (canonical for known headers) and its value text.</summary>
public readonly record struct SipHeader(SipHeaderKind Kind, string Name, string Value);

/// <summary>
/// The headers of a message, in order. Parsed headers keep their received bytes and are only turned into
/// strings or typed values when asked; headers set by code hold a string or a typed value. Unknown
/// headers are kept verbatim. Lookups by kind handle compact forms (<c>v</c>, <c>i</c>, <c>l</c>, ...).
/// </summary>
public sealed class SipHeaders : IReadOnlyList<SipHeader>
{
    private Entry[] _entries;
    private int _count;

    public SipHeaders()
        : this(8)
    {
    }

    internal SipHeaders(int capacity)
    {
        _entries = capacity == 0 ? [] : new Entry[capacity];
    }

    public int Count => _count;

    public SipHeader this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            ref var e = ref _entries[index];
            return new SipHeader(e.Kind, e.Name, ValueText(ref e));
        }
    }

    public bool Contains(SipHeaderKind kind) => IndexOf(kind) >= 0;

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The first header of this kind, as text (folded lines joined), or null.</summary>
    public string? GetFirst(SipHeaderKind kind)
    {
        var i = IndexOf(kind);
        return i < 0 ? null : ValueText(ref _entries[i]);
    }

    /// <summary>The first header with this name (case-insensitive; compact forms of known headers match), or null.</summary>
    public string? GetFirst(string name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : ValueText(ref _entries[i]);
    }

    /// <summary>Every value of a header, in order, list headers split at top-level commas.</summary>
    public IReadOnlyList<string> GetAll(SipHeaderKind kind)
    {
        var result = new List<string>();
        var isList = SipHeaderNames.IsList(kind);
        for (var i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            if (e.Kind != kind)
            {
                continue;
            }

            var text = ValueText(ref e);
            if (!isList)
            {
                result.Add(text);
                continue;
            }

            foreach (var part in SplitList(text))
            {
                result.Add(part);
            }
        }

        return result;
    }

    /// <summary>Appends a header. The name is classified, so "v" and "Via" both become a Via header.</summary>
    public void Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        ValidateValue(value);
        var kind = SipHeaderNames.Classify(name);
        Append(new Entry { Kind = kind, Name = kind == SipHeaderKind.Other ? name : SipHeaderNames.GetName(kind), Value = value });
    }

    /// <summary>Appends a known header with a string or typed value (SipVia, SipNameAddress, SipUri, SipAuthHeader, SipValueWithParameters, SipCSeq, int).</summary>
    public void Add(SipHeaderKind kind, object value) => Insert(_count, kind, value);

    /// <summary>Inserts a known header at <paramref name="index"/> (0 puts a Via on top).</summary>
    public void Insert(int index, SipHeaderKind kind, object value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)index, (uint)_count, nameof(index));
        if (kind == SipHeaderKind.Other)
        {
            throw new ArgumentException("use Add(name, value) for unknown headers", nameof(kind));
        }

        ArgumentNullException.ThrowIfNull(value);
        if (value is string s)
        {
            ValidateValue(s);
        }

        EnsureCapacity();
        Array.Copy(_entries, index, _entries, index + 1, _count - index);
        _entries[index] = new Entry { Kind = kind, Name = SipHeaderNames.GetName(kind), Value = value };
        _count++;
    }

    /// <summary>Sets a known header: the first one keeps its position and takes the value, any others are removed; appended when absent.</summary>
    public void Set(SipHeaderKind kind, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = IndexOf(kind);
        if (i < 0)
        {
            Add(kind, value);
            return;
        }

        if (value is string s)
        {
            ValidateValue(s);
        }

        _entries[i] = new Entry { Kind = kind, Name = SipHeaderNames.GetName(kind), Value = value };
        RemoveAfter(i, kind, null);
    }

    /// <summary>Sets a header by name (see <see cref="Set(SipHeaderKind, object)"/>); a received unknown header keeps its spelling.</summary>
    public void Set(string name, string value)
    {
        var kind = SipHeaderNames.Classify(name);
        if (kind != SipHeaderKind.Other)
        {
            Set(kind, value);
            return;
        }

        ValidateValue(value);
        var i = IndexOf(name);
        if (i < 0)
        {
            Add(name, value);
            return;
        }

        _entries[i] = new Entry { Kind = kind, Name = _entries[i].Name, Value = value };
        RemoveAfter(i, kind, name);
    }

    /// <summary>Removes every header of this kind; returns how many were removed.</summary>
    public int Remove(SipHeaderKind kind) => RemoveWhere(e => e.Kind == kind);

    /// <summary>Removes every header with this name; returns how many were removed.</summary>
    public int Remove(string name)
    {
        var kind = SipHeaderNames.Classify(name);
        return kind != SipHeaderKind.Other
            ? Remove(kind)
            : RemoveWhere(e => e.Kind == SipHeaderKind.Other && string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Copies every header of this kind, as is, from another message (used to copy Via, Record-Route into a response).</summary>
    public void CopyFrom(SipHeaders source, SipHeaderKind kind)
    {
        for (var i = 0; i < source._count; i++)
        {
            if (source._entries[i].Kind == kind)
            {
                Append(source._entries[i]);
            }
        }
    }

    public IEnumerator<SipHeader> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal delegate bool SpanParser<T>(ReadOnlySpan<byte> text, out T? value);

    /// <summary>
    /// Parses the first list element of the first header of <paramref name="kind"/>, caching the typed value.
    /// Returns false when the header is absent; throws <see cref="SipMessageException"/> when it does not parse.
    /// </summary>
    internal bool TryGetFirst<T>(SipHeaderKind kind, SpanParser<T> parser, out T value)
        where T : class
    {
        var i = IndexOf(kind);
        if (i < 0)
        {
            value = null!;
            return false;
        }

        ref var e = ref _entries[i];
        if (e.Value is T cached)
        {
            value = cached;
            return true;
        }

        if (!parser(FirstElement(i), out var parsed) || parsed is null)
        {
            throw new SipMessageException($"malformed {e.Name} header");
        }

        if (e.HasRaw)
        {
            e.Value = parsed; // cache; the raw bytes stay authoritative for serialization
        }

        value = parsed;
        return true;
    }

    internal delegate bool ParameterReader(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name, out string? value);

    /// <summary>
    /// One parameter of the first list element of the first header of <paramref name="kind"/> (a Via branch, a
    /// From tag) without building the typed value, unless it is already built. Returns false when the header is
    /// absent; throws <see cref="SipMessageException"/> when it does not parse, as <see cref="TryGetFirst"/> does.
    /// </summary>
    internal bool TryGetFirstParameter(SipHeaderKind kind, ParameterReader reader, string name, ReadOnlySpan<byte> nameBytes, out string? value)
    {
        var i = IndexOf(kind);
        if (i < 0)
        {
            value = null;
            return false;
        }

        ref var e = ref _entries[i];
        switch (e.Value)
        {
            case SipVia via:
                value = via.Parameters[name];
                return true;
            case SipNameAddress address:
                value = address.Parameters[name];
                return true;
        }

        if (!reader(FirstElement(i), nameBytes, out value))
        {
            throw new SipMessageException($"malformed {e.Name} header");
        }

        return true;
    }

    /// <summary>As <see cref="TryGetFirst"/>, but false (instead of an exception) when the header does not parse.</summary>
    internal bool TryParseFirst<T>(SipHeaderKind kind, SpanParser<T> parser, [NotNullWhen(true)] out T? value)
        where T : class
    {
        value = null;
        var i = IndexOf(kind);
        if (i < 0)
        {
            return false;
        }

        if (_entries[i].Value is T cached)
        {
            value = cached;
            return true;
        }

        return parser(FirstElement(i), out value) && value is not null;
    }

    /// <summary>Parses every element of every header of this kind.</summary>
    internal List<T> GetAllTyped<T>(SipHeaderKind kind, SpanParser<T> parser)
        where T : class
    {
        var result = new List<T>();
        for (var i = 0; i < _count; i++)
        {
            ref var e = ref _entries[i];
            if (e.Kind != kind)
            {
                continue;
            }

            if (!e.HasRaw && e.Value is T typed)
            {
                result.Add(typed);
                continue;
            }

            ReadOnlySpan<byte> text = e.HasRaw ? e.Raw.Span : Encoding.UTF8.GetBytes(ValueText(ref e));
            if (e.Folded)
            {
                text = Unfold(text);
            }

            while (true)
            {
                var comma = SipHeaderNames.IsList(kind) ? SipSyntax.IndexOfUnquoted(text, (byte)',') : -1;
                var part = comma < 0 ? text : text[..comma];
                if (!SipSyntax.TrimLws(part).IsEmpty)
                {
                    if (!parser(part, out var parsed) || parsed is null)
                    {
                        throw new SipMessageException($"malformed {e.Name} header");
                    }

                    result.Add(parsed);
                }

                if (comma < 0)
                {
                    break;
                }

                text = text[(comma + 1)..];
            }
        }

        return result;
    }

    /// <summary>Appends a header as received. <paramref name="raw"/> is the trimmed value, which may contain folded line breaks.</summary>
    internal void AddRaw(SipHeaderKind kind, string name, ReadOnlyMemory<byte> raw, bool folded)
    {
        Append(new Entry { Kind = kind, Name = name, Raw = raw, HasRaw = true, Folded = folded });
    }

    internal int IndexOf(SipHeaderKind kind)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Kind == kind)
            {
                return i;
            }
        }

        return -1;
    }

    internal ref Entry EntryAt(int index) => ref _entries[index];

    /// <summary>The whole value of the header at <paramref name="index"/> as bytes (folded lines joined).</summary>
    internal ReadOnlySpan<byte> ValueBytes(int index)
    {
        ref var e = ref _entries[index];
        if (!e.HasRaw)
        {
            return Encoding.UTF8.GetBytes(ValueText(ref e));
        }

        return e.Folded ? Unfold(e.Raw.Span) : e.Raw.Span;
    }

    /// <summary>The first list element of the header at <paramref name="index"/> as bytes (unfolded, trimmed).</summary>
    internal ReadOnlySpan<byte> FirstElement(int index)
    {
        ref var e = ref _entries[index];
        var text = ValueBytes(index);
        if (SipHeaderNames.IsList(e.Kind))
        {
            var comma = SipSyntax.IndexOfUnquoted(text, (byte)',');
            if (comma >= 0)
            {
                text = text[..comma];
            }
        }

        return SipSyntax.TrimLws(text);
    }

    internal static ReadOnlySpan<byte> Unfold(ReadOnlySpan<byte> text)
    {
        var buffer = new byte[text.Length];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is (byte)'\r' or (byte)'\n')
            {
                // CRLF (or LF) followed by whitespace becomes a single space
                while (i + 1 < text.Length && SipSyntax.IsLws(text[i + 1]))
                {
                    i++;
                }

                buffer[n++] = (byte)' ';
                continue;
            }

            buffer[n++] = c;
        }

        return buffer.AsSpan(0, n);
    }

    internal static string ValueText(ref Entry e)
    {
        if (e.HasRaw)
        {
            return Encoding.UTF8.GetString(e.Folded ? Unfold(e.Raw.Span) : e.Raw.Span);
        }

        return e.Value switch
        {
            string s => s,
            int n => n.ToString(CultureInfo.InvariantCulture),
            null => string.Empty,
            var other => other.ToString() ?? string.Empty,
        };
    }

    private static IEnumerable<string> SplitList(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var start = 0;
        while (true)
        {
            var comma = SipSyntax.IndexOfUnquoted(bytes.AsSpan(start), (byte)',');
            var end = comma < 0 ? bytes.Length : start + comma;
            var part = Encoding.UTF8.GetString(SipSyntax.TrimLws(bytes.AsSpan(start, end - start)));
            if (part.Length > 0)
            {
                yield return part;
            }

            if (comma < 0)
            {
                yield break;
            }

            start = end + 1;
        }
    }

    private static void ValidateValue(string value)
    {
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("a header value must not contain line breaks", nameof(value));
        }
    }

    private int IndexOf(string name)
    {
        var kind = SipHeaderNames.Classify(name);
        if (kind != SipHeaderKind.Other)
        {
            return IndexOf(kind);
        }

        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Kind == SipHeaderKind.Other && string.Equals(_entries[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(Entry entry)
    {
        EnsureCapacity();
        _entries[_count++] = entry;
    }

    private void EnsureCapacity()
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(8, _entries.Length * 2));
        }
    }

    private void RemoveAfter(int index, SipHeaderKind kind, string? name)
    {
        var write = index + 1;
        for (var read = index + 1; read < _count; read++)
        {
            var e = _entries[read];
            var match = e.Kind == kind && (name is null || string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
            if (!match)
            {
                _entries[write++] = e;
            }
        }

        Array.Clear(_entries, write, _count - write);
        _count = write;
    }

    private int RemoveWhere(Func<Entry, bool> predicate)
    {
        var write = 0;
        for (var read = 0; read < _count; read++)
        {
            if (!predicate(_entries[read]))
            {
                _entries[write++] = _entries[read];
            }
        }

        var removed = _count - write;
        Array.Clear(_entries, write, removed);
        _count = write;
        return removed;
    }

    internal struct Entry
    {
        public SipHeaderKind Kind;
        public bool HasRaw;
        public bool Folded;
        public string Name;
        public ReadOnlyMemory<byte> Raw;
        public object? Value;
    }
}
