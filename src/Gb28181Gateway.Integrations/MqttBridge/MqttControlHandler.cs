using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Upper;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>The parts of the gateway the control methods use; any may be absent from an instance (answered with Unavailable).</summary>
internal sealed record MqttControlServices(
    IDeviceDirectory? Devices,
    IDeviceClient? DeviceClient,
    IPlatformDirectory? Platforms,
    ISessionDirectory? Sessions,
    IStreamService? Streams);

/// <summary>
/// Runs one control request and builds its answer. Every request gets exactly one answer: a result, or an error
/// with a code from <see cref="MqttControlError"/> and a message that says what was wrong.
/// </summary>
internal sealed partial class MqttControlHandler
{
    /// <summary>How long one request may run before it is answered with a timeout (device requests have their own, shorter, timeouts).</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    private readonly MqttControlServices _services;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _requestTimeout;
    private readonly MqttControlMetrics? _metrics;

    public MqttControlHandler(MqttControlServices services, ILogger logger, TimeProvider? timeProvider = null, TimeSpan? requestTimeout = null, MqttControlMetrics? metrics = null)
    {
        _services = services;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _requestTimeout = requestTimeout ?? DefaultRequestTimeout;
        _metrics = metrics;
    }

    /// <summary>The answer's topic and payload for <paramref name="payload"/> received on the request topic.</summary>
    public async Task<(string Topic, byte[] Payload)> HandleAsync(ReadOnlyMemory<byte> payload, string defaultReplyTo, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var request = MqttControlRequest.Parse(payload, defaultReplyTo);
        var (answer, errorCode) = await AnswerAsync(request, cancellationToken);
        _metrics?.Answered(request.Error is null ? request.Method : null, errorCode, _timeProvider.GetElapsedTime(started));
        return (request.ReplyTo, answer);
    }

    /// <summary>The answer's payload, and the error code it carries (null: a result).</summary>
    private async Task<(byte[] Payload, int? ErrorCode)> AnswerAsync(MqttControlRequest request, CancellationToken cancellationToken)
    {
        if (request.Error is { } malformed)
        {
            MqttBridgeLog.MalformedRequest(_logger, request.IdText, malformed.Code, malformed.Message);
            return (MqttControlResponse.Error(request.Id, malformed.Code, malformed.Message), malformed.Code);
        }

        using var deadline = new CancellationTokenSource(_requestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var result = await RunAsync(request.Method, request.Params, linked.Token);
            return (MqttControlResponse.Success(request.Id, result), null);
        }
        catch (MqttControlException ex)
        {
            MqttBridgeLog.RequestFailed(_logger, request.Method, request.IdText, ex.Code, ex.Message);
            return (MqttControlResponse.Error(request.Id, ex.Code, ex.Message), ex.Code);
        }
        catch (DeviceRequestException ex)
        {
            var code = DeviceErrorCode(ex.Error);
            MqttBridgeLog.RequestFailed(_logger, request.Method, request.IdText, code, ex.Message);
            return (MqttControlResponse.Error(request.Id, code, ex.Message), code);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Our deadline, or a service's own: the requester sees a timeout.
            var message = deadline.IsCancellationRequested
                ? $"{request.Method} did not complete within {_requestTimeout.TotalSeconds:0} s"
                : $"{request.Method} timed out";
            MqttBridgeLog.RequestFailed(_logger, request.Method, request.IdText, MqttControlError.DeviceTimeout, message);
            return (MqttControlResponse.Error(request.Id, MqttControlError.DeviceTimeout, message), MqttControlError.DeviceTimeout);
        }
        catch (Exception ex)
        {
            MqttBridgeLog.RequestCrashed(_logger, request.Method, request.IdText, ex);
            return (MqttControlResponse.Error(request.Id, MqttControlError.Internal, $"internal error in {request.Method}: {ex.Message}"), MqttControlError.Internal);
        }
    }

    private Task<MqttControlResult> RunAsync(string method, MqttControlParams p, CancellationToken ct) => method switch
    {
        "devices.list" => Task.FromResult(ListDevices()),
        "channels.list" => Task.FromResult(ListChannels(p)),
        "device.query" => QueryDeviceAsync(p, ct),
        "ptz.control" => ControlPtzAsync(p, ct),
        "preset.control" => ControlPresetAsync(p, ct),
        "records.query" => QueryRecordsAsync(p, ct),
        "stream.start" => StartStreamAsync(p, ct),
        "stream.stop" => StopStreamAsync(p, ct),
        "playback.control" => ControlPlaybackAsync(p, ct),
        "platforms.list" => Task.FromResult(ListPlatforms()),
        "sessions.list" => Task.FromResult(ListSessions()),
        _ => throw new MqttControlException(MqttControlError.MethodNotFound, $"unknown method \"{method}\"; see the bridge README for the methods"),
    };

    private static int DeviceErrorCode(DeviceRequestError error) => error switch
    {
        DeviceRequestError.UnknownDevice => MqttControlError.UnknownDevice,
        DeviceRequestError.Offline => MqttControlError.DeviceOffline,
        DeviceRequestError.Timeout => MqttControlError.DeviceTimeout,
        DeviceRequestError.Rejected => MqttControlError.DeviceRejected,
        _ => MqttControlError.DeviceBadAnswer,
    };

    private static T Require<T>(T? service, string what)
        where T : class =>
        service ?? throw new MqttControlException(MqttControlError.Unavailable, $"{what} is not running in this gateway instance");
}
