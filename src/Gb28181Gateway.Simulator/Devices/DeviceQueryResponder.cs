using System.Globalization;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Simulator.Devices;

/// <summary>
/// Answers the server's MANSCDP MESSAGEs the way a camera or NVR does: 200 OK at once, then the Response in
/// separate MESSAGEs (Catalog and RecordInfo split, same SN and SumNum). DeviceControl is logged and answered with
/// Result OK except for PTZ, which gets no Response (as devices do).
/// </summary>
internal sealed class DeviceQueryResponder
{
    private readonly DeviceFarm _farm;

    public DeviceQueryResponder(DeviceFarm farm) => _farm = farm;

    public async Task OnMessageAsync(SipIncomingRequest incoming)
    {
        var request = incoming.Request;
        if (!request.HasContentType(ManscdpCodec.ContentType))
        {
            await incoming.RespondAsync(SipStatus.UnsupportedMediaType);
            return;
        }

        ManscdpMessage message;
        try
        {
            message = ManscdpCodec.Parse(request.Body.Span);
        }
        catch (ManscdpFormatException ex)
        {
            Log.BadBody(_farm.Logger, incoming.Source, ex.Message);
            await incoming.RespondAsync(SipStatus.BadRequest, "Bad Request (unreadable MANSCDP body)");
            return;
        }

        if (!_farm.TryFind(request.RequestUri.User, out var target) && !_farm.TryFind(message.DeviceId, out target))
        {
            Log.UnknownTarget(_farm.Logger, request.Method, message.DeviceId, incoming.Source);
            await incoming.RespondAsync(SipStatus.NotFound);
            return;
        }

        await incoming.RespondAsync(SipStatus.Ok);
        if (message.Root is ManscdpRoot.Response or ManscdpRoot.Notify)
        {
            return; // e.g. the server's Response/Alarm to our alarm, or a broadcast notify
        }

        // the body's DeviceID says what is asked about (the device or one of its channels)
        if (!_farm.TryFind(message.DeviceId, out var subject) || !ReferenceEquals(subject.Device, target.Device))
        {
            subject = target;
        }

        var bodies = Answer(subject, message);
        var ok = 0;
        foreach (var body in bodies)
        {
            var response = await subject.Device.SendMessageAsync(body, CancellationToken.None);
            if (response.IsSuccess)
            {
                ok++;
            }
            else
            {
                Log.AnswerFailed(_farm.Logger, subject.Device.Id, message.CmdType, response.StatusCode);
            }
        }

        if (bodies.Count > 0)
        {
            _farm.Statistics.QueryAnswered(ok == bodies.Count);
            Log.QueryAnswered(_farm.Logger, subject.Id, message.CmdType, message.Sn, bodies.Count);
        }
    }

    /// <summary>The Response bodies for <paramref name="message"/> about <paramref name="subject"/>; none for PTZ or unknown commands.</summary>
    internal IReadOnlyList<byte[]> Answer(DeviceTarget subject, ManscdpMessage message)
    {
        var options = _farm.Options;
        var device = subject.Device;
        var id = subject.Id;
        var sn = message.Sn;
        var charset = options.Charset;
        switch (message)
        {
            case CatalogQuery:
                var catalog = new CatalogResponse { Sn = sn, DeviceId = device.Id, SumNum = device.ChannelIds.Count, Items = CatalogItems(device) };
                return ManscdpCodec.Split(catalog, options.ItemsPerMessage, options.MaxBodyBytes, charset);
            case DeviceInfoQuery:
                return [ManscdpCodec.Encode(new DeviceInfoResponse
                {
                    Sn = sn, DeviceId = id, DeviceName = "模拟设备 " + device.Id[^4..], Result = "OK", Manufacturer = options.Manufacturer,
                    Model = "GBSIM-NVR", Firmware = "V1.0.0 build 20261121", Channel = device.ChannelIds.Count,
                }, charset)];
            case DeviceStatusQuery:
                return [ManscdpCodec.Encode(new DeviceStatusResponse
                {
                    Sn = sn, DeviceId = id, Result = "OK", Online = "ONLINE", Status = "OK", Encode = "ON", Record = "OFF",
                    DeviceTime = LocalNow(),
                    AlarmStatus = [.. device.ChannelIds.Select(static c => new AlarmStatusItem(c, "OFFDUTY"))],
                }, charset)];
            case RecordInfoQuery query:
                return ManscdpCodec.Split(Records(id, query), options.ItemsPerMessage, options.MaxBodyBytes, charset);
            case PresetQuery:
                return [ManscdpCodec.Encode(new PresetQueryResponse
                {
                    Sn = sn, DeviceId = id, Items = [new PresetItem("1", "预置点1"), new PresetItem("2", "大门")],
                }, charset)];
            case ConfigDownloadQuery config:
                return [.. config.ConfigTypes.Select(type => ManscdpCodec.Encode(type.Equals("BasicParam", StringComparison.OrdinalIgnoreCase)
                    ? new ConfigDownloadResponse
                    {
                        Sn = sn, DeviceId = id, Result = "OK",
                        BasicParam = new BasicParam
                        {
                            Name = "模拟设备", DeviceId = device.Id, SipServerId = options.ServerId, SipServerIp = options.Server.Address.Address.ToString(),
                            SipServerPort = options.Server.Address.Port, DomainName = options.DomainOrDefault, Expiration = options.Expires,
                            HeartBeatInterval = (int)options.KeepaliveInterval.TotalSeconds, HeartBeatCount = options.KeepaliveMaxMisses,
                        },
                    }
                    : new ConfigDownloadResponse { Sn = sn, DeviceId = id, Result = "ERROR" }, charset))];
            case DeviceControl control:
                _farm.Statistics.ControlReceived();
                Log.ControlReceived(_farm.Logger, device.Id, id, Describe(control));
                return control.PtzCmd is not null ? [] : [ManscdpCodec.Encode(ManscdpResult.Ok(ManscdpCmdType.DeviceControl, sn, id), charset)];
            case DeviceConfig:
                _farm.Statistics.ControlReceived();
                Log.ControlReceived(_farm.Logger, device.Id, id, "DeviceConfig");
                return [ManscdpCodec.Encode(ManscdpResult.Ok(ManscdpCmdType.DeviceConfig, sn, id), charset)];
            case AlarmQuery:
                return [ManscdpCodec.Encode(ManscdpResult.Ok(ManscdpCmdType.Alarm, sn, id), charset)];
            default:
                return [];
        }
    }

