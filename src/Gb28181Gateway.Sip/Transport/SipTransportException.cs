namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// A message could not be sent: TCP connection refused, reset or timed out, the connection limit reached,
/// the transport stopped. A client transaction that sees it fails with 503 (RFC 3261 §8.1.3.1).
/// </summary>
public sealed class SipTransportException : Exception
{
    public SipTransportException(string message)
        : base(message)
    {
    }

    public SipTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SipTransportException()
    {
    }
}
