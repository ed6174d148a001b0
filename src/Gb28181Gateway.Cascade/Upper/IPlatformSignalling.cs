namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// The outcome of one request to a platform: its final status (408 when no answer came, 503 when the
/// transport failed), the reason phrase, and from a REGISTER's 200 the granted expiry and the Date header.
/// </summary>
internal readonly record struct PlatformAnswer(int StatusCode, string Reason, int? Expires = null, string? Date = null)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>No answer from the platform (our 408 from Timer F, or 503 for a transport failure).</summary>
    public bool IsNoAnswer => StatusCode is 408 or 503;

    /// <summary>The registrations metric's result label.</summary>
    public string MetricResult => IsSuccess ? "ok" : StatusCode switch
    {
        408 => "timeout",
        503 => "error",
        >= 500 => "error",
        _ => "rejected",
    };

    public override string ToString() => StatusCode == 408 ? "timeout" : $"{StatusCode} {Reason}";
}

/// <summary>What a platform client sends to its platform; SIP in production, a fake in state-machine tests.</summary>
internal interface IPlatformSignalling
{
    /// <summary>REGISTER (with digest when challenged); <paramref name="expires"/> 0 unregisters.</summary>
    Task<PlatformAnswer> RegisterAsync(int expires, CancellationToken cancellationToken);

    /// <summary>A MANSCDP MESSAGE (keepalive, query answers, notifications) out of dialog.</summary>
    Task<PlatformAnswer> SendMessageAsync(byte[] body, CancellationToken cancellationToken);
}
