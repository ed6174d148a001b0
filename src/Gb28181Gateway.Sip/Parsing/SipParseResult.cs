using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>
/// The outcome of parsing one message. On failure <see cref="Error"/> says what was wrong and
/// <see cref="ErrorStatusCode"/> is the status a request deserves (400, or 505 for another SIP version);
/// <see cref="Message"/> then holds as much of the request as could be read, so the caller can still
/// answer it when its Via, From, To, Call-ID and CSeq are usable, or null when nothing usable was read.
/// </summary>
public readonly struct SipParseResult
{
    private SipParseResult(SipMessage? message, string? error, int errorStatusCode)
    {
        Message = message;
        Error = error;
        ErrorStatusCode = errorStatusCode;
    }

    public SipMessage? Message { get; }

    public string? Error { get; }

    public int ErrorStatusCode { get; }

    public bool Success => Error is null;

    public static SipParseResult Ok(SipMessage message) => new(message, null, 0);

    public static SipParseResult Fail(string error, SipMessage? partial = null, int statusCode = SipStatus.BadRequest) =>
        new(partial, error, statusCode);
}
