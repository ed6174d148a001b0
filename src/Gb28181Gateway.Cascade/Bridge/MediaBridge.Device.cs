using System.Net;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>What a viewer asks of the device: the kind and, for history, the time range and speed.</summary>
internal sealed record DeviceStreamRequest(ChannelRef Channel, SdpSessionKind Kind, ulong StartTime = 0, ulong StopTime = 0, int? DownloadSpeed = null,
    int? StreamNumber = null);

/// <summary>Where a viewer wants the stream: the gateway's leg transport toward it, its SSRC and its media address.</summary>
internal sealed record ViewerLegRequest(MediaTransport Transport, Ssrc Ssrc, IPEndPoint Remote);

/// <summary>The device side: finding a running live stream to share, or INVITing the device for a new one.</summary>
internal sealed partial class MediaBridge
{
    /// <summary>How long a device may take to answer an INVITE finally (then 408 up): platforms give up after about as long.</summary>
    private static readonly TimeSpan DeviceInviteTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A running live stream of the channel (the caller becomes a pending viewer), or a new stream after the
    /// device answered, with the viewer's platform leg added. The leg is added before the device is INVITEd and a
    /// UDP one sends at once: devices stream right after the ACK, and nothing of the beginning is lost. Returns the
    /// stream, the leg and 200, or nulls and the SIP status to refuse the viewer with.
    /// </summary>
    private async Task<(DeviceStream? Stream, PlatformLeg? Leg, int Status, string Reason)> AcquireStreamAsync(DeviceRecord device,
        DeviceStreamRequest request, ViewerLegRequest viewer, Action<SipResponse>? onProvisional, CancellationToken cancellationToken)
    {
        DeviceStream stream;
        bool created;
        lock (_gate)
        {
            if (request.Kind == SdpSessionKind.Play && _live.TryGetValue(request.Channel, out var running) && !running.Ended)
            {
                stream = running;
                created = false;
            }
            else
            {
                if (!_ssrcs.TryAllocate(SsrcKindOf(request.Kind), _options.Sip.Domain, out var ssrc))
                {
                    return (null, null, SipStatus.ServiceUnavailable, "no free SSRC in domain " + _options.Sip.Domain);
                }

                RelaySession relay;
                try
                {
                    relay = _relay.CreateSession(DeviceTransportFor(device.DeviceId));
                }
                catch (MediaPortsExhaustedException ex)
                {
                    _ssrcs.Release(ssrc);
                    return (null, null, SipStatus.ServiceUnavailable, ex.Message);
                }

                stream = new DeviceStream(request.Channel, request.Kind, relay, ssrc);
                relay.LegClosed += (_, e) => OnLegClosed(stream, e);
                _streams.Add(stream);
                if (request.Kind == SdpSessionKind.Play)
                {
                    _live[request.Channel] = stream;
                }

                created = true;
            }

            stream.Pending++;
        }

        PlatformLeg leg;
        try
        {
            leg = stream.Relay.AddPlatform(viewer.Transport, viewer.Ssrc.Value);
            if (viewer.Transport == MediaTransport.Udp)
            {
                await leg.ConnectAsync(viewer.Remote, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is MediaPortsExhaustedException or ObjectDisposedException)
        {
            await ReleasePendingAsync(stream, "no port for the viewer");
            return (null, null, ex is MediaPortsExhaustedException ? SipStatus.ServiceUnavailable : SipStatus.TemporarilyUnavailable, ex.Message);
        }

        if (created)
        {
            _ = InviteDeviceAsync(stream, device, request, onProvisional, stream.InviteCancellation.Token);
        }
        else
        {
            BridgeLog.Sharing(_logger, request.Channel);
        }

        int status;
        try
        {
            status = await stream.Established.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await leg.DisposeAsync();
            await ReleasePendingAsync(stream, "viewer cancelled");
            throw;
        }

        if (status != SipStatus.Ok)
        {
            await leg.DisposeAsync();
            await ReleasePendingAsync(stream, "device refused");
            return (null, null, status, "device answered " + status);
        }

        return (stream, leg, SipStatus.Ok, string.Empty);
    }

    /// <summary>INVITEs the device with the gateway's own SDP; completes <see cref="DeviceStream.Established"/> either way.</summary>
    private async Task InviteDeviceAsync(DeviceStream stream, DeviceRecord device, DeviceStreamRequest request, Action<SipResponse>? onProvisional,
        CancellationToken cancellationToken)
    {
        var channelId = request.Channel.ChannelId;
        if (!SipEndPoint.TryParse(device.SignallingEndPoint, out var target))
        {
            BridgeLog.DeviceInviteFailed(_logger, channelId, 0, "bad signalling end point '" + device.SignallingEndPoint + "'");
            stream.Complete(SipStatus.TemporarilyUnavailable);
            return;
        }

        var agent = _endpoints.Lower;
        var transport = stream.Relay.Device.Transport;
        var mediaHost = _relay.AdvertisedAddress?.ToString() ?? agent.GetLocalAddress(target).Host;
        var gatewayId = _options.Sip.DeviceId;
        var offer = GbSdp.CreateOffer(new SdpOfferOptions
        {
            Kind = request.Kind,
            OriginId = gatewayId,
            Address = mediaHost,
            Port = stream.Relay.Device.LocalPort,
            Transport = BridgeSdp.ToSdp(transport),
            Ssrc = stream.Ssrc,
            ChannelId = request.Kind == SdpSessionKind.Play ? null : channelId,
            StartTime = request.StartTime,
            StopTime = request.StopTime,
            DownloadSpeed = request.DownloadSpeed,
            StreamNumber = request.StreamNumber,
        });
        var requestUri = SipUri.TryParse(device.ContactUri, out var contact)
            ? contact with { User = channelId }
            : SipUri.Create(channelId, target.Address.Address.ToString(), target.Address.Port);
        var invite = agent.CreateRequest(
            SipMethod.Invite,
            requestUri,
            new SipNameAddress(SipUri.Create(gatewayId, _options.Sip.Domain)),
            new SipNameAddress(SipUri.Create(channelId, _options.Sip.Domain)),
            target);
        invite.Headers.Add(SipHeaderKind.Subject, InviteSubject.ForMedia(channelId, stream.Ssrc, gatewayId).ToString());
        BridgeSdp.SetBody(invite, BridgeSdp.ContentType, offer.ToBytes());
        stream.DeviceMedia = BridgeSdp.Describe(transport, mediaHost, stream.Relay.Device.LocalPort);

        SipDialogResult result;
        try
        {
            result = await agent.InviteAsync(invite, target, new SipRequestOptions { OnProvisional = onProvisional, InviteTimeout = DeviceInviteTimeout },
                cancellationToken);
        }
        catch (OperationCanceledException)
        {
            BridgeLog.DeviceInviteFailed(_logger, channelId, SipStatus.RequestTerminated, "cancelled: no viewer waits for it any more");
            stream.Complete(SipStatus.RequestTerminated);
            return;
        }
        catch (Exception ex) when (ex is SipTransportException or ObjectDisposedException)
        {
            BridgeLog.DeviceInviteFailed(_logger, channelId, 0, ex.Message);
            stream.Complete(SipStatus.TemporarilyUnavailable);
            return;
        }

        if (result.Dialog is not { } dialog)
        {
            BridgeLog.DeviceInviteFailed(_logger, channelId, result.StatusCode, result.Response.ReasonPhrase);
            stream.Complete(BridgeSdp.UpstreamStatus(result.StatusCode));
            return;
        }

        bool ended;
        lock (_gate)
        {
            ended = stream.Ended;
            if (!ended)
            {
                stream.Dialog = dialog;
            }
        }

        if (ended)
        {
            await ByeAsync(dialog, "device " + device.DeviceId);   // every viewer left while the device was answering
            return;
        }

        if (await ConnectDeviceAsync(stream, result.Response) is { } failure)
        {
            stream.Complete(failure.Status);   // the viewers waiting are refused with it ...
            await EndStreamAsync(stream, failure.Reason, "failed");   // ... and the device gets BYE
            return;
        }

        stream.EstablishedTimestamp = _time.GetTimestamp();
        _ = WatchDeviceAsync(stream);
        stream.Complete(SipStatus.Ok);
    }

    /// <summary>
    /// The device answered: tell the relay where its media comes from (TCP-active: connect to it). Null when it
    /// worked, else the status for the waiting viewers and why (logged here). An answer in another transport than
    /// offered (RTP/AVP to a TCP offer, TCP/RTP/AVP to a UDP one) is refused with 488: the relay's device leg is bound
    /// for the offered one and would receive nothing.
    /// </summary>
    private async Task<(int Status, string Reason)?> ConnectDeviceAsync(DeviceStream stream, SipResponse answer)
    {
        var channelId = stream.Channel.ChannelId;
        SdpSession sdp;
        try
        {
            sdp = BridgeSdp.Parse(answer);
        }
        catch (FormatException ex)
        {
            return Failed("the device's answer has no usable SDP: " + ex.Message);
        }

        var media = BridgeSdp.MainMedia(sdp);
        var remote = media is null ? null : BridgeSdp.EndPointOf(sdp, media);
        if (media is null || remote is null)
        {
            return Failed("the device's SDP answer has no media address");
        }

        var offered = stream.Relay.Device.Transport;
        if (media.IsTcp != (offered != MediaTransport.Udp))
        {
            var reason = $"the device answered {media.Protocol} to an offer of {BridgeSdp.Label(offered)}";
            BridgeLog.DeviceTransportMismatch(_logger, stream.Channel, media.Protocol, BridgeSdp.Label(offered), SipStatus.NotAcceptableHere);
            return (SipStatus.NotAcceptableHere, reason);
        }

        stream.Answer = sdp;
        stream.DeviceSsrc = sdp.Ssrc is { Length: > 0 } ssrc ? ssrc : stream.Ssrc.ToString();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_relay.Options.ConnectTimeoutSeconds + 1), _time);
            await stream.Relay.Device.ConnectAsync(remote, timeout.Token);
            return null;
        }
        catch (Exception ex) when (ex is MediaConnectException or OperationCanceledException or ObjectDisposedException or ArgumentException)
        {
            return Failed("the device's media " + remote + " cannot be used: " + ex.Message);
        }

        (int, string) Failed(string reason)
        {
            BridgeLog.DeviceInviteFailed(_logger, channelId, SipStatus.Ok, reason);
            return (SipStatus.BadGateway, reason);
        }
    }

    /// <summary>Adds a platform leg sending to <paramref name="remote"/> (UDP, TCP-active) or accepting from it (TCP-passive).</summary>
    private async Task ConnectViewerAsync(BridgeSession session, IPEndPoint remote)
    {
        try
        {
            await session.Leg.ConnectAsync(remote);
        }
        catch (Exception ex) when (ex is MediaConnectException or ObjectDisposedException or ArgumentException)
        {
            BridgeLog.ViewerConnectFailed(_logger, session.Id, remote.ToString(), ex.Message);
            await EndViewerAsync(session, "platform media " + remote + " unreachable", "failed");
        }
    }
}
