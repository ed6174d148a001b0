using System.Text;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// A typed header value that can append its wire text (exactly what its <c>ToString()</c> gives) to a builder, so
/// <see cref="SipMessageWriter"/> writes it without a string per header.
/// </summary>
internal interface ISipHeaderText
{
    void AppendTo(StringBuilder sb);
}