    /// <summary>The device's channels as catalog items, with GB18030 (Chinese) names.</summary>
    internal IReadOnlyList<CatalogItem> CatalogItems(SimulatedDevice device)
    {
        var options = _farm.Options;
        var host = device.Agent.Transport.LocalEndPoint;
        var items = new CatalogItem[device.ChannelIds.Count];
        for (var c = 0; c < items.Length; c++)
        {
            items[c] = new CatalogItem
            {
                DeviceId = device.ChannelIds[c],
                Name = ChannelName(device, c),
                Manufacturer = options.Manufacturer,
                Model = "GBSIM-IPC",
                Owner = "Owner",
                CivilCode = device.Id[..6],
                Address = "模拟路" + (c + 1).ToString(CultureInfo.InvariantCulture) + "号",
                Parental = "0",
                ParentId = device.Id,
                SafetyWay = "0",
                RegisterWay = "1",
                Secrecy = "0",
                IpAddress = host.Address.ToString(),
                Port = host.Port.ToString(CultureInfo.InvariantCulture),
                Status = "ON",
                Longitude = "116.397128",
                Latitude = "39.916527",
            };
        }

        return items;
    }

    /// <summary>"通道N 摄像机 serial": GB18030 text, unique per channel.</summary>
    internal static string ChannelName(SimulatedDevice device, int channel) =>
        string.Create(CultureInfo.InvariantCulture, $"通道{channel + 1} 摄像机{device.Id[^7..]}");

    /// <summary>Three synthetic records of 10 minutes in the asked range (or the last hour), one per 20 minutes.</summary>
    private RecordInfoResponse Records(string id, RecordInfoQuery query)
    {
        var end = query.EndTime ?? LocalNow();
        var start = query.StartTime ?? end.AddHours(-1);
        var items = new List<RecordItem>();
        for (var t = start; t < end && items.Count < 3; t = t.AddMinutes(20))
        {
            var stop = t.AddMinutes(10) < end ? t.AddMinutes(10) : end;
            items.Add(new RecordItem
            {
                DeviceId = id, Name = "录像", FilePath = $"/record/{id}/{GbTime.FormatXmlTime(t)}.ps", Address = "模拟地址",
                StartTime = GbTime.FormatXmlTime(t), EndTime = GbTime.FormatXmlTime(stop), Secrecy = "0", Type = query.Type ?? "time",
                FileSize = "104857600",
            });
        }

        return new RecordInfoResponse { Sn = query.Sn, DeviceId = id, Name = "录像", SumNum = items.Count, Items = items };
    }

    private DateTime LocalNow() => _farm.Time.GetLocalNow().DateTime;

    private static string Describe(DeviceControl control) =>
        control.PtzCmd is { } ptz ? "PTZCmd " + ptz
        : control.TeleBoot is { } boot ? "TeleBoot " + boot
        : control.RecordCmd is { } record ? "RecordCmd " + record
        : control.GuardCmd is { } guard ? "GuardCmd " + guard
        : control.AlarmCmd is { } alarm ? "AlarmCmd " + alarm
        : control.IFrameCmd is { } iframe ? "IFrameCmd " + iframe
        : control.HomePosition is not null ? "HomePosition"
        : control.DragZoomIn is not null ? "DragZoomIn"
        : control.DragZoomOut is not null ? "DragZoomOut"
        : "other";
}
