using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// MESSAGEs from platforms: each is answered at once (200, or 404 for an unknown or unshared ID, 403 for
/// a refused PTZ command, 400 for an unreadable body); the MANSCDP answer follows in separate MESSAGEs,
/// produced by the gateway itself (Catalog, DeviceInfo, DeviceStatus, ConfigDownload of the virtual NVR)
/// or by the owning device with the IDs mapped down and back up.
/// </summary>
internal sealed partial class UpperDomain
{
    private delegate Task PlatformWork(CancellationToken cancellationToken);

    private async Task OnMessageAsync(GatewayRequest request)
    {
        var sip = request.Sip;
        if (request.Platform is null || !_platforms.TryGetValue(request.Platform, out var platform))
        {
            await sip.RespondAsync(SipStatus.NotFound);
            return;
        }

        ManscdpMessage message;
        try
        {
            message = ManscdpCodec.Parse(sip.Request.Body.Span);
        }
        catch (ManscdpFormatException ex)
        {
            UpperLog.BadBody(_logger, platform.Name, ex.Message);
            _metrics.Request(platform.Name, "unknown", "bad_request");
            await sip.RespondAsync(SipStatus.BadRequest, "Bad MANSCDP body");
            return;
        }

        var (status, work) = Route(platform, message);
        _metrics.Request(platform.Name, message.CmdType, status switch
        {
            SipStatus.Ok => "ok",
            SipStatus.NotFound => "not_found",
            SipStatus.Forbidden => "forbidden",
            _ => "error",
        });
        await sip.RespondAsync(status);
        if (work is not null)
        {
            Track(ct => work(ct));
        }
    }

    private (int Status, PlatformWork? Work) Route(PlatformContext platform, ManscdpMessage message)
    {
        if (message.Root is ManscdpRoot.Response or ManscdpRoot.Notify)
        {
            return (SipStatus.Ok, null); // answers to what we sent (none expected) and notifications: accepted
        }

        if (string.Equals(message.DeviceId, platform.Options.DeviceId, StringComparison.Ordinal))
        {
            return RouteToGateway(platform, message);
        }

        if (!platform.Projection.TryMapDown(message.DeviceId, out var channel))
        {
            UpperLog.UnknownTarget(_logger, platform.Name, message.CmdType, message.DeviceId);
            return (SipStatus.NotFound, null);
        }

        switch (message)
        {
            case CatalogQuery q:
                return (SipStatus.Ok, ct => SendAsync(platform, ChannelCatalog(platform, channel, q), ct));
            case DeviceInfoQuery q:
                return (SipStatus.Ok, ct => SendAsync(platform, ChannelInfo(platform, channel, q), ct));
            case DeviceStatusQuery q:
                return (SipStatus.Ok, ct => ForwardAsync(platform, q, channel, async c =>
                    await _deviceClient.QueryDeviceStatusAsync(channel.DeviceId, channel.ChannelId, c) with { Sn = q.Sn, DeviceId = q.DeviceId }, ct));
            case RecordInfoQuery q:
                return (SipStatus.Ok, ct => ForwardRecordInfoAsync(platform, q, channel, ct));
            case PresetQuery q:
                return (SipStatus.Ok, ct => ForwardAsync(platform, q, channel, async c =>
                    await _deviceClient.QueryPresetsAsync(channel.DeviceId, channel.ChannelId, c) with { Sn = q.Sn, DeviceId = q.DeviceId }, ct));
            case ConfigDownloadQuery q:
                return (SipStatus.Ok, ct => ForwardAsync(platform, q, channel, async c =>
                    await _deviceClient.QueryConfigAsync(channel.DeviceId, q with { DeviceId = channel.ChannelId }, c) with { Sn = q.Sn, DeviceId = q.DeviceId }, ct));
            case DeviceControl c when IsPtz(c) && !platform.Options.AllowPtz:
                UpperLog.PtzRefused(_logger, platform.Name, c.DeviceId);
                return (SipStatus.Forbidden, null);
            case DeviceControl c:
                return (SipStatus.Ok, ct => ForwardControlAsync(platform, c, channel,
                    x => _deviceClient.SendControlAsync(channel.DeviceId, c with { DeviceId = channel.ChannelId }, x), ct));
            case DeviceConfig c:
                return (SipStatus.Ok, ct => ForwardControlAsync(platform, c, channel,
                    async x => await _deviceClient.SendConfigAsync(channel.DeviceId, c with { DeviceId = channel.ChannelId }, x), ct));
            default:
                UpperLog.Unsupported(_logger, platform.Name, message.CmdType, message.Sn);
                return (SipStatus.NotImplemented, null);
        }
    }

