using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Views;
using static Gb28181Gateway.Integrations.MqttBridge.MqttControlResponse;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>stream.start, stream.stop, playback.control, platforms.list, sessions.list.</summary>
internal sealed partial class MqttControlHandler
{
    private static readonly string[] StreamKinds = ["Play", "Playback", "Download"];
    private static readonly string[] StreamTransports = ["udp", "tcp-active", "tcp-passive"];
    private static readonly string[] PlaybackActions = ["pause", "resume", "scale", "seek"];

    private async Task<MqttControlResult> StartStreamAsync(MqttControlParams p, CancellationToken ct)
    {
        var deviceId = p.RequiredId("deviceId");
        var channelId = p.RequiredId("channelId");
        var kind = p.OptionalChoice("kind", StreamKinds) ?? "Play";
        var start = p.OptionalTime("start");
        var end = p.OptionalTime("end");
        if (kind != "Play" && (start is null || end is null))
        {
            throw MqttControlException.InvalidParams($"params.start and params.end are required for kind={kind}");
        }

        if (start is not null && end is not null && end <= start)
        {
            throw MqttControlException.InvalidParams($"params.end ({end:s}) must be after params.start ({start:s})");
        }

        var request = new StreamRequest
        {
            Requester = "mqtt",
            DeviceId = deviceId,
            ChannelId = channelId,
            Kind = kind,
            Start = start is null ? null : new DateTimeOffset(start.Value, TimeZoneInfo.Local.GetUtcOffset(start.Value)),
            End = end is null ? null : new DateTimeOffset(end.Value, TimeZoneInfo.Local.GetUtcOffset(end.Value)),
            Speed = p.OptionalInt("speed", 1, 16),
            TargetHost = p.RequiredString("targetHost", "the host or IP address that receives the RTP"),
            TargetPort = p.RequiredInt("targetPort", 1, 65535),
            Transport = p.OptionalChoice("transport", StreamTransports) ?? "udp",
            Ssrc = ValidSsrc(p.OptionalString("ssrc")),
        };

        _ = RequireOnlineDevice(deviceId, channelId);
        var streams = Require(_services.Streams, "the stream service");
        SessionRecord session;
        try
        {
            session = await streams.StartAsync(request, ct);
        }
        catch (ArgumentException ex)
        {
            // The stream service's own checks (e.g. a target that is not an IP address).
            throw MqttControlException.InvalidParams($"stream.start: {ex.Message}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException)
        {
            throw new MqttControlException(ex is TimeoutException ? MqttControlError.DeviceTimeout : MqttControlError.Failed, $"stream.start failed: {ex.Message}", ex);
        }

        var ssrc = session.PlatformSsrc ?? session.DeviceSsrc ?? string.Empty;
        return Result(new StreamStartedView(session.SessionId, ssrc, session.Kind, session.Channel.DeviceId, session.Channel.ChannelId, session.DeviceMedia, session.PlatformMedia), MqttBridgeJsonContext.Wire.StreamStartedView);
    }

    private async Task<MqttControlResult> StopStreamAsync(MqttControlParams p, CancellationToken ct)
    {
        var sessionId = p.RequiredString("sessionId", "the sessionId stream.start returned");
        var sessions = Require(_services.Sessions, "the session directory");
        if (!await sessions.StopAsync(sessionId, "stopped by MQTT stream.stop", ct))
        {
            throw UnknownSession(sessionId);
        }

        return Result(new StoppedView(sessionId, true), MqttBridgeJsonContext.Wire.StoppedView);
    }

    private async Task<MqttControlResult> ControlPlaybackAsync(MqttControlParams p, CancellationToken ct)
    {
        var sessionId = p.RequiredString("sessionId", "the sessionId stream.start returned");
        var action = p.RequiredChoice("action", PlaybackActions);
        var scale = p.OptionalDouble("scale", 0.0625, 16);
        var seek = p.OptionalDouble("seek", 0, 31 * 24 * 3600);
        if (action == "scale" && scale is null)
        {
            throw MqttControlException.InvalidParams("params.scale is required for action=scale (0.25, 0.5, 1, 2, 4 ...)");
        }

        if (action == "seek" && seek is null)
        {
            throw MqttControlException.InvalidParams("params.seek is required for action=seek (seconds from the start of the recording)");
        }

        var session = Require(_services.Sessions, "the session directory").GetSessions().FirstOrDefault(s => s.SessionId == sessionId)
            ?? throw UnknownSession(sessionId);
        if (session.Kind is not ("Playback" or "Download"))
        {
            throw MqttControlException.InvalidParams($"session {sessionId} is a {session.Kind} session; playback.control needs a Playback or Download session");
        }

        try
        {
            await Require(_services.Streams, "the stream service").ControlPlaybackAsync(sessionId, action, scale, seek, ct);
        }
        catch (KeyNotFoundException)
        {
            throw UnknownSession(sessionId); // ended meanwhile
        }
        catch (ArgumentException ex)
        {
            throw MqttControlException.InvalidParams($"playback.control: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw new MqttControlException(MqttControlError.Failed, $"playback.control: {ex.Message}", ex);
        }
        return Result(new PlaybackControlView(sessionId, action), MqttBridgeJsonContext.Wire.PlaybackControlView);
    }

    private MqttControlResult ListPlatforms()
    {
        var platforms = Require(_services.Platforms, "the platform registry").GetPlatforms();
        return Result<IReadOnlyList<PlatformSummary>>(platforms.Select(PlatformSummary.From).ToArray(), MqttBridgeJsonContext.Wire.IReadOnlyListPlatformSummary);
    }

    private MqttControlResult ListSessions()
    {
        var sessions = Require(_services.Sessions, "the session directory").GetSessions();
        return Result<IReadOnlyList<SessionSummary>>(sessions.Select(SessionSummary.From).ToArray(), MqttBridgeJsonContext.Wire.IReadOnlyListSessionSummary);
    }

    private static string? ValidSsrc(string? ssrc)
    {
        if (ssrc is not null && (ssrc.Length != 10 || !ssrc.All(char.IsAsciiDigit)))
        {
            throw MqttControlException.InvalidParams($"params.ssrc must be 10 digits (got \"{ssrc}\")");
        }

        return ssrc;
    }

    private static MqttControlException UnknownSession(string sessionId) =>
        new(MqttControlError.UnknownSession, $"no media session {sessionId}");
}
