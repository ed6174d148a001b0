using System.Collections;

namespace Gb28181Gateway.Protocol.Internal;

/// <summary>
/// The immutable list behind every list-valued property of the models: a private copy of what the caller
/// gave (so a model cannot change after it is built) with structural equality (so two records holding
/// equal items are equal, which is what round-trip comparisons and change detection need).
/// </summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    public static readonly ValueList<T> Empty = new([]);

    private readonly T[] _items;

    private ValueList(T[] items)
    {
        _items = items;
    }

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    /// <summary>Wraps a copy of <paramref name="source"/>; null becomes the empty list; null items are refused.</summary>
    public static ValueList<T> From(IEnumerable<T>? source)
    {
        switch (source)
        {
            case null:
                return Empty;
            case ValueList<T> same:
                return same;
        }

        var items = source.ToArray();
        if (items.Length == 0)
        {
            return Empty;
        }

        foreach (var item in items)
        {
            if (item is null)
            {
                throw new ArgumentException($"a list of {typeof(T).Name} may not contain null", nameof(source));
            }
        }

        return new ValueList<T>(items);
    }

    /// <summary>Takes ownership of <paramref name="items"/> (the caller must not keep or change it).</summary>
    internal static ValueList<T> Adopt(List<T>? items) => items is null || items.Count == 0 ? Empty : new ValueList<T>([.. items]);

    public bool Equals(ValueList<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);
    }

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_items.Length);
        foreach (var item in _items.AsSpan(0, Math.Min(_items.Length, 8)))
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public override string ToString() => $"[{string.Join(", ", _items)}]";
}
