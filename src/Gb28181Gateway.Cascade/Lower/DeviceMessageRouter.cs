using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// MESSAGE and NOTIFY from devices. A MESSAGE from a device without a live registration is answered 404
/// (what makes Hikvision and Dahua cameras register again, seed 002). A body that is not MANSCDP is answered
/// 400 with the parser's reason, and the device stays registered. Otherwise 200 first, then: keepalives move
/// the online deadline, answers go to the request waiting for them, notifications become events.
/// </summary>
internal sealed class DeviceMessageRouter
{
    private readonly DeviceDirectory _directory;
    private readonly DevicePresence _presence;
    private readonly ManscdpCorrelator _correlator;
    private readonly CatalogSynchronizer _catalogs;
    private readonly DeviceSubscriptions _subscriptions;
    private readonly DeviceClient _client;
    private readonly IGatewayEventBus _bus;
    private readonly TimeProvider _time;
    private readonly LowerMetrics _metrics;
    private readonly ILogger _logger;

    public DeviceMessageRouter(DeviceDirectory directory, DevicePresence presence, ManscdpCorrelator correlator, CatalogSynchronizer catalogs,
        DeviceSubscriptions subscriptions, DeviceClient client, IGatewayEventBus bus, TimeProvider time, LowerMetrics metrics, ILogger<DeviceMessageRouter> logger)
    {
        _directory = directory;
        _presence = presence;
        _correlator = correlator;
        _catalogs = catalogs;
        _subscriptions = subscriptions;
        _client = client;
        _bus = bus;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task HandleMessageAsync(GatewayRequest gatewayRequest)
    {
        var incoming = gatewayRequest.Sip;
        var deviceId = gatewayRequest.SenderId;
        if (!_directory.TryGet(deviceId, out var entry) || !entry.IsRegistered(_time.GetUtcNow()))
        {
            await RefuseUnknownAsync(incoming, deviceId);
            return;
        }

        var (message, error) = Parse(incoming, deviceId);
        if (message is null)
        {
            await incoming.RespondAsync(SipStatus.BadRequest, error);
            return;
        }

        if (!await _presence.AliveAsync(entry, message is KeepaliveNotify))
        {
            await RefuseUnknownAsync(incoming, deviceId);
            return;
        }

        NoteCharset(entry, incoming.Request.Body.Span);
        if (message.Root == ManscdpRoot.Response)
        {
            Deliver(entry, message); // before the 200: once the device has its 200, the answer is counted
            await incoming.RespondAsync(SipStatus.Ok);
            return;
        }

        await incoming.RespondAsync(SipStatus.Ok);
        await DispatchAsync(entry, message, incoming);
    }

    public async Task HandleNotifyAsync(GatewayRequest gatewayRequest)
    {
        var incoming = gatewayRequest.Sip;
        var deviceId = gatewayRequest.SenderId;
        if (incoming.Dialog is not { } dialog || !_directory.TryGet(deviceId, out var entry))
        {
            await incoming.RespondAsync(SipStatus.CallOrTransactionDoesNotExist, "No such subscription");
            return;
        }

        var (message, error) = Parse(incoming, deviceId);
        if (message is null)
        {
            await incoming.RespondAsync(SipStatus.BadRequest, error);
            return;
        }

        await incoming.RespondAsync(SipStatus.Ok);
        if (incoming.Request.SubscriptionState is { } state && state.Value.Equals("terminated", StringComparison.OrdinalIgnoreCase))
        {
            _subscriptions.Terminated(dialog);
        }

        await _presence.AliveAsync(entry, keepalive: false);
        await DispatchAsync(entry, message, incoming);
    }

    /// <summary>The body's model, or null and a reason phrase (printable ASCII, at most ~120 characters) saying why not.</summary>
    private (ManscdpMessage? Message, string Error) Parse(SipIncomingRequest incoming, string deviceId)
    {
        var body = incoming.Request.Body;
        try
        {
            if (body.IsEmpty)
            {
                throw new ManscdpFormatException("the request has no body");
            }

            return (ManscdpCodec.Parse(body.Span), string.Empty);
        }
        catch (FormatException ex)
        {
            _metrics.ManscdpError("parse");
            LowerLog.BadBody(_logger, deviceId, incoming.Source, ex.Message);
            return (null, ReasonPhrase("Malformed MANSCDP body: " + ex.Message));
        }
    }

    private static string ReasonPhrase(string text)
    {
        var length = Math.Min(text.Length, 120);
        return string.Create(length, text, static (span, s) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = s[i] is >= ' ' and <= '~' ? s[i] : '?';
            }
        });
    }

    private async Task DispatchAsync(DeviceEntry entry, ManscdpMessage message, SipIncomingRequest incoming)
    {
        var deviceId = entry.DeviceId;
        var now = _time.GetUtcNow();
        switch (message)
        {
            case KeepaliveNotify:
                _metrics.Keepalive("ok");
                break;
            case CatalogNotify notify:
                await _catalogs.ApplyNotifyAsync(entry, notify);
                break;
            case AlarmNotify alarm:
                _metrics.Alarm(alarm.AlarmMethod);
                LowerLog.Alarm(_logger, deviceId, alarm.AlarmPriority, alarm.AlarmMethod, alarm.AlarmDescription);
                _bus.Publish(new DeviceAlarmEvent(deviceId, alarm) { Timestamp = now });
                if (incoming.Method == SipMethod.Message)
                {
                    await AnswerAlarmAsync(entry, alarm);
                }

                break;
            case MobilePositionNotify position:
                _bus.Publish(new MobilePositionEvent(deviceId, position) { Timestamp = now });
                break;
            case MediaStatusNotify media:
                _bus.Publish(new MediaStatusEvent(deviceId, media, incoming.Request.CallId) { Timestamp = now });
                break;
            case { Root: ManscdpRoot.Response }:
                Deliver(entry, message);
                break;
            default:
                LowerLog.NotHandled(_logger, deviceId, message.Root, message.CmdType);
                break;
        }
    }

    private void Deliver(DeviceEntry entry, ManscdpMessage answer)
    {
        if (!_correlator.TryDeliver(entry.DeviceId, answer))
        {
            LowerLog.Unmatched(_logger, entry.DeviceId, answer.CmdType, answer.Sn);
        }
    }

    /// <summary>GB requires a Response/Alarm Result OK MESSAGE for every Notify/Alarm MESSAGE.</summary>
    private async Task AnswerAlarmAsync(DeviceEntry entry, AlarmNotify alarm)
    {
        try
        {
            var response = await _client.SendMessageAsync(entry, ManscdpResult.Ok(ManscdpCmdType.Alarm, alarm.Sn, alarm.DeviceId.Length > 0 ? alarm.DeviceId : entry.DeviceId),
                CancellationToken.None);
            if (!response.IsSuccess)
            {
                var status = $"{response.StatusCode} {response.ReasonPhrase}";
                LowerLog.AlarmAnswerFailed(_logger, entry.DeviceId, status);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            LowerLog.AlarmAnswerFailed(_logger, entry.DeviceId, ex.Message);
        }
    }

    private async Task RefuseUnknownAsync(SipIncomingRequest incoming, string deviceId)
    {
        var keepalive = false;
        try
        {
            keepalive = !incoming.Request.Body.IsEmpty && ManscdpCodec.Peek(incoming.Request.Body.Span).CmdType == ManscdpCmdType.Keepalive;
        }
        catch (FormatException)
        {
        }

        if (keepalive)
        {
            _metrics.Keepalive("unknown");
        }

        LowerLog.UnknownDevice(_logger, incoming.Method, deviceId, incoming.Source, SipStatus.NotFound);
        await incoming.RespondAsync(SipStatus.NotFound, "Device not registered");
    }

    private static void NoteCharset(DeviceEntry entry, ReadOnlySpan<byte> body)
    {
        if (GbText.DetectXml(body).Declared is not { } charset)
        {
            return;
        }

        var name = charset switch
        {
            GbCharset.Gb18030 => "GB18030",
            GbCharset.Utf8 => "UTF-8",
            _ => "GB2312",
        };
        if (entry.Record.CharacterSet != name)
        {
            lock (entry.Gate)
            {
                entry.Record = entry.Record with { CharacterSet = name };
            }
        }
    }
}
