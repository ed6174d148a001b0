using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Simulator.Media;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Simulator.Devices;

/// <summary>
/// Media sessions of the simulated channels: INVITE answered with the device's address and the offered SSRC,
/// the PS capture streamed after the ACK (UDP, or RFC 4571 over TCP as the offer's setup says) until BYE,
/// INFO PAUSE/PLAY honoured; SUBSCRIBE (catalog, alarm) accepted.
/// </summary>
internal sealed class DeviceSessionHandler
{
    private readonly DeviceFarm _farm;
    private readonly ConcurrentDictionary<SipDialogId, MediaSession> _sessions = new();
    private int _ssrcSerial;

    public DeviceSessionHandler(DeviceFarm farm) => _farm = farm;

    public int ActiveSessions => _sessions.Count;

    public async Task OnInviteAsync(SipIncomingRequest incoming)
    {
        var request = incoming.Request;
        _farm.Statistics.InviteReceived();
        if (!_farm.TryFind(request.RequestUri.User, out var target))
        {
            Log.UnknownTarget(_farm.Logger, request.Method, request.RequestUri.User ?? string.Empty, incoming.Source);
            await incoming.RespondAsync(SipStatus.NotFound);
            return;
        }

        var channelId = target.Channel is null && target.Device.ChannelIds.Count > 0 ? target.Device.ChannelIds[0] : target.Id;
        MediaOffer offer;
        try
        {
            offer = MediaOffer.Parse(request.Body.Span);
        }
        catch (FormatException ex)
        {
            Log.InviteRefused(_farm.Logger, channelId, SipStatus.NotAcceptableHere, ex.Message);
            await incoming.RespondAsync(SipStatus.NotAcceptableHere, "Not Acceptable Here (" + ex.Message + ")");
            return;
        }

        var ssrc = offer.Ssrc is { Length: > 0 } offered && Ssrc.TryParse(offered, out var parsed) ? parsed
            : Ssrc.Create(SsrcKind.Live, _farm.Options.DomainOrDefault, Interlocked.Increment(ref _ssrcSerial) % Ssrc.MaxSerial);
        var mode = offer.AnswerMode;
        var session = new MediaSession(_farm, channelId, offer, mode, new RtpStreamer(_farm.Capture, ssrc.Value, _farm.Time));
        try
        {
            session.Bind(_farm.Options.MediaAddress);
        }
        catch (SocketException ex)
        {
            session.Dispose();
            Log.InviteRefused(_farm.Logger, channelId, SipStatus.ServiceUnavailable, ex.Message);
            await incoming.RespondAsync(SipStatus.ServiceUnavailable);
            return;
        }

        var response = incoming.CreateResponse(SipStatus.Ok);
        response.ContentType = "application/sdp";
        response.Body = offer.BuildAnswer(channelId, session.LocalAddress.Address.ToString(), session.LocalAddress.Port, ssrc);

        // known before the 200 goes out, so an INFO right behind the ACK finds the session
        var id = new SipDialogId(request.CallId, incoming.LocalTag, request.From.Tag ?? string.Empty);
        _sessions[id] = session;
        try
        {
            await incoming.RespondAsync(response);
        }
        catch (InvalidOperationException)
        {
            _sessions.TryRemove(id, out _);
            session.Dispose(); // cancelled meanwhile: the stack answered 487
            throw;
        }

        if (incoming.Dialog is not { } dialog)
        {
            _sessions.TryRemove(id, out _);
            session.Dispose();
            return;
        }

        session.Completion = RunSessionAsync(dialog, session);
    }

    public async Task OnInfoAsync(SipIncomingRequest incoming)
    {
        if (incoming.Dialog is not { } dialog || !_sessions.TryGetValue(dialog.Id, out var session))
        {
            await incoming.RespondAsync(SipStatus.CallOrTransactionDoesNotExist);
            return;
        }

        var body = Encoding.UTF8.GetString(incoming.Request.Body.Span);
        var end = body.IndexOfAny(['\r', '\n', ' ']);
        var command = (end < 0 ? body : body[..end]).Trim().ToUpperInvariant();
        Log.PlaybackControl(_farm.Logger, session.ChannelId, command);
        switch (command)
        {
            case "PAUSE":
                session.Streamer.Pause();
                break;
            case "PLAY":
                session.Streamer.Resume();
                break;
            case "TEARDOWN":
                await incoming.RespondAsync(SipStatus.Ok);
                session.Stop();
                return;
            default:
                await incoming.RespondAsync(SipStatus.BadRequest, "Bad Request (not a MANSRTSP PLAY, PAUSE or TEARDOWN)");
                return;
        }

        await incoming.RespondAsync(SipStatus.Ok);
    }

