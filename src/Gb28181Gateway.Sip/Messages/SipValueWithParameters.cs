using System.Diagnostics.CodeAnalysis;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// A header value of the form <c>value *(;param)</c>: Event (<c>Catalog;id=1</c>), Subscription-State
/// (<c>active;expires=3600</c>), Content-Type (<c>Application/MANSCDP+xml</c>), Reason, Retry-After.
/// </summary>
public sealed record SipValueWithParameters(string Value, SipParameters Parameters)
{
    public SipValueWithParameters(string value)
        : this(value, SipParameters.Empty)
    {
    }

    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out SipValueWithParameters? value)
    {
        value = null;
        text = SipSyntax.TrimLws(text);
        var semi = SipSyntax.IndexOfUnquoted(text, (byte)';');
        var main = SipSyntax.TrimLws(semi < 0 ? text : text[..semi]);
        if (main.IsEmpty)
        {
            return false;
        }

        var parameters = SipParameters.Empty;
        if (semi >= 0 && !SipParameters.TryParse(text[semi..], allowQuoted: true, out parameters))
        {
            return false;
        }

        value = new SipValueWithParameters(Encoding.UTF8.GetString(main), parameters);
        return true;
    }

    public override string ToString() => Parameters.Count == 0 ? Value : Value + Parameters.ToString();
}