    private (int Status, PlatformWork? Work) RouteToGateway(PlatformContext platform, ManscdpMessage message)
    {
        switch (message)
        {
            case CatalogQuery q:
                if (!platform.TryBeginCatalogAnswer(q.Sn, _time.GetUtcNow(), platform.Session.RegistrationStartedAt))
                {
                    UpperLog.DuplicateCatalog(_logger, platform.Name, q.Sn);
                    return (SipStatus.Ok, null);
                }

                return (SipStatus.Ok, ct => AnswerCatalogAsync(platform, q, ct));
            case DeviceInfoQuery q:
                return (SipStatus.Ok, ct => SendAsync(platform, GatewayInfo(platform, q.Sn), ct));
            case DeviceStatusQuery q:
                return (SipStatus.Ok, ct => SendAsync(platform, GatewayStatus(platform, q.Sn), ct));
            case ConfigDownloadQuery q:
                return (SipStatus.Ok, ct => SendAsync(platform, GatewayConfig(platform, q.Sn), ct));
            default:
                UpperLog.Unsupported(_logger, platform.Name, message.CmdType, message.Sn);
                return (SipStatus.NotImplemented, null);
        }
    }

    private async Task AnswerCatalogAsync(PlatformContext platform, CatalogQuery query, CancellationToken cancellationToken)
    {
        var items = await platform.Projection.BuildAsync(cancellationToken);
        var answer = new CatalogResponse { Sn = query.Sn, DeviceId = platform.Options.DeviceId, SumNum = items.Count, Items = items };
        var bodies = ManscdpCodec.Split(answer, Math.Max(1, platform.Options.Catalog.ItemsPerMessage), platform.MaxBodyBytes, platform.Charset);
        await SendAllAsync(platform, ManscdpCmdType.Catalog, query.Sn, bodies, cancellationToken);
    }

    private async Task ForwardRecordInfoAsync(PlatformContext platform, RecordInfoQuery query, ChannelRef channel, CancellationToken cancellationToken)
    {
        RecordInfoResponse below;
        try
        {
            below = await _deviceClient.QueryRecordInfoAsync(channel.DeviceId, query with { DeviceId = channel.ChannelId }, cancellationToken);
        }
        catch (Exception ex) when (IsForwardFailure(ex, cancellationToken))
        {
            await AnswerFailureAsync(platform, query, channel, ex, cancellationToken);
            return;
        }

        var items = below.Items.Select(i => i with { DeviceId = MapUpOr(platform, channel.DeviceId, i.DeviceId, channel, query.DeviceId) }).ToList();
        var answer = below with { Sn = query.Sn, DeviceId = query.DeviceId, SumNum = items.Count, Items = items };
        var bodies = ManscdpCodec.Split(answer, Math.Max(1, platform.Options.Catalog.ItemsPerMessage), platform.MaxBodyBytes, platform.Charset);
        await SendAllAsync(platform, query.CmdType, query.Sn, bodies, cancellationToken);
    }

    /// <summary>An ID in a device's answer as the platform knows it; the queried channel's own ID when it names nothing shared.</summary>
    private static string MapUpOr(PlatformContext platform, string deviceId, string id, ChannelRef channel, string upperChannelId) =>
        string.Equals(id, channel.ChannelId, StringComparison.Ordinal) ? upperChannelId
        : platform.Projection.TryMapUp(new ChannelRef(deviceId, id), out var upper) ? upper
        : upperChannelId;

    private async Task ForwardAsync(PlatformContext platform, ManscdpMessage query, ChannelRef channel, Func<CancellationToken, Task<ManscdpMessage>> forward,
        CancellationToken cancellationToken)
    {
        ManscdpMessage answer;
        try
        {
            answer = await forward(cancellationToken);
        }
        catch (Exception ex) when (IsForwardFailure(ex, cancellationToken))
        {
            await AnswerFailureAsync(platform, query, channel, ex, cancellationToken);
            return;
        }

        await SendAsync(platform, answer, cancellationToken);
    }

    /// <summary>A device that failed (or a fault of ours while asking it): answered upward; the gateway stopping is not.</summary>
    private static bool IsForwardFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not OutOfMemoryException && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>Logs why the device did not answer and sends the platform the answer that closes its query (<see cref="ForwardFailure"/>).</summary>
    private async Task AnswerFailureAsync(PlatformContext platform, ManscdpMessage query, ChannelRef channel, Exception exception,
        CancellationToken cancellationToken)
    {
        var reason = ForwardFailure.Reason(exception);
        if (exception is DeviceRequestException)
        {
            UpperLog.ForwardFailed(_logger, platform.Name, query.CmdType, query.Sn, query.DeviceId, channel.ToString(), reason, exception.Message);
        }
        else
        {
            UpperLog.ForwardFaulted(_logger, platform.Name, query.CmdType, query.Sn, query.DeviceId, channel.ToString(), exception);
        }

        if (ForwardFailure.Answer(query, exception) is { } answer)
        {
            await SendAsync(platform, answer, cancellationToken);
        }
    }

