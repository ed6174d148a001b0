using System.Collections.Frozen;

namespace Gb28181Gateway.Protocol.Xml;

/// <summary>
/// Maps the element names a model knows to slot numbers, case-insensitively (devices write "Alarmstatus" and
/// "AlarmStatus"), straight from the raw ASCII bytes. Built once per model from an enum whose member names
/// are the XML element names, so the list of fields is written in one place.
/// </summary>
internal sealed class FieldTable
{
    private const int MaxNameLength = 64;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private FieldTable(Dictionary<string, int> names, int count)
    {
        _lookup = names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        Count = count;
    }

    public int Count { get; }

    /// <summary>
    /// A table with one slot per <c>public const int</c> of <paramref name="fields"/> (a static class whose
    /// constant names are the XML element names and whose values are 0..n-1), plus aliases onto those slots.
    /// </summary>
    public static FieldTable Of(Type fields, params (string Alias, int Slot)[] aliases)
    {
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (field.IsLiteral && field.GetRawConstantValue() is int slot)
            {
                names.Add(field.Name, slot);
            }
        }

        var count = names.Count;
        if (names.Values.Distinct().Count() != count || names.Values.Any(v => v < 0 || v >= count))
        {
            throw new InvalidOperationException($"{fields.Name}: field slots must be distinct and numbered 0..{count - 1}");
        }

        foreach (var (alias, slot) in aliases)
        {
            names.Add(alias, slot);
        }

        return new FieldTable(names, count);
    }

    /// <summary>The slot of an element name, or -1 when the model does not know it.</summary>
    public int Find(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return -1;
        }

        Span<char> chars = stackalloc char[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] >= 0x80)
            {
                return -1;
            }

            chars[i] = (char)name[i];
        }

        return _lookup.TryGetValue(chars, out var slot) ? slot : -1;
    }
}
