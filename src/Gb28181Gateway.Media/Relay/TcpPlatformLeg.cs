using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Ports;
using Gb28181Gateway.Media.Rtp;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// Platform leg over TCP (RFC 4571 framing out). Passive: listens on the leg's port from creation and takes
/// the platform's connection (one at a time). Active: <see cref="ConnectAsync"/> connects from the leg's port.
/// Packets go through a <see cref="TcpFrameSender"/>; the connection is also read (and what arrives, RTCP at
/// most, discarded) so a platform that closes is noticed even when no packet is being sent.
/// </summary>
internal sealed class TcpPlatformLeg : PlatformLeg
{
    private readonly TcpLegLink _link;
    private readonly Lock _gate = new();
    private Connection? _connection;

    public TcpPlatformLeg(RelaySession session, PortLease lease, MediaTransport transport, uint? ssrc, SourceFilter filter)
        : base(session, lease, transport, ssrc)
    {
        _link = new TcpLegLink(this, filter, Adopt, Refused);
        _link.Start();
    }

    public override bool IsConnected => Volatile.Read(ref _connection) is not null;

    public override async Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        CheckRemote(remote);
        if (!await _link.ConnectAsync(remote, "add a new leg to retry", cancellationToken).ConfigureAwait(false))
        {
            throw new ObjectDisposedException(nameof(TcpPlatformLeg), "the leg closed while it was connecting");
        }
    }

    internal override void Send(Span<byte> framed, uint deviceSsrc)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            Drop(MediaDropReason.NotConnected);
            return;
        }

        var length = framed.Length - FrameHeadroom;
        RtpHeader.WriteSsrc(framed[FrameHeadroom..], RewriteSsrc ? SsrcValue : deviceSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)length);
        switch (connection.Sender.Send(framed))
        {
            case TcpSendResult.Accepted:
                Counters.Count(length);
                break;
            case TcpSendResult.Overflow:
                Drop(MediaDropReason.EgressOverflow);
                break;
            default:
                Drop(MediaDropReason.SendError);
                break;
        }
    }

    internal override async ValueTask CloseAsync()
    {
        if (!_link.TryClose())
        {
            return;
        }

        Connection? connection;
        lock (_gate)
        {
            connection = _connection;
        }

        if (connection is not null)
        {
            TcpConnector.Abort(connection.Socket);
        }

        await _link.ReleaseAsync(connection?.ReadLoop ?? Task.CompletedTask).ConfigureAwait(false);
    }

    private bool Adopt(Socket socket, IPEndPoint remote)
    {
        lock (_gate)
        {
            if (!_link.TryAdopt(socket, remote, hasConnection: _connection is not null))
            {
                return false;
            }

            var connection = new Connection(socket);
            connection.Sender = new TcpFrameSender(socket, Relay.Options.TcpBacklogBytes, ex => Lost(connection, MediaLegCloseReason.ConnectionError));
            Volatile.Write(ref _connection, connection);
            connection.ReadLoop = ReadLoopAsync(connection);
        }

        Relay.Logger.PlatformConnected(Session.Id, LocalPort, remote);
        return true;
    }

    private void Refused(IPEndPoint remote)
    {
        Drop(MediaDropReason.UnexpectedSource);
        Relay.Logger.ConnectionRefused(Session.Id, LocalPort, remote);
    }

    /// <summary>Reads and discards until the platform closes; only to notice it.</summary>
    private async Task ReadLoopAsync(Connection connection)
    {
        await Task.Yield();
        var sink = new byte[2048];
        var reason = MediaLegCloseReason.RemoteClosed;
        try
        {
            while (await connection.Socket.ReceiveAsync(sink, SocketFlags.None).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            reason = MediaLegCloseReason.ConnectionError;
        }

        Lost(connection, reason);
    }

    /// <summary>The connection ended (read loop) or failed (sender); the first report wins.</summary>
    private void Lost(Connection connection, MediaLegCloseReason reason)
    {
        lock (_gate)
        {
            if (_connection != connection)
            {
                return;
            }

            Volatile.Write(ref _connection, null);
        }

        TcpConnector.Abort(connection.Socket);
        if (!_link.IsClosed)
        {
            Session.RaiseLegClosed(this, reason);
        }
    }

    private sealed class Connection(Socket socket)
    {
        public Socket Socket { get; } = socket;

        public TcpFrameSender Sender { get; set; } = null!;

        public Task ReadLoop { get; set; } = Task.CompletedTask;
    }
}