    private async Task ForwardControlAsync(PlatformContext platform, ManscdpMessage control, ChannelRef channel,
        Func<CancellationToken, Task<ManscdpResult?>> forward, CancellationToken cancellationToken)
    {
        ManscdpResult? result;
        try
        {
            result = await forward(cancellationToken);
        }
        catch (DeviceRequestException ex)
        {
            var reason = ForwardFailure.Reason(ex);
            UpperLog.ForwardFailed(_logger, platform.Name, control.CmdType, control.Sn, control.DeviceId, channel.ToString(), reason, ex.Message);
            result = ManscdpResult.Error(control.CmdType, control.Sn, control.DeviceId, reason);
        }

        if (result is not null)
        {
            await SendAsync(platform, result with { Sn = control.Sn, DeviceId = control.DeviceId }, cancellationToken);
        }
    }

    private async Task SendAsync(PlatformContext platform, ManscdpMessage message, CancellationToken cancellationToken) =>
        await SendAllAsync(platform, message.CmdType, message.Sn, [ManscdpCodec.Encode(message, platform.Charset)], cancellationToken);

    /// <summary>Sends the bodies one after the other, each after the previous one's 200; stops at the first failure.</summary>
    private async Task SendAllAsync(PlatformContext platform, string cmdType, long sn, IReadOnlyList<byte[]> bodies, CancellationToken cancellationToken)
    {
        for (var i = 0; i < bodies.Count; i++)
        {
            var answer = await platform.Signalling.SendMessageAsync(bodies[i], cancellationToken);
            if (!answer.IsSuccess)
            {
                UpperLog.AnswerNotAccepted(_logger, platform.Name, i + 1, bodies.Count, cmdType, sn, answer.ToString());
                return;
            }
        }

        UpperLog.Answered(_logger, platform.Name, cmdType, sn, bodies.Count);
    }

    private static bool IsPtz(DeviceControl control) =>
        control.PtzCmd is not null || control.DragZoomIn is not null || control.DragZoomOut is not null || control.PtzPreciseCtrl is not null
        || control.HomePosition is not null;

    /// <summary>A catalog query naming one channel: that channel alone.</summary>
    private CatalogResponse ChannelCatalog(PlatformContext platform, ChannelRef channel, CatalogQuery query)
    {
        var item = _devices.GetChannels(channel.DeviceId).FirstOrDefault(i => string.Equals(i.DeviceId, channel.ChannelId, StringComparison.Ordinal));
        CatalogItem[] items = item is null ? [] : [platform.Projection.Project(item, query.DeviceId)];
        return new CatalogResponse { Sn = query.Sn, DeviceId = query.DeviceId, SumNum = items.Length, Items = items };
    }

    private DeviceInfoResponse ChannelInfo(PlatformContext platform, ChannelRef channel, DeviceInfoQuery query)
    {
        var item = _devices.GetChannels(channel.DeviceId).FirstOrDefault(i => string.Equals(i.DeviceId, channel.ChannelId, StringComparison.Ordinal));
        return new DeviceInfoResponse
        {
            Sn = query.Sn, DeviceId = query.DeviceId, Result = "OK", DeviceName = item?.Name, Manufacturer = item?.Manufacturer, Model = item?.Model,
            Channel = 1,
        };
    }

    private DeviceInfoResponse GatewayInfo(PlatformContext platform, long sn) => new()
    {
        Sn = sn,
        DeviceId = platform.Options.DeviceId,
        Result = "OK",
        DeviceName = "Gb28181Gateway " + _options.InstanceId,
        DeviceType = "NVR",
        Manufacturer = "Gb28181Gateway",
        Model = "Cascade Gateway",
        Firmware = typeof(UpperDomain).Assembly.GetName().Version?.ToString() ?? "1.0",
        Channel = platform.Projection.SharedCount,
        MaxCamera = platform.Projection.SharedCount,
        MaxAlarm = 0,
    };

    private DeviceStatusResponse GatewayStatus(PlatformContext platform, long sn) => new()
    {
        Sn = sn,
        DeviceId = platform.Options.DeviceId,
        Result = "OK",
        Online = "ONLINE",
        Status = "OK",
        Encode = "ON",
        Record = "OFF",
        DeviceTime = _time.GetLocalNow().DateTime,
    };

    private static ConfigDownloadResponse GatewayConfig(PlatformContext platform, long sn) => new()
    {
        Sn = sn,
        DeviceId = platform.Options.DeviceId,
        Result = "OK",
        BasicParam = new BasicParam
        {
            Name = "Gb28181Gateway",
            DeviceId = platform.Options.DeviceId,
            SipServerId = platform.Options.ServerId,
            SipServerIp = platform.Options.Host,
            SipServerPort = platform.Options.Port,
            DomainName = platform.Options.ServerDomain,
            Expiration = platform.Options.Expires,
            HeartBeatInterval = platform.Options.KeepaliveIntervalSeconds,
            HeartBeatCount = platform.Options.KeepaliveMaxMisses,
        },
    };
}
