using System.Buffers;
using System.Text;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Protocol.Xml;

internal struct XmlNode
{
    public int NameStart;
    public int NameLength;
    public int ContentStart;
    public int ContentLength;
    public int AttributesStart;
    public int AttributesLength;
    public int FirstChild;
    public int NextSibling;
}

/// <summary>
/// A parsed XML body as a flat array of nodes (pooled) over the original bytes. Text is decoded only when a
/// reader asks for it, in the charset chosen for the body. Node 0 is the root. Dispose returns the array.
/// </summary>
internal ref struct XmlDocument
{
    public const int MaxDepth = 32;

    private XmlNode[] _nodes;
    private int _count;

    private XmlDocument(ReadOnlySpan<byte> source, Encoding encoding)
    {
        Source = source;
        Encoding = encoding;
        _nodes = ArrayPool<XmlNode>.Shared.Rent(Math.Clamp(source.Length / 24, 16, 4096));
        _count = 0;
    }

    public readonly ReadOnlySpan<byte> Source { get; }

    public readonly Encoding Encoding { get; }

    public readonly int Count => _count;

    /// <summary>Parses <paramref name="source"/>; stops after the root element closes (trailing bytes are ignored).</summary>
    public static XmlDocument Parse(ReadOnlySpan<byte> source, Encoding encoding)
    {
        var document = new XmlDocument(source, encoding);
        try
        {
            document.Build();
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public readonly ReadOnlySpan<byte> Name(int node) => Source.Slice(_nodes[node].NameStart, _nodes[node].NameLength);

    public readonly int FirstChild(int node) => _nodes[node].FirstChild;

    public readonly int NextSibling(int node) => _nodes[node].NextSibling;

    public readonly int ContentStart(int node) => _nodes[node].ContentStart;

    public readonly bool NameIs(int node, ReadOnlySpan<byte> name) => System.Text.Ascii.EqualsIgnoreCase(Name(node), name);

    /// <summary>The first child named <paramref name="name"/> (ASCII case-insensitive), or -1.</summary>
    public readonly int Child(int node, ReadOnlySpan<byte> name)
    {
        for (var c = FirstChild(node); c >= 0; c = NextSibling(c))
        {
            if (NameIs(c, name))
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>
    /// The trimmed text of a leaf element (entities and CDATA resolved), "" when empty; null for -1 and for an
    /// element that has child elements.
    /// </summary>
    public readonly string? Text(int node)
    {
        if (node < 0 || _nodes[node].FirstChild >= 0)
        {
            return null;
        }

        return XmlText.Decode(Source.Slice(_nodes[node].ContentStart, _nodes[node].ContentLength), Encoding);
    }

    /// <summary>The raw (undecoded, untrimmed) content bytes of an element.</summary>
    public readonly ReadOnlySpan<byte> RawContent(int node) => Source.Slice(_nodes[node].ContentStart, _nodes[node].ContentLength);

    /// <summary>The value of attribute <paramref name="name"/> (case-insensitive), or null.</summary>
    public readonly string? Attribute(int node, ReadOnlySpan<byte> name)
    {
        var region = Source.Slice(_nodes[node].AttributesStart, _nodes[node].AttributesLength);
        var reader = new XmlAttributeReader(region);
        while (reader.Next(out var attrName, out var value))
        {
            if (System.Text.Ascii.EqualsIgnoreCase(attrName, name))
            {
                return XmlText.Decode(value, Encoding);
            }
        }

        return null;
    }

    /// <summary>Materializes a node and its subtree as a public element (for elements no model knows).</summary>
    public readonly ManscdpElement ToElement(int node)
    {
        List<ManscdpAttribute>? attributes = null;
        var reader = new XmlAttributeReader(Source.Slice(_nodes[node].AttributesStart, _nodes[node].AttributesLength));
        while (reader.Next(out var attrName, out var value))
        {
            (attributes ??= []).Add(new ManscdpAttribute(XmlText.DecodeName(attrName, Encoding), XmlText.Decode(value, Encoding)));
        }

        List<ManscdpElement>? children = null;
        for (var c = FirstChild(node); c >= 0; c = NextSibling(c))
        {
            (children ??= []).Add(ToElement(c));
        }

        return ManscdpElement.FromParsed(XmlText.DecodeName(Name(node), Encoding), children is null ? Text(node) : null, attributes, children);
    }

    public void Dispose()
    {
        if (_nodes is not null)
        {
            ArrayPool<XmlNode>.Shared.Return(_nodes);
            _nodes = null!;
        }
    }

    private void Build()
    {
        var tokenizer = new XmlTokenizer(Source);
        Span<int> open = stackalloc int[MaxDepth];
        Span<int> lastChild = stackalloc int[MaxDepth];
        var depth = 0;
        while (tokenizer.Read())
        {
            switch (tokenizer.Kind)
            {
                case XmlTokenKind.StartElement:
                    if (depth == MaxDepth)
                    {
                        throw Errors.Format($"elements are nested deeper than {MaxDepth} levels at byte {tokenizer.TokenStart}");
                    }

                    var index = Add(new XmlNode
                    {
                        NameStart = tokenizer.NameStart,
                        NameLength = tokenizer.NameLength,
                        AttributesStart = tokenizer.AttributesStart,
                        AttributesLength = tokenizer.AttributesLength,
                        ContentStart = tokenizer.Position,
                        FirstChild = -1,
                        NextSibling = -1,
                    });
                    if (depth > 0)
                    {
                        if (lastChild[depth - 1] < 0)
                        {
                            _nodes[open[depth - 1]].FirstChild = index;
                        }
                        else
                        {
                            _nodes[lastChild[depth - 1]].NextSibling = index;
                        }

                        lastChild[depth - 1] = index;
                    }

                    if (tokenizer.IsSelfClosing)
                    {
                        if (depth == 0)
                        {
                            return;
                        }
                    }
                    else
                    {
                        open[depth] = index;
                        lastChild[depth] = -1;
                        depth++;
                    }

                    break;

                case XmlTokenKind.EndElement:
                    if (depth == 0)
                    {
                        throw Errors.Format($"end tag </{Errors.Excerpt(tokenizer.Name, 40)}> at byte {tokenizer.TokenStart} has no start tag");
                    }

                    var top = open[depth - 1];
                    if (!System.Text.Ascii.EqualsIgnoreCase(tokenizer.Name, Name(top)))
                    {
                        throw Errors.Format(
                            $"end tag </{Errors.Excerpt(tokenizer.Name, 40)}> at byte {tokenizer.TokenStart} does not close " +
                            $"<{Errors.Excerpt(Name(top), 40)}> opened at byte {_nodes[top].NameStart - 1}");
                    }

                    _nodes[top].ContentLength = tokenizer.TokenStart - _nodes[top].ContentStart;
                    depth--;
                    if (depth == 0)
                    {
                        return;
                    }

                    break;

                case XmlTokenKind.Text or XmlTokenKind.CData:
                    if (depth == 0 && !IsBlank(tokenizer.Value))
                    {
                        throw Errors.Format($"text '{Errors.Excerpt(tokenizer.Value.Trim(" \t\r\n\0"u8), 30)}' at byte {tokenizer.ValueStart} is outside the root element");
                    }

                    break;
            }
        }

        if (_count == 0)
        {
            throw Errors.Format(Source.IsEmpty ? "the body is empty" : "no root element (expected <Query>, <Control>, <Notify> or <Response>)");
        }

        var unclosed = open[depth - 1];
        throw Errors.Format(
            $"the body ends inside <{Errors.Excerpt(Name(unclosed), 40)}> opened at byte {_nodes[unclosed].NameStart - 1} " +
            $"(missing </{Errors.Excerpt(Name(unclosed), 40)}>; truncated message?)");
    }

    private static bool IsBlank(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(" \t\r\n\0"u8) < 0;

    private int Add(in XmlNode node)
    {
        if (_count == _nodes.Length)
        {
            var larger = ArrayPool<XmlNode>.Shared.Rent(_nodes.Length * 2);
            _nodes.AsSpan(0, _count).CopyTo(larger);
            ArrayPool<XmlNode>.Shared.Return(_nodes);
            _nodes = larger;
        }

        _nodes[_count] = node;
        return _count++;
    }
}