    public async Task OnSubscribeAsync(SipIncomingRequest incoming)
    {
        var request = incoming.Request;
        if (!_farm.TryFind(request.RequestUri.User, out var target))
        {
            await incoming.RespondAsync(SipStatus.NotFound);
            return;
        }

        var expires = request.Expires ?? 3600;
        var response = incoming.CreateResponse(SipStatus.Ok);
        response.Expires = expires;
        await incoming.RespondAsync(response);
        Log.SubscriptionAccepted(_farm.Logger, target.Id, request.Event?.Value ?? "?", expires);
        if (expires == 0)
        {
            incoming.Dialog?.Terminate();
        }
    }

    /// <summary>Stops every stream; each session ends its dialog with BYE. Waits up to 5 s for them.</summary>
    public async Task StopAllAsync()
    {
        var running = new List<Task>();
        foreach (var session in _sessions.Values)
        {
            session.Stop();
            running.Add(session.Completion);
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5), _farm.Time);
        }
        catch (TimeoutException)
        {
            // peers that do not answer BYE: their dialogs end by timeout
        }
    }

    private async Task RunSessionAsync(SipDialog dialog, MediaSession session)
    {
        session.Dialog = dialog;
        var reason = "BYE";
        try
        {
            if (!await dialog.Acknowledged)
            {
                reason = "no ACK";
                return;
            }

            _farm.Statistics.StreamStarted();
            try
            {
                reason = await session.StreamAsync(dialog.Terminated);
            }
            finally
            {
                _farm.Statistics.StreamEnded(session.Streamer.PacketsSent, session.Streamer.BytesSent);
            }

            if (dialog.State != SipDialogState.Terminated)
            {
                await dialog.ByeAsync(); // the media ended on our side (TCP peer closed, TEARDOWN, shutdown)
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException)
        {
            reason = ex.Message;
        }
        finally
        {
            _sessions.TryRemove(dialog.Id, out _);
            session.Dispose();
            Log.StreamEnded(_farm.Logger, session.ChannelId, session.Streamer.PacketsSent, reason);
        }
    }

    /// <summary>One INVITE's media: the socket (UDP, TCP listener or TCP client) and the streamer.</summary>
    private sealed class MediaSession(DeviceFarm farm, string channelId, MediaOffer offer, MediaTransportMode mode, RtpStreamer streamer) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Socket? _socket;
        private bool _disposed;

        public string ChannelId => channelId;

        public RtpStreamer Streamer => streamer;

        public SipDialog? Dialog { get; set; }

        /// <summary>The session's run: ACK wait, streaming, BYE when our side ended it.</summary>
        public Task Completion { get; set; } = Task.CompletedTask;

        public IPEndPoint LocalAddress => (IPEndPoint)_socket!.LocalEndPoint!;

        public void Bind(IPAddress address)
        {
            _socket = mode == MediaTransportMode.Udp
                ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _socket.Bind(new IPEndPoint(address, 0));
            if (mode == MediaTransportMode.TcpPassive)
            {
                _socket.Listen(1);
            }
        }

        public void Stop()
        {
            lock (_stop)
            {
                if (!_disposed)
                {
                    _stop.Cancel();
                }
            }
        }

        /// <summary>Streams until the dialog ends or Stop; returns why it ended.</summary>
        public async Task<string> StreamAsync(Task dialogEnded)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _ = dialogEnded.ContinueWith(static (_, s) => ((CancellationTokenSource)s!).Cancel(), linked, TaskScheduler.Default);
            var ct = linked.Token;
            var socket = _socket!;
            try
            {
                switch (mode)
                {
                    case MediaTransportMode.Udp:
                        Log.StreamStarted(farm.Logger, channelId, offer.EndPoint, "UDP", Ssrc(streamer));
                        await streamer.RunUdpAsync(socket, offer.EndPoint, ct);
                        break;
                    case MediaTransportMode.TcpActive:
                        await socket.ConnectAsync(offer.EndPoint, ct);
                        Log.StreamStarted(farm.Logger, channelId, offer.EndPoint, "TCP active", Ssrc(streamer));
                        await using (var stream = new NetworkStream(socket, ownsSocket: false))
                        {
                            await streamer.RunTcpAsync(stream, ct);
                        }

                        break;
                    default:
                        using (var accepted = await socket.AcceptAsync(ct))
                        await using (var stream = new NetworkStream(accepted, ownsSocket: false))
                        {
                            Log.StreamStarted(farm.Logger, channelId, accepted.RemoteEndPoint!, "TCP passive", Ssrc(streamer));
                            await streamer.RunTcpAsync(stream, ct);
                        }

                        break;
                }
            }
            catch (OperationCanceledException)
            {
                return dialogEnded.IsCompleted ? "BYE" : "stopped";
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                return "media connection lost: " + ex.Message;
            }

            return "ended";
        }

        public void Dispose()
        {
            Stop();
            _socket?.Dispose();
            lock (_stop)
            {
                _disposed = true;
                _stop.Dispose();
            }
        }

        private static string Ssrc(RtpStreamer s) => s.Ssrc.ToString("D10", CultureInfo.InvariantCulture);
    }
}
