using System.Globalization;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>The CSeq header: a sequence number (below 2^31, RFC 3261 §8.1.1.5) and the request method.</summary>
public readonly record struct SipCSeq(uint Number, string Method)
{
    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;
}
