using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// A message serialised once, so that retransmissions resend the same bytes without writing them again.
/// Changing the message after the first send does not change what is sent. Once sent, a message kept only for
/// resending (a server transaction's final response during Timer J) can let go of its parsed form with
/// <see cref="ReleaseMessage"/>: what resending needs (bytes, top Via, method, status) stays.
/// </summary>
internal sealed class SipOutboundMessage
{
    private byte[]? _bytes;
    private SipMessage? _message;
    private SipVia? _topVia;
    private string? _method;
    private int _statusCode;

    public SipOutboundMessage(SipMessage message)
    {
        _message = message;
    }

    /// <summary>The message; <see cref="InvalidOperationException"/> after <see cref="ReleaseMessage"/>.</summary>
    public SipMessage Message => Volatile.Read(ref _message)
        ?? throw new InvalidOperationException($"the {this} was released after it was sent; only its bytes remain");

    public ReadOnlyMemory<byte> Bytes => _bytes ??= Message.ToBytes();

    /// <summary>The top Via (where a response goes), also after <see cref="ReleaseMessage"/>.</summary>
    public SipVia? TopVia => Volatile.Read(ref _message) is { } message ? message.TopVia : _topVia;

    /// <summary>The request method, or the CSeq method of a response.</summary>
    public string Method => Volatile.Read(ref _message) is { } message
        ? message is SipRequest request ? request.Method : message.CSeq.Method
        : _method!;

    /// <summary>The status code of a response, 0 for a request.</summary>
    public int StatusCode => Volatile.Read(ref _message) is { } message ? (message as SipResponse)?.StatusCode ?? 0 : _statusCode;

    /// <summary>Keeps the bytes and what routing, metrics and logs read, and drops the parsed message.</summary>
    public void ReleaseMessage()
    {
        if (Volatile.Read(ref _message) is not { } message)
        {
            return;
        }

        _ = Bytes;
        _topVia = message.TopVia;
        _method = Method;
        _statusCode = StatusCode;
        Volatile.Write(ref _message, null);
    }

    public override string ToString() => StatusCode == 0 ? Method : StatusCode + " " + Method;
}
