using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Gb28181Gateway.Protocol.Internal;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>An attribute of a <see cref="ManscdpElement"/>.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "An XML attribute, the GB28181/XML vocabulary; not a .NET attribute class.")]
public readonly record struct ManscdpAttribute(string Name, string Value);

/// <summary>
/// An XML element kept as-is: vendor fields and elements no model knows, so that a message re-encoded
/// upward (with some fields changed) loses nothing. Leaf elements carry <see cref="Text"/>; container
/// elements carry <see cref="Children"/>. Immutable, compared by value.
/// </summary>
public sealed record ManscdpElement
{
    private static readonly SearchValues<char> NotInName = SearchValues.Create(" \t\r\n<>&\"'/=");

    /// <summary>Creates an element; <paramref name="name"/> must be a plausible XML name (no spaces or markup characters).</summary>
    public ManscdpElement(string name, string? text = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.AsSpan().IndexOfAny(NotInName) >= 0 || char.IsAsciiDigit(name[0]) || name[0] is '-' or '.')
        {
            throw new ArgumentException($"'{name}' is not a valid XML element name", nameof(name));
        }

        Name = name;
        Text = text;
    }

    public string Name { get; }

    /// <summary>Text of a leaf element ("" for an empty one); null when the element has children.</summary>
    public string? Text { get; init; }

    public IReadOnlyList<ManscdpAttribute> Attributes { get; init => field = ValueList<ManscdpAttribute>.From(value); } = ValueList<ManscdpAttribute>.Empty;

    public IReadOnlyList<ManscdpElement> Children { get; init => field = ValueList<ManscdpElement>.From(value); } = ValueList<ManscdpElement>.Empty;

    /// <summary>The first child called <paramref name="name"/> (ASCII case-insensitive), or null.</summary>
    public ManscdpElement? Child(string name)
    {
        foreach (var child in Children)
        {
            if (string.Equals(child.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return child;
            }
        }

        return null;
    }

    internal static ManscdpElement FromParsed(string name, string? text, List<ManscdpAttribute>? attributes, List<ManscdpElement>? children)
    {
        // Names from a parsed document were accepted by the tokenizer; they are not re-validated.
        var element = new ManscdpElement(name, text, trusted: true)
        {
            Attributes = ValueList<ManscdpAttribute>.Adopt(attributes),
            Children = ValueList<ManscdpElement>.Adopt(children),
        };
        return element;
    }

    private ManscdpElement(string name, string? text, bool trusted)
    {
        _ = trusted;
        Name = name;
        Text = text;
    }
}
