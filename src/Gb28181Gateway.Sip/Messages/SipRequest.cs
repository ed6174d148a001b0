using System.Buffers;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>A SIP request: method, Request-URI, headers, body.</summary>
public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, SipUri requestUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        Method = method;
        RequestUri = requestUri;
    }

    /// <summary>A received request; the Request-URI (already checked) is parsed when first read.</summary>
    internal SipRequest(string method, ReadOnlyMemory<byte> rawRequestUri, SipHeaders headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        Method = method;
        _rawRequestUri = rawRequestUri;
    }

    private readonly ReadOnlyMemory<byte> _rawRequestUri;
    private SipUri? _requestUri;

    public override bool IsRequest => true;

    /// <summary>The method, e.g. <see cref="SipMethod.Register"/>. Known methods are interned: compare with ==.</summary>
    public string Method { get; }

    public SipUri RequestUri
    {
        get => _requestUri ??= SipUri.TryParse(_rawRequestUri.Span, out var uri)
            ? uri
            : throw new SipMessageException("malformed Request-URI");
        set => _requestUri = value;
    }

    internal override void WriteStartLine(IBufferWriter<byte> writer)
    {
        SipMessageWriter.WriteAscii(writer, Method);
        SipMessageWriter.WriteByte(writer, (byte)' ');
        SipMessageWriter.WriteUtf8(writer, RequestUri.ToString());
        SipMessageWriter.WriteBytes(writer, " SIP/2.0\r\n"u8);
    }

    /// <summary>The request line as text, for logs.</summary>
    public string RequestLine => $"{Method} {RequestUri} {Version}";
}
