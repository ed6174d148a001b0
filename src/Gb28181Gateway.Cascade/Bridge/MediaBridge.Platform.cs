using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>The platform side: its INVITE (answered once the device's stream runs), BYE and INFO.</summary>
internal sealed partial class MediaBridge
{
    private async Task OnPlatformInviteAsync(GatewayRequest request)
    {
        var sip = request.Sip;
        var platform = request.Platform ?? string.Empty;
        if (sip.Dialog is not null || sip.Request.To.Tag is not null)
        {
            await sip.RespondAsync(SipStatus.NotAcceptableHere, "Not Acceptable Here (re-INVITE: change the session with INFO)");
            return;
        }

        SdpSession offer;
        try
        {
            offer = BridgeSdp.Parse(sip.Request);
        }
        catch (FormatException ex)
        {
            await RefuseAsync(sip, platform, SipStatus.BadRequest, "Bad Request (" + ex.Message + ")");
            return;
        }

        var kind = offer.Kind;
        var media = BridgeSdp.MainMedia(offer);
        var remote = media is null ? null : BridgeSdp.EndPointOf(offer, media);
        if (kind is not (SdpSessionKind.Play or SdpSessionKind.Playback or SdpSessionKind.Download) || media is null || remote is null)
        {
            await RefuseAsync(sip, platform, SipStatus.NotAcceptableHere,
                media is null || remote is null ? "Not Acceptable Here (no media address in the SDP)" : $"Not Acceptable Here (s={offer.SessionName} is not Play, Playback or Download)");
            return;
        }

        var upperId = UpperChannelIdOf(sip.Request, offer);
        if (upperId is null || !_channels.TryMapDown(platform, upperId, out var channel))
        {
            await RefuseAsync(sip, platform, SipStatus.NotFound, "Not Found (no shared channel " + upperId + ")");
            return;
        }

        var device = _devices.FindDevice(channel.DeviceId);
        if (device is not { Online: true })
        {
            await RefuseAsync(sip, platform, SipStatus.TemporarilyUnavailable, "Temporarily Unavailable (device " + channel.DeviceId + (device is null ? " unknown)" : " offline)"));
            return;
        }

        var ownsSsrc = false;
        if (!offer.TryGetSsrc(out var ssrc))
        {
            if (!_ssrcs.TryAllocate(SsrcKindOf(kind), _options.Sip.Domain, out ssrc))
            {
                await RefuseAsync(sip, platform, SipStatus.ServiceUnavailable, "Service Unavailable (no free SSRC)");
                return;
            }

            ownsSsrc = true;
        }

        BridgeLog.PlatformInvite(_logger, platform, upperId, channel, kind, remote);
        var ringing = 0;
        void OnProvisional(SipResponse response)
        {
            if (response.StatusCode > SipStatus.Trying && Interlocked.Exchange(ref ringing, 1) == 0)
            {
                _ = RingAsync(sip);
            }
        }

        var wanted = new DeviceStreamRequest(channel, kind, offer.StartTime, offer.StopTime, media.DownloadSpeed, media.StreamNumber);
        (DeviceStream? Stream, PlatformLeg? Leg, int Status, string Reason) acquired;
        try
        {
            acquired = await AcquireStreamAsync(device, wanted, new ViewerLegRequest(BridgeSdp.AnswererLeg(media), ssrc, remote), OnProvisional,
                sip.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            ReleaseSsrc(ownsSsrc, ssrc);
            BridgeMetrics.Refused(kind, "refused");
            BridgeLog.Cancelled(_logger, platform, upperId);
            return; // the stack answers 487
        }

        if (acquired is not { Stream: { } stream, Leg: { } leg })
        {
            ReleaseSsrc(ownsSsrc, ssrc);
            await RefuseAsync(sip, platform, acquired.Status, null, acquired.Status == SipStatus.ServiceUnavailable ? "refused" : "failed");
            return;
        }

        var session = await AnswerAsync(sip, platform, upperId, offer, media, stream, leg, ssrc, ownsSsrc);
        if (session is null)
        {
            ReleaseSsrc(ownsSsrc, ssrc);
            return;
        }

        _ = WatchViewerAsync(session);
        if (leg.Transport != MediaTransport.Udp)
        {
            await ConnectViewerAsync(session, remote);
        }
    }

    /// <summary>Answers 200 with the gateway's SDP for the viewer's leg; null (and the platform answered) when that failed.</summary>
    private async Task<BridgeSession?> AnswerAsync(SipIncomingRequest sip, string platform, string upperId, SdpSession offer, SdpMedia media,
        DeviceStream stream, PlatformLeg leg, Ssrc ssrc, bool ownsSsrc)
    {
        var deviceMedia = stream.Answer is { } answer ? BridgeSdp.MainMedia(answer) : null;
        var deviceCodec = deviceMedia is { Codecs.Count: > 0 } dm ? dm.Codecs[0].EncodingName : null;
        var mediaHost = _relay.AdvertisedAddress?.ToString() ?? sip.UserAgent.GetLocalAddress(sip.Source).Host;
        var options = new SdpAnswerOptions
        {
            OriginId = PlatformDeviceId(platform),
            Address = mediaHost,
            Port = leg.LocalPort,
            Ssrc = ssrc,
            Codecs = deviceCodec is null ? BridgeSdp.Codecs : [deviceCodec, .. BridgeSdp.Codecs],
            FileSize = deviceMedia?.FileSize,
        };
        if (!GbSdp.TryCreateAnswer(offer, options, out var sdp) || sip.IsCancelled)
        {
            await leg.DisposeAsync();
            await ReleasePendingAsync(stream, "no common codec");
            if (!sip.IsCancelled)
            {
                await RefuseAsync(sip, platform, SipStatus.NotAcceptableHere, "Not Acceptable Here (no codec in common with the device's stream)");
            }

            return null;
        }

        var session = new BridgeSession
        {
            Id = NewSessionId(),
            Kind = stream.Kind,
            Platform = platform,
            UpperChannelId = upperId,
            Stream = stream,
            Leg = leg,
            PlatformSsrc = ssrc,
            OwnsSsrc = ownsSsrc,
            PlatformMedia = BridgeSdp.Describe(leg.Transport, BridgeSdp.EndPointOf(offer, media)!.Address.ToString(), media.Port),
            StartedAt = _time.GetUtcNow(),
        };
        var orphan = Register(session);   // before the 200: the platform may look the session up (API, BYE) as soon as it has it
        var response = sip.CreateResponse(SipStatus.Ok);
        BridgeSdp.SetBody(response, BridgeSdp.ContentType, sdp.ToBytes());
        try
        {
            await sip.RespondAsync(response);
        }
        catch (InvalidOperationException)
        {
            await EndViewerAsync(session, "platform cancelled", "refused");
            return null;
        }

        bool ended;
        lock (_gate)
        {
            session.UpperDialog = sip.Dialog;
            ended = session.Ended;   // the stream ended while the 200 was on its way: EndViewerAsync had no dialog to BYE
        }

        if (ended)
        {
            if (sip.Dialog is { } dialog)
            {
                await ByeAsync(dialog, "platform " + platform);
            }

            return null;
        }

        await AnnounceAsync(session, orphan);
        return session;
    }

    /// <summary>The viewer is attached: in the table (no longer pending). True when its stream ended meanwhile.</summary>
    private bool Register(BridgeSession session)
    {
        lock (_gate)
        {
            session.Stream.Pending--;
            session.Stream.Viewers.Add(session);
            _sessions.Add(session.Id, session);
            return session.Stream.Ended;
        }
    }

    /// <summary>The viewer has its stream: persisted, counted, announced. One whose stream ended meanwhile ends at once.</summary>
    private async Task AnnounceAsync(BridgeSession session, bool orphan)
    {
        lock (_gate)
        {
            if (session.Ended)
            {
                return;
            }

            session.Announced = true;
        }

        BridgeMetrics.Started(session);
        var record = session.ToRecord(_options.InstanceId);
        await _store.SaveSessionAsync(record);
        _events.Publish(new Events.SessionStartedEvent(record) { Timestamp = _time.GetUtcNow() });
        BridgeLog.SessionStarted(_logger, session.Id, session.Stream.Channel, session.Platform, session.PlatformMedia, session.PlatformSsrc);
        if (orphan)
        {
            await EndViewerAsync(session, "device stream ended", null);
        }
    }

    private async Task OnPlatformByeAsync(GatewayRequest request)
    {
        var session = FindByUpperDialog(request.Sip);
        await request.Sip.RespondAsync(session is null && request.Sip.Dialog is null ? SipStatus.CallOrTransactionDoesNotExist : SipStatus.Ok);
        if (session is not null)
        {
            await EndViewerAsync(session, "platform sent BYE", null);
        }
    }

    /// <summary>MANSRTSP (PAUSE, PLAY with Range/Scale, TEARDOWN) relayed to the device's dialog; the device's status goes back.</summary>
    private async Task OnPlatformInfoAsync(GatewayRequest request)
    {
        var sip = request.Sip;
        var session = FindByUpperDialog(sip);
        if (session?.Stream.Dialog is not { } deviceDialog)
        {
            await sip.RespondAsync(SipStatus.CallOrTransactionDoesNotExist);
            return;
        }

        bool shared;
        lock (_gate)
        {
            shared = session.Stream.Viewers.Count > 1;
        }

        if (shared)
        {
            await sip.RespondAsync(SipStatus.Forbidden, "Forbidden (the live stream is shared with other viewers)");
            return;
        }

        var response = await SendInfoAsync(deviceDialog, sip.Request.ContentType ?? MansrtspContentType, sip.Request.Body.ToArray());
        var answer = sip.CreateResponse(response.StatusCode, response.ReasonPhrase);
        if (!response.Body.IsEmpty)
        {
            BridgeSdp.SetBody(answer, response.ContentType ?? MansrtspContentType, response.Body.ToArray());
        }

        await sip.RespondAsync(answer);
    }

    private async Task OnDeviceByeAsync(GatewayRequest request)
    {
        DeviceStream? stream = null;
        if (request.Sip.Dialog is { } dialog)
        {
            lock (_gate)
            {
                stream = _streams.FirstOrDefault(s => ReferenceEquals(s.Dialog, dialog));
            }
        }

        await request.Sip.RespondAsync(request.Sip.Dialog is null ? SipStatus.CallOrTransactionDoesNotExist : SipStatus.Ok);
        if (stream is not null)
        {
            await EndStreamAsync(stream, "device sent BYE", null);
        }
    }

    private Task OnDeviceInfoAsync(GatewayRequest request) =>
        request.Sip.RespondAsync(request.Sip.Dialog is null ? SipStatus.CallOrTransactionDoesNotExist : SipStatus.Ok);

    private BridgeSession? FindByUpperDialog(SipIncomingRequest sip)
    {
        if (sip.Dialog is not { } dialog)
        {
            return null;
        }

        lock (_gate)
        {
            return _sessions.Values.FirstOrDefault(s => ReferenceEquals(s.UpperDialog, dialog));
        }
    }

    private static async Task RingAsync(SipIncomingRequest sip)
    {
        try
        {
            if (!sip.HasFinalResponse)
            {
                await sip.RespondAsync(SipStatus.Ringing);
            }
        }
        catch (InvalidOperationException)
        {
            // answered in between
        }
    }

    private async Task RefuseAsync(SipIncomingRequest sip, string platform, int status, string? reason, string result = "refused")
    {
        BridgeLog.Refused(_logger, platform, sip.Request.RequestUri.User ?? string.Empty, status, reason ?? SipStatus.GetReasonPhrase(status));
        BridgeMetrics.Refused(KindOf(sip), result);
        try
        {
            await sip.RespondAsync(status, reason);
        }
        catch (InvalidOperationException)
        {
            // CANCEL got there first: the stack answered 487
        }
    }

    private static SdpSessionKind KindOf(SipIncomingRequest sip)
    {
        try
        {
            return BridgeSdp.Parse(sip.Request).Kind;
        }
        catch (FormatException)
        {
            return SdpSessionKind.Unknown;
        }
    }

    /// <summary>The channel the platform asks for: the Request-URI user (GB28181 §9.2), else the Subject's sender, else u=.</summary>
    private static string? UpperChannelIdOf(SipRequest request, SdpSession offer)
    {
        if (request.RequestUri.User is { Length: > 0 } user)
        {
            return user;
        }

        if (request.Subject is { } subject && InviteSubject.TryParse(subject, out var parsed) && parsed.SenderId.Length > 0)
        {
            return parsed.SenderId;
        }

        return offer.MediaSourceId;
    }

    private string PlatformDeviceId(string platform)
    {
        foreach (var p in _options.Platforms)
        {
            if (p.Name == platform && p.DeviceId.Length > 0)
            {
                return p.DeviceId;
            }
        }

        return _options.Sip.DeviceId;
    }

    private void ReleaseSsrc(bool owned, Ssrc ssrc)
    {
        if (owned)
        {
            _ssrcs.Release(ssrc);
        }
    }
}
