using System.Buffers;
using System.Globalization;
using System.Text;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Messages;

/// <summary>
/// A SIP request or response. Headers are kept in order (<see cref="Headers"/>) with typed accessors for
/// the ones the stack and its users need. The body is bytes: GB2312/GB18030 text is decoded by the caller.
/// </summary>
/// <remarks>
/// A received message refers to the receive buffer it was parsed from, without copying it. Code that keeps
/// a message for longer than its transaction should keep the values it needs rather than the message.
/// </remarks>
public abstract class SipMessage
{
    public const string Version = "SIP/2.0";

    /// <summary>Largest serialisation scratch buffer a thread keeps between messages.</summary>
    private const int MaxKeptScratch = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    // CSeq is read for every message; cache it against the raw bytes it was parsed from, without boxing.
    private ReadOnlyMemory<byte> _cseqRaw;
    private SipCSeq _cseq;

    protected SipMessage()
    {
        Headers = new SipHeaders();
    }

    private protected SipMessage(SipHeaders headers)
    {
        Headers = headers;
    }

    public SipHeaders Headers { get; }

    public ReadOnlyMemory<byte> Body { get; set; }

    public abstract bool IsRequest { get; }

    /// <summary>The top Via, or null when the message has none yet.</summary>
    public SipVia? TopVia
    {
        get => Headers.TryGetFirst<SipVia>(SipHeaderKind.Via, SipVia.TryParse, out var via) ? via : null;
    }

    /// <summary>
    /// The top Via's branch (as <c>TopVia?.Branch</c>) without building the Via: what a transaction layer
    /// reads from every message. Throws <see cref="SipMessageException"/> when the top Via is malformed.
    /// </summary>
    public string? TopViaBranch =>
        Headers.TryGetFirstParameter(SipHeaderKind.Via, SipVia.TryGetParameter, "branch", "branch"u8, out var branch) ? branch : null;

    /// <summary>The From tag (as <c>From.Tag</c>) without building the address; throws <see cref="SipMessageException"/> as <see cref="From"/> does.</summary>
    public string? FromTag => Headers.TryGetFirstParameter(SipHeaderKind.From, SipNameAddress.TryGetParameter, "tag", "tag"u8, out var tag)
        ? tag
        : throw new SipMessageException("missing From header");

    /// <summary>The To tag (as <c>To.Tag</c>) without building the address; throws <see cref="SipMessageException"/> as <see cref="To"/> does.</summary>
    public string? ToTag => Headers.TryGetFirstParameter(SipHeaderKind.To, SipNameAddress.TryGetParameter, "tag", "tag"u8, out var tag)
        ? tag
        : throw new SipMessageException("missing To header");

    /// <summary>Every Via, top first (list headers split).</summary>
    public IReadOnlyList<SipVia> Vias => Headers.GetAllTyped<SipVia>(SipHeaderKind.Via, SipVia.TryParse);

    public SipNameAddress From
    {
        get => Required<SipNameAddress>(SipHeaderKind.From, SipNameAddress.TryParse);
        set => Headers.Set(SipHeaderKind.From, value);
    }

    public SipNameAddress To
    {
        get => Required<SipNameAddress>(SipHeaderKind.To, SipNameAddress.TryParse);
        set => Headers.Set(SipHeaderKind.To, value);
    }

    public string CallId
    {
        get => Headers.GetFirst(SipHeaderKind.CallId) ?? throw new SipMessageException("missing Call-ID header");
        set => Headers.Set(SipHeaderKind.CallId, value);
    }

    public SipCSeq CSeq
    {
        get
        {
            var i = Headers.IndexOf(SipHeaderKind.CSeq);
            if (i < 0)
            {
                throw new SipMessageException("missing CSeq header");
            }

            ref var e = ref Headers.EntryAt(i);
            if (e.Value is SipCSeq typed)
            {
                return typed;
            }

            if (e.HasRaw && !_cseqRaw.IsEmpty && e.Raw.Equals(_cseqRaw))
            {
                return _cseq;
            }

            ReadOnlySpan<byte> text = e.HasRaw ? e.Raw.Span : Encoding.UTF8.GetBytes(SipHeaders.ValueText(ref e));
            if (!SipMessageParser.TryParseCSeq(e.Folded ? SipHeaders.Unfold(text) : text, out var cseq))
            {
                throw new SipMessageException("malformed CSeq header");
            }

            if (e.HasRaw)
            {
                _cseq = cseq;
                _cseqRaw = e.Raw;
            }

            return cseq;
        }

        set => Headers.Set(SipHeaderKind.CSeq, value);
    }

    /// <summary>The first Contact, or null.</summary>
    public SipNameAddress? Contact => Headers.TryGetFirst<SipNameAddress>(SipHeaderKind.Contact, SipNameAddress.TryParse, out var c) ? c : null;

    public IReadOnlyList<SipNameAddress> Contacts => Headers.GetAllTyped<SipNameAddress>(SipHeaderKind.Contact, SipNameAddress.TryParse);

