namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// A message is missing a header or holds one that does not parse. Received messages that reach the
/// stack's users were already validated for the headers the stack relies on (Via, From, To, Call-ID, CSeq).
/// </summary>
public sealed class SipMessageException : Exception
{
    public SipMessageException(string message)
        : base(message)
    {
    }

    public SipMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SipMessageException()
    {
    }
}
