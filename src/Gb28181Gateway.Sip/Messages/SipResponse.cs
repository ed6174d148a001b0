using System.Buffers;
using System.Text;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>A SIP response: status code, reason phrase, headers, body.</summary>
public sealed class SipResponse : SipMessage
{
    // A received reason phrase stays as bytes (often UTF-8, sometimes not): decoded when first read.
    private readonly ReadOnlyMemory<byte> _rawReasonPhrase;
    private string? _reasonPhrase;

    public SipResponse(int statusCode, string? reasonPhrase = null)
    {
        if (statusCode is < 100 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a SIP status code is 100-699");
        }

        if (reasonPhrase is not null && reasonPhrase.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("a reason phrase must not contain line breaks", nameof(reasonPhrase));
        }

        StatusCode = statusCode;
        _reasonPhrase = reasonPhrase ?? SipStatus.GetReasonPhrase(statusCode);
    }

    internal SipResponse(int statusCode, ReadOnlyMemory<byte> rawReasonPhrase, SipHeaders headers)
        : base(headers)
    {
        StatusCode = statusCode;
        _rawReasonPhrase = rawReasonPhrase;
        if (rawReasonPhrase.IsEmpty)
        {
            _reasonPhrase = string.Empty;
        }
    }

    public override bool IsRequest => false;

    public int StatusCode { get; }

    /// <summary>The reason phrase; may be empty (RFC 4475 §3.1.1.13).</summary>
    public string ReasonPhrase => _reasonPhrase ??= Encoding.UTF8.GetString(_rawReasonPhrase.Span);

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Builds a response to <paramref name="request"/> per RFC 3261 §8.2.6: every Via line copied as received
    /// and in order, From, Call-ID and CSeq copied, To copied with <paramref name="toTag"/> added when the request
    /// had no tag (§8.2.6.2; not on a 100 Trying, which also copies any Timestamp, §8.2.6.1). Headers the
    /// request lacks are left out, so a 400 can still be built for a request that failed validation.
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new SipResponse(statusCode, reasonPhrase);
        var h = response.Headers;
        var source = request.Headers;
        h.CopyFrom(source, SipHeaderKind.Via);
        h.CopyFrom(source, SipHeaderKind.From);
        if (toTag is not null && statusCode != SipStatus.Trying && TryAddRawToWithTag(source, h, toTag))
        {
            // the received To (name-addr form, no parameters) with ";tag=" appended, without parsing it
        }
        else if (toTag is not null && statusCode != SipStatus.Trying
            && source.TryParseFirst<SipNameAddress>(SipHeaderKind.To, SipNameAddress.TryParse, out var to) && to.Tag is null)
        {
            h.Add(SipHeaderKind.To, to.WithTag(toTag));
        }
        else
        {
            h.CopyFrom(source, SipHeaderKind.To);
        }

        h.CopyFrom(source, SipHeaderKind.CallId);
        h.CopyFrom(source, SipHeaderKind.CSeq);
        if (statusCode == SipStatus.Trying)
        {
            h.CopyFrom(source, SipHeaderKind.Timestamp);
        }

        return response;
    }

    /// <summary>
    /// The common case of a response's To: the request's To as received, <c>&lt;uri&gt;</c> with no header parameters
    /// (so no tag), becomes <c>&lt;uri&gt;;tag=…</c> in one array. Anything else (parameters, folding, a typed value,
    /// an invalid To) is left to the parsing path.
    /// </summary>
    private static bool TryAddRawToWithTag(SipHeaders source, SipHeaders target, string toTag)
    {
        var i = source.IndexOf(SipHeaderKind.To);
        if (i < 0 || !source.EntryAt(i).HasRaw || source.EntryAt(i).Folded)
        {
            return false;
        }

        var raw = Parsing.SipSyntax.TrimLws(source.EntryAt(i).Raw.Span);
        if (raw.IsEmpty || raw[^1] != (byte)'>' || !SipNameAddress.IsValid(raw))
        {
            return false;
        }

        var value = new byte[raw.Length + 5 + Encoding.UTF8.GetByteCount(toTag)];
        raw.CopyTo(value);
        ";tag="u8.CopyTo(value.AsSpan(raw.Length));
        Encoding.UTF8.GetBytes(toTag, value.AsSpan(raw.Length + 5));
        target.AddRaw(SipHeaderKind.To, SipHeaderNames.GetName(SipHeaderKind.To), value, folded: false);
        return true;
    }

    internal override void WriteStartLine(IBufferWriter<byte> writer)
    {
        SipMessageWriter.WriteBytes(writer, "SIP/2.0 "u8);
        var span = writer.GetSpan(4);
        span[0] = (byte)('0' + (StatusCode / 100));
        span[1] = (byte)('0' + (StatusCode / 10 % 10));
        span[2] = (byte)('0' + (StatusCode % 10));
        span[3] = (byte)' ';
        writer.Advance(4);
        if (_rawReasonPhrase.IsEmpty)
        {
            SipMessageWriter.WriteUtf8(writer, ReasonPhrase);
        }
        else
        {
            SipMessageWriter.WriteBytes(writer, _rawReasonPhrase.Span);
        }

        SipMessageWriter.WriteBytes(writer, "\r\n"u8);
    }
}
