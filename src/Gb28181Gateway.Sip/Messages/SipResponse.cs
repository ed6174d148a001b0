using System.Buffers;
using System.Globalization;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>A SIP response: status code, reason phrase, headers, body.</summary>
public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string? reasonPhrase = null)
    {
        if (statusCode is < 100 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a SIP status code is 100-699");
        }

        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase ?? SipStatus.GetReasonPhrase(statusCode);
    }

    internal SipResponse(int statusCode, string reasonPhrase, SipHeaders headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public override bool IsRequest => false;

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Builds a response to <paramref name="request"/> per RFC 3261 §8.2.6: Via (all, in order), From,
    /// Call-ID, CSeq and To copied; a To tag added when given and the request had none (§8.2.6.2;
    /// a 100 Trying carries none).
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new SipResponse(statusCode, reasonPhrase);
        var h = response.Headers;
        h.CopyFrom(request.Headers, SipHeaderKind.Via);
        h.CopyFrom(request.Headers, SipHeaderKind.From);
        var to = request.To;
        if (toTag is not null && to.Tag is null && statusCode != 100)
        {
            h.Add(SipHeaderKind.To, to.WithTag(toTag));
        }
        else
        {
            h.CopyFrom(request.Headers, SipHeaderKind.To);
        }

        h.CopyFrom(request.Headers, SipHeaderKind.CallId);
        h.CopyFrom(request.Headers, SipHeaderKind.CSeq);
        return response;
    }

    internal override void WriteStartLine(IBufferWriter<byte> writer)
    {
        SipMessageWriter.WriteBytes(writer, "SIP/2.0 "u8);
        SipMessageWriter.WriteAscii(writer, StatusCode.ToString(CultureInfo.InvariantCulture));
        SipMessageWriter.WriteByte(writer, (byte)' ');
        SipMessageWriter.WriteUtf8(writer, ReasonPhrase);
        SipMessageWriter.WriteBytes(writer, "\r\n"u8);
    }
}
