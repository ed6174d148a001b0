using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// A message serialised once, so that retransmissions resend the same bytes without writing them again.
/// Changing the message after the first send does not change what is sent.
/// </summary>
internal sealed class SipOutboundMessage
{
    private byte[]? _bytes;

    public SipOutboundMessage(SipMessage message)
    {
        Message = message;
    }

    public SipMessage Message { get; }

    public ReadOnlyMemory<byte> Bytes => _bytes ??= Message.ToBytes();

    /// <summary>The request method, or the CSeq method of a response.</summary>
    public string Method => Message is SipRequest request ? request.Method : Message.CSeq.Method;

    /// <summary>The status code of a response, 0 for a request.</summary>
    public int StatusCode => (Message as SipResponse)?.StatusCode ?? 0;

    public override string ToString() => Message is SipRequest request ? request.Method : StatusCode + " " + Method;
}
