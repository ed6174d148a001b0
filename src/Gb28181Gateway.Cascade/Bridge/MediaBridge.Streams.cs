using System.Net;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Mansrtsp;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>Streams for IoT systems (no upper dialog), playback control, and the sessions a previous process left behind.</summary>
internal sealed partial class MediaBridge
{
    private const string MansrtspContentType = MansrtspRequest.ContentType;
    private int _mansrtspCSeq;

    public async Task<SessionRecord> StartAsync(StreamRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Kind.Trim() switch
        {
            var k when k.Equals("Play", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Play,
            var k when k.Equals("Playback", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Playback,
            var k when k.Equals("Download", StringComparison.OrdinalIgnoreCase) => SdpSessionKind.Download,
            _ => throw new ArgumentException($"stream kind '{request.Kind}' is not Play, Playback or Download", nameof(request)),
        };
        if (kind != SdpSessionKind.Play && (request.Start is not { } start || request.End is not { } end || end <= start))
        {
            throw new ArgumentException($"a {kind} stream needs Start and End with End after Start", nameof(request));
        }

        if (!BridgeSdp.TryParseTransport(request.Transport, out var transport))
        {
            throw new ArgumentException($"transport '{request.Transport}' is not udp, tcp-active or tcp-passive", nameof(request));
        }

        if (!IPAddress.TryParse(request.TargetHost, out var targetAddress) || request.TargetPort is < 1 or > 65535)
        {
            throw new ArgumentException($"target {request.TargetHost}:{request.TargetPort} is not an IP address and port", nameof(request));
        }

        Ssrc ssrc = default;
        var ownsSsrc = string.IsNullOrEmpty(request.Ssrc);
        if (!ownsSsrc && !Ssrc.TryParse(request.Ssrc, out ssrc, out var error))
        {
            throw new ArgumentException($"SSRC '{request.Ssrc}': {error}", nameof(request));
        }

        var device = _devices.FindDevice(request.DeviceId)
            ?? throw new DeviceRequestException(request.DeviceId, DeviceRequestError.UnknownDevice, $"device {request.DeviceId} is not registered");
        if (!device.Online)
        {
            throw new DeviceRequestException(request.DeviceId, DeviceRequestError.Offline, $"device {request.DeviceId} is offline");
        }

        if (ownsSsrc && !_ssrcs.TryAllocate(SsrcKindOf(kind), _options.Sip.Domain, out ssrc))
        {
            throw new DeviceRequestException(request.DeviceId, DeviceRequestError.Rejected, "no free SSRC in domain " + _options.Sip.Domain, SipStatus.ServiceUnavailable);
        }

        var channel = new ChannelRef(request.DeviceId, request.ChannelId);
        var wanted = new DeviceStreamRequest(channel, kind,
            request.Start is { } s ? (ulong)s.ToUnixTimeSeconds() : 0,
            request.End is { } e ? (ulong)e.ToUnixTimeSeconds() : 0,
            kind == SdpSessionKind.Download ? request.Speed ?? 1 : null);
        var target = new IPEndPoint(targetAddress, request.TargetPort);
        (DeviceStream? Stream, PlatformLeg? Leg, int Status, string Reason) acquired;
        try
        {
            acquired = await AcquireStreamAsync(device, wanted, new ViewerLegRequest(transport, ssrc, target), null, cancellationToken);
        }
        catch
        {
            ReleaseSsrc(ownsSsrc, ssrc);
            throw;
        }

        if (acquired is not { Stream: { } stream, Leg: { } leg })
        {
            ReleaseSsrc(ownsSsrc, ssrc);
            BridgeMetrics.Refused(kind, acquired.Status == SipStatus.ServiceUnavailable ? "refused" : "failed");
            throw new DeviceRequestException(request.DeviceId, DeviceRequestError.Rejected, $"channel {channel}: {acquired.Reason}", acquired.Status);
        }

        var session = new BridgeSession
        {
            Id = NewSessionId(),
            Kind = kind,
            Platform = request.Requester,
            UpperChannelId = request.ChannelId,
            Stream = stream,
            Leg = leg,
            PlatformSsrc = ssrc,
            OwnsSsrc = ownsSsrc,
            PlatformMedia = transport == MediaTransport.TcpPassive
                ? BridgeSdp.Describe(transport, _relay.AdvertisedAddress?.ToString() ?? request.TargetHost, leg.LocalPort)
                : BridgeSdp.Describe(transport, request.TargetHost, request.TargetPort),
            StartedAt = _time.GetUtcNow(),
        };
        await AnnounceAsync(session, Register(session));
        if (transport != MediaTransport.Udp)
        {
            await ConnectViewerAsync(session, target);
        }

        return session.ToRecord(_options.InstanceId);
    }

    public async Task ControlPlaybackAsync(string sessionId, string action, double? scale = null, double? seekSeconds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(action);
        BridgeSession? session;
        lock (_gate)
        {
            _sessions.TryGetValue(sessionId, out session);
        }

        if (session?.Stream.Dialog is not { } dialog)
        {
            throw new KeyNotFoundException($"no media session {sessionId}");
        }

        if (session.Kind == SdpSessionKind.Play)
        {
            throw new InvalidOperationException($"session {sessionId} is live: only playback and download can be controlled");
        }

        var cseq = Interlocked.Increment(ref _mansrtspCSeq);
        var command = action.Trim().ToLowerInvariant() switch
        {
            "pause" => MansrtspRequest.Pause(cseq),
            "resume" => MansrtspRequest.Resume(cseq),
            "scale" => scale is > 0 ? MansrtspRequest.ChangeScale(cseq, scale.Value) : throw new ArgumentException("scale needs a positive scale", nameof(scale)),
            "seek" => seekSeconds is >= 0 ? MansrtspRequest.Seek(cseq, seekSeconds.Value) : throw new ArgumentException("seek needs seekSeconds >= 0", nameof(seekSeconds)),
            _ => throw new ArgumentException($"action '{action}' is not pause, resume, scale or seek", nameof(action)),
        };
        var response = await SendInfoAsync(dialog, MansrtspContentType, command.ToBytes()).WaitAsync(cancellationToken);
        if (!response.IsSuccess)
        {
            throw new DeviceRequestException(session.Stream.Channel.DeviceId, DeviceRequestError.Rejected,
                $"the device answered {action} with {response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
        }
    }

    private static async Task<SipResponse> SendInfoAsync(SipDialog dialog, string contentType, byte[] body)
    {
        var info = dialog.CreateRequest(SipMethod.Info);
        BridgeSdp.SetBody(info, contentType, body);
        try
        {
            return await dialog.SendRequestAsync(info);
        }
        catch (InvalidOperationException)
        {
            return new SipResponse(SipStatus.CallOrTransactionDoesNotExist, "Call/Transaction Does Not Exist (device dialog ended)");
        }
    }

    /// <summary>
    /// Sessions in the store belong to a previous process of this instance: their relay ports and dialogs are
    /// gone, so they cannot continue. Each side gets a BYE built from its snapshot, then the record is deleted.
    /// </summary>
    private async Task EndStaleSessionsAsync(CancellationToken cancellationToken)
    {
        var stale = await _store.LoadSessionsAsync(cancellationToken);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in stale)
        {
            BridgeLog.StaleSession(_logger, record.SessionId, record.Channel);
            if (record.UpperDialog is { } upper && done.Add(upper.CallId))
            {
                await ByeFromSnapshotAsync(AgentFor(record.Platform), upper, "platform " + record.Platform);
            }

            if (record.DeviceDialog is { } device && done.Add(device.CallId))
            {
                await ByeFromSnapshotAsync(_endpoints.Lower, device, "device " + record.Channel.DeviceId);
            }

            await _store.DeleteSessionAsync(record.SessionId, cancellationToken);
        }
    }

    private SipUserAgent AgentFor(string platform)
    {
        try
        {
            return platform.Length == 0 ? _endpoints.Lower : _endpoints.ForPlatform(platform);
        }
        catch (ArgumentException)
        {
            return _endpoints.Lower; // the platform was removed from the configuration; its shared port is the best guess
        }
    }

    private async Task ByeFromSnapshotAsync(SipUserAgent agent, DialogSnapshot snapshot, string peer)
    {
        try
        {
            var target = SipEndPoint.Parse(snapshot.Peer);
            var bye = agent.CreateRequest(
                SipMethod.Bye,
                SipUri.Parse(snapshot.RemoteTarget),
                SipNameAddress.Parse(snapshot.LocalUri).WithTag(snapshot.LocalTag),
                SipNameAddress.Parse(snapshot.RemoteUri).WithTag(snapshot.RemoteTag),
                target);
            bye.CallId = snapshot.CallId;
            bye.CSeq = new SipCSeq(snapshot.LocalCSeq + 1, SipMethod.Bye);
            foreach (var route in snapshot.RouteSet)
            {
                bye.Headers.Add(SipHeaderKind.Route, SipNameAddress.Parse(route));
            }

            var response = await agent.SendRequestAsync(bye, target);
            BridgeLog.StaleBye(_logger, peer, snapshot.CallId, response.StatusCode);
        }
        catch (Exception ex) when (ex is FormatException or SipMessageException or SipTransportException or ArgumentException)
        {
            BridgeLog.ByeFailed(_logger, peer, snapshot.CallId, ex);
        }
    }
}
