namespace Gb28181Gateway.Sip.Messages;

/// <summary>The headers the stack gives typed access to. Anything else is <see cref="Other"/> and kept verbatim.</summary>
public enum SipHeaderKind : byte
{
    Other = 0,
    Via,
    From,
    To,
    CallId,
    CSeq,
    Contact,
    MaxForwards,
    Expires,
    MinExpires,
    ContentType,
    ContentLength,
    ContentEncoding,
    WwwAuthenticate,
    Authorization,
    ProxyAuthenticate,
    ProxyAuthorization,
    AuthenticationInfo,
    Subject,
    Event,
    AllowEvents,
    SubscriptionState,
    Date,
    Route,
    RecordRoute,
    UserAgent,
    Server,
    Allow,
    Supported,
    Require,
    ProxyRequire,
    Unsupported,
    Accept,
    Warning,
    RetryAfter,
    Reason,
    Timestamp,
    ReferTo,
    ReferredBy,
    SessionExpires,
}

/// <summary>Canonical names, compact forms (RFC 3261 §7.3.3 and extensions) and case-insensitive lookup.</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string Expires = "Expires";
    public const string MinExpires = "Min-Expires";
    public const string ContentType = "Content-Type";
    public const string ContentLength = "Content-Length";
    public const string ContentEncoding = "Content-Encoding";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string Authorization = "Authorization";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string AuthenticationInfo = "Authentication-Info";
    public const string Subject = "Subject";
    public const string Event = "Event";
    public const string AllowEvents = "Allow-Events";
    public const string SubscriptionState = "Subscription-State";
    public const string Date = "Date";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string Allow = "Allow";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string ProxyRequire = "Proxy-Require";
    public const string Unsupported = "Unsupported";
    public const string Accept = "Accept";
    public const string Warning = "Warning";
    public const string RetryAfter = "Retry-After";
    public const string Reason = "Reason";
    public const string Timestamp = "Timestamp";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string SessionExpires = "Session-Expires";

    private static readonly string[] Canonical =
    [
        "", Via, From, To, CallId, CSeq, Contact, MaxForwards, Expires, MinExpires, ContentType, ContentLength,
        ContentEncoding, WwwAuthenticate, Authorization, ProxyAuthenticate, ProxyAuthorization, AuthenticationInfo,
        Subject, Event, AllowEvents, SubscriptionState, Date, Route, RecordRoute, UserAgent, Server, Allow, Supported,
        Require, ProxyRequire, Unsupported, Accept, Warning, RetryAfter, Reason, Timestamp, ReferTo, ReferredBy,
        SessionExpires,
    ];

    /// <summary>The canonical (long-form) name of a known header.</summary>
    public static string GetName(SipHeaderKind kind) => Canonical[(int)kind];

    /// <summary>Whether a header's value may hold several comma-separated entries (RFC 3261 §7.3.1).</summary>
    public static bool IsList(SipHeaderKind kind) => kind is SipHeaderKind.Via or SipHeaderKind.Contact
        or SipHeaderKind.Route or SipHeaderKind.RecordRoute or SipHeaderKind.Allow or SipHeaderKind.Supported
        or SipHeaderKind.Require or SipHeaderKind.ProxyRequire or SipHeaderKind.Unsupported
        or SipHeaderKind.Accept or SipHeaderKind.AllowEvents or SipHeaderKind.Warning;

    /// <summary>Classifies a header name, long or compact form, case-insensitively. Unknown names give <see cref="SipHeaderKind.Other"/>.</summary>
    public static SipHeaderKind Classify(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > 24)
        {
            return SipHeaderKind.Other;
        }

        Span<byte> lower = stackalloc byte[24];
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            lower[i] = c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c;
        }

        var n = lower[..name.Length];
        return n.Length switch
        {
            1 => n[0] switch
            {
                (byte)'v' => SipHeaderKind.Via,
                (byte)'f' => SipHeaderKind.From,
                (byte)'t' => SipHeaderKind.To,
                (byte)'i' => SipHeaderKind.CallId,
                (byte)'m' => SipHeaderKind.Contact,
                (byte)'c' => SipHeaderKind.ContentType,
                (byte)'l' => SipHeaderKind.ContentLength,
                (byte)'e' => SipHeaderKind.ContentEncoding,
                (byte)'s' => SipHeaderKind.Subject,
                (byte)'o' => SipHeaderKind.Event,
                (byte)'u' => SipHeaderKind.AllowEvents,
                (byte)'k' => SipHeaderKind.Supported,
                (byte)'r' => SipHeaderKind.ReferTo,
                (byte)'b' => SipHeaderKind.ReferredBy,
                (byte)'x' => SipHeaderKind.SessionExpires,
                _ => SipHeaderKind.Other,
            },
            2 when n.SequenceEqual("to"u8) => SipHeaderKind.To,
            3 when n.SequenceEqual("via"u8) => SipHeaderKind.Via,
            4 when n.SequenceEqual("from"u8) => SipHeaderKind.From,
            4 when n.SequenceEqual("cseq"u8) => SipHeaderKind.CSeq,
            4 when n.SequenceEqual("date"u8) => SipHeaderKind.Date,
            5 when n.SequenceEqual("event"u8) => SipHeaderKind.Event,
            5 when n.SequenceEqual("route"u8) => SipHeaderKind.Route,
            5 when n.SequenceEqual("allow"u8) => SipHeaderKind.Allow,
            6 when n.SequenceEqual("server"u8) => SipHeaderKind.Server,
            6 when n.SequenceEqual("accept"u8) => SipHeaderKind.Accept,
            6 when n.SequenceEqual("reason"u8) => SipHeaderKind.Reason,
            7 when n.SequenceEqual("call-id"u8) => SipHeaderKind.CallId,
            7 when n.SequenceEqual("contact"u8) => SipHeaderKind.Contact,
            7 when n.SequenceEqual("expires"u8) => SipHeaderKind.Expires,
            7 when n.SequenceEqual("subject"u8) => SipHeaderKind.Subject,
            7 when n.SequenceEqual("require"u8) => SipHeaderKind.Require,
            7 when n.SequenceEqual("warning"u8) => SipHeaderKind.Warning,
            8 when n.SequenceEqual("refer-to"u8) => SipHeaderKind.ReferTo,
            9 when n.SequenceEqual("supported"u8) => SipHeaderKind.Supported,
            9 when n.SequenceEqual("timestamp"u8) => SipHeaderKind.Timestamp,
            10 when n.SequenceEqual("user-agent"u8) => SipHeaderKind.UserAgent,
            11 when n.SequenceEqual("min-expires"u8) => SipHeaderKind.MinExpires,
            11 when n.SequenceEqual("retry-after"u8) => SipHeaderKind.RetryAfter,
            11 when n.SequenceEqual("unsupported"u8) => SipHeaderKind.Unsupported,
            11 when n.SequenceEqual("referred-by"u8) => SipHeaderKind.ReferredBy,
            12 when n.SequenceEqual("max-forwards"u8) => SipHeaderKind.MaxForwards,
            12 when n.SequenceEqual("content-type"u8) => SipHeaderKind.ContentType,
            12 when n.SequenceEqual("record-route"u8) => SipHeaderKind.RecordRoute,
            12 when n.SequenceEqual("allow-events"u8) => SipHeaderKind.AllowEvents,
            13 when n.SequenceEqual("authorization"u8) => SipHeaderKind.Authorization,
            13 when n.SequenceEqual("proxy-require"u8) => SipHeaderKind.ProxyRequire,
            14 when n.SequenceEqual("content-length"u8) => SipHeaderKind.ContentLength,
            15 when n.SequenceEqual("session-expires"u8) => SipHeaderKind.SessionExpires,
            16 when n.SequenceEqual("www-authenticate"u8) => SipHeaderKind.WwwAuthenticate,
            16 when n.SequenceEqual("content-encoding"u8) => SipHeaderKind.ContentEncoding,
            18 when n.SequenceEqual("proxy-authenticate"u8) => SipHeaderKind.ProxyAuthenticate,
            18 when n.SequenceEqual("subscription-state"u8) => SipHeaderKind.SubscriptionState,
            19 when n.SequenceEqual("proxy-authorization"u8) => SipHeaderKind.ProxyAuthorization,
            19 when n.SequenceEqual("authentication-info"u8) => SipHeaderKind.AuthenticationInfo,
            _ => SipHeaderKind.Other,
        };
    }

    /// <summary>Classifies a header name given as a string.</summary>
    public static SipHeaderKind Classify(string name)
    {
        Span<byte> buffer = stackalloc byte[24];
        if (name.Length > buffer.Length)
        {
            return SipHeaderKind.Other;
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] > 0x7F)
            {
                return SipHeaderKind.Other;
            }

            buffer[i] = (byte)name[i];
        }

        return Classify(buffer[..name.Length]);
    }
}
