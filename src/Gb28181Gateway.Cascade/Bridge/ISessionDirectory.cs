using Gb28181Gateway.Cascade.State;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>The live media sessions, for the API and MQTT.</summary>
public interface ISessionDirectory
{
    IReadOnlyList<SessionRecord> GetSessions();

    /// <summary>Ends the session with BYE on both legs; false when no such session exists.</summary>
    Task<bool> StopAsync(string sessionId, string reason, CancellationToken cancellationToken = default);
}

/// <summary>What an IoT system asks for with <c>stream.start</c>: the gateway INVITEs the device and sends the stream to a given RTP target.</summary>
public sealed record StreamRequest
{
    public required string DeviceId { get; init; }

    public required string ChannelId { get; init; }

    /// <summary>Play, Playback or Download.</summary>
    public string Kind { get; init; } = "Play";

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>Download speed (1, 2, 4 ...).</summary>
    public int? Speed { get; init; }

    /// <summary>Where the RTP goes.</summary>
    public required string TargetHost { get; init; }

    public required int TargetPort { get; init; }

    /// <summary><c>udp</c>, <c>tcp-active</c> (gateway connects to the target) or <c>tcp-passive</c>.</summary>
    public string Transport { get; init; } = "udp";

    /// <summary>SSRC to put on the packets (10 digits); empty = the gateway chooses.</summary>
    public string? Ssrc { get; init; }

    /// <summary>Who asked (shown as the session's <c>Platform</c> in the API and events), e.g. <c>mqtt</c>.</summary>
    public string Requester { get; init; } = "api";
}

/// <summary>Streams started on behalf of IoT systems (MQTT <c>stream.start</c>/<c>stream.stop</c>/<c>playback.control</c>).</summary>
public interface IStreamService
{
    /// <summary>Starts the stream; the returned session carries the SSRC and the session ID.</summary>
    Task<SessionRecord> StartAsync(StreamRequest request, CancellationToken cancellationToken = default);

    /// <summary>MANSRTSP on a playback session: <c>pause</c>, <c>resume</c>, <c>scale</c> (with <paramref name="scale"/>), <c>seek</c> (with <paramref name="seekSeconds"/>).</summary>
    Task ControlPlaybackAsync(string sessionId, string action, double? scale = null, double? seekSeconds = null, CancellationToken cancellationToken = default);
}