    public IReadOnlyList<SipNameAddress> Routes => Headers.GetAllTyped<SipNameAddress>(SipHeaderKind.Route, SipNameAddress.TryParse);

    public IReadOnlyList<SipNameAddress> RecordRoutes => Headers.GetAllTyped<SipNameAddress>(SipHeaderKind.RecordRoute, SipNameAddress.TryParse);

    /// <summary>The Expires header; null when absent. A value that is not a number throws <see cref="SipMessageException"/>.</summary>
    public int? Expires
    {
        get => OptionalInt(SipHeaderKind.Expires);
        set => SetOrRemove(SipHeaderKind.Expires, value);
    }

    public int? MaxForwards
    {
        get => OptionalInt(SipHeaderKind.MaxForwards);
        set => SetOrRemove(SipHeaderKind.MaxForwards, value);
    }

    /// <summary>The Content-Type header text, e.g. "Application/MANSCDP+xml", or null.</summary>
    public string? ContentType
    {
        get => Headers.GetFirst(SipHeaderKind.ContentType);
        set => SetOrRemove(SipHeaderKind.ContentType, value);
    }

    public string? UserAgent => Headers.GetFirst(SipHeaderKind.UserAgent);

    public string? Subject => Headers.GetFirst(SipHeaderKind.Subject);

    public string? Date => Headers.GetFirst(SipHeaderKind.Date);

    public SipValueWithParameters? Event =>
        Headers.TryGetFirst<SipValueWithParameters>(SipHeaderKind.Event, SipValueWithParameters.TryParse, out var v) ? v : null;

    public SipValueWithParameters? SubscriptionState =>
        Headers.TryGetFirst<SipValueWithParameters>(SipHeaderKind.SubscriptionState, SipValueWithParameters.TryParse, out var v) ? v : null;

    public SipAuthHeader? WwwAuthenticate =>
        Headers.TryGetFirst<SipAuthHeader>(SipHeaderKind.WwwAuthenticate, SipAuthHeader.TryParse, out var v) ? v : null;

    public SipAuthHeader? ProxyAuthenticate =>
        Headers.TryGetFirst<SipAuthHeader>(SipHeaderKind.ProxyAuthenticate, SipAuthHeader.TryParse, out var v) ? v : null;

    public SipAuthHeader? Authorization =>
        Headers.TryGetFirst<SipAuthHeader>(SipHeaderKind.Authorization, SipAuthHeader.TryParse, out var v) ? v : null;

    public SipAuthHeader? ProxyAuthorization =>
        Headers.TryGetFirst<SipAuthHeader>(SipHeaderKind.ProxyAuthorization, SipAuthHeader.TryParse, out var v) ? v : null;

    /// <summary>Whether <see cref="ContentType"/> names this media type (case-insensitive, parameters ignored).</summary>
    public bool HasContentType(string mediaType)
    {
        var ct = ContentType;
        if (ct is null)
        {
            return false;
        }

        var semi = ct.IndexOf(';', StringComparison.Ordinal);
        var main = (semi < 0 ? ct : ct[..semi]).AsSpan().Trim();
        return main.Equals(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Writes the message: start line, headers, a Content-Length equal to the body's byte length, the body.</summary>
    public void WriteTo(IBufferWriter<byte> writer) => SipMessageWriter.Write(this, writer);

    /// <summary>
    /// The message's bytes in an array of their exact size. The message is written into a per-thread scratch
    /// buffer that is reused (kept only while it is at most <see cref="MaxKeptScratch"/> bytes), so a send allocates
    /// the one array it hands out instead of a growing writer and a copy.
    /// </summary>
    public byte[] ToBytes()
    {
        var buffer = t_scratch ?? new ArrayBufferWriter<byte>(1024);
        t_scratch = null; // not shared with a nested call (a value's ToString writing another message)
        buffer.ResetWrittenCount();
        WriteTo(buffer);
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity <= MaxKeptScratch)
        {
            t_scratch = buffer;
        }

        return bytes;
    }

    /// <summary>The message as text (UTF-8), for logs and tests.</summary>
    public override string ToString() => Encoding.UTF8.GetString(ToBytes());

    internal abstract void WriteStartLine(IBufferWriter<byte> writer);

    private T Required<T>(SipHeaderKind kind, SipHeaders.SpanParser<T> parser)
        where T : class
        => Headers.TryGetFirst(kind, parser, out var value)
            ? value
            : throw new SipMessageException($"missing {SipHeaderNames.GetName(kind)} header");

    private int? OptionalInt(SipHeaderKind kind)
    {
        var text = Headers.GetFirst(kind);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new SipMessageException($"malformed {SipHeaderNames.GetName(kind)} header '{text}'");
    }

    private void SetOrRemove(SipHeaderKind kind, object? value)
    {
        if (value is null)
        {
            Headers.Remove(kind);
        }
        else
        {
            Headers.Set(kind, value);
        }
    }
}
