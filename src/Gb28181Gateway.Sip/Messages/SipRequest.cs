using System.Buffers;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>A SIP request: method, Request-URI, headers, body.</summary>
public sealed class SipRequest : SipMessage
{
    // A received Request-URI stays as bytes: parsed only when read, written back verbatim unless replaced.
    private ReadOnlyMemory<byte> _rawRequestUri;
    private SipUri? _requestUri;

    public SipRequest(string method, SipUri requestUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        Method = method;
        _requestUri = requestUri;
    }

    /// <summary>A received request; the Request-URI is parsed when first read.</summary>
    internal SipRequest(string method, ReadOnlyMemory<byte> rawRequestUri, SipHeaders headers)
        : base(headers)
    {
        Method = method;
        _rawRequestUri = rawRequestUri;
    }

    public override bool IsRequest => true;

    /// <summary>The method, e.g. <see cref="SipMethod.Register"/>. Known methods are interned: compare with ==.</summary>
    public string Method { get; }

    /// <summary>The Request-URI. Throws <see cref="SipMessageException"/> when a received one does not parse.</summary>
    public SipUri RequestUri
    {
        get => _requestUri ??= SipUri.TryParse(_rawRequestUri.Span, out var uri)
            ? uri
            : throw new SipMessageException($"malformed Request-URI '{Parsing.SipSyntax.Printable(_rawRequestUri.Span)}'");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _requestUri = value;
            _rawRequestUri = default;
        }
    }

    /// <summary>The request line as text, for logs.</summary>
    public string RequestLine => $"{Method} {RequestUriText} {Version}";

    private string RequestUriText => _rawRequestUri.IsEmpty
        ? RequestUri.ToString()
        : System.Text.Encoding.UTF8.GetString(_rawRequestUri.Span);

    internal override void WriteStartLine(IBufferWriter<byte> writer)
    {
        SipMessageWriter.WriteAscii(writer, Method);
        SipMessageWriter.WriteByte(writer, (byte)' ');
        if (_rawRequestUri.IsEmpty)
        {
            SipMessageWriter.WriteUtf8(writer, RequestUri.ToString());
        }
        else
        {
            SipMessageWriter.WriteBytes(writer, _rawRequestUri.Span);
        }

        SipMessageWriter.WriteBytes(writer, " SIP/2.0\r\n"u8);
    }
}
