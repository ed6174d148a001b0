using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Framing;
using Gb28181Gateway.Media.Ports;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// Device leg over TCP. Passive: listens on the leg's port from creation and takes the device's connection
/// (one at a time, filtered by source). Active: the leg's port is bound at creation and
/// <see cref="ConnectAsync"/> connects from it to the device's SDP address. Either way one receive loop reads
/// the connection into a bounded <see cref="RtpTcpFrameReader"/> and hands each framed packet to the session;
/// bytes that are not RTP framing close the connection (counted as <c>framing_error</c>).
/// </summary>
internal sealed class TcpDeviceLeg : DeviceLeg
{
    private readonly TcpLegLink _link;
    private readonly Lock _gate = new();
    private Socket? _connection;
    private Task _readLoop = Task.CompletedTask;

    public TcpDeviceLeg(RelaySession session, PortLease lease, MediaTransport transport, SourceFilter filter)
        : base(session, lease, transport)
    {
        _link = new TcpLegLink(this, filter, Adopt, Refused);
        _link.Start();
    }

    public override bool IsConnected => Volatile.Read(ref _connection) is not null;

    public override async Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        CheckRemote(remote);
        if (!await _link.ConnectAsync(remote, "create a new session to retry", cancellationToken).ConfigureAwait(false))
        {
            throw new ObjectDisposedException(nameof(TcpDeviceLeg), "the session closed while the device leg was connecting");
        }
    }

    internal override async ValueTask CloseAsync()
    {
        if (!_link.TryClose())
        {
            return;
        }

        Socket? connection;
        Task readLoop;
        lock (_gate)
        {
            connection = _connection;
            readLoop = _readLoop;
        }

        if (connection is not null)
        {
            TcpConnector.Abort(connection);
        }

        await _link.ReleaseAsync(readLoop).ConfigureAwait(false);
    }

    private bool Adopt(Socket connection, IPEndPoint remote)
    {
        lock (_gate)
        {
            if (!_link.TryAdopt(connection, remote, hasConnection: _connection is not null))
            {
                return false;
            }

            Volatile.Write(ref _connection, connection);

            // The previous connection's loop has ended (it cleared _connection): one reader at a time.
            _readLoop = ReadLoopAsync(connection);
        }

        Relay.Logger.DeviceConnected(Session.Id, LocalPort, remote);
        return true;
    }

    private void Refused(IPEndPoint remote)
    {
        Session.DropDevicePacket(MediaDropReason.UnexpectedSource);
        Relay.Logger.ConnectionRefused(Session.Id, LocalPort, remote);
    }

    private async Task ReadLoopAsync(Socket connection)
    {
        await Task.Yield();
        var buffer = GC.AllocateUninitializedArray<byte>(RtpTcpFrameReader.BufferLength, pinned: true);
        var reader = new RtpTcpFrameReader(buffer);
        var reason = MediaLegCloseReason.RemoteClosed;
        try
        {
            while (true)
            {
                var received = await connection.ReceiveAsync(reader.GetReadMemory(), SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                reader.Advance(received);
                if (!DrainFrames(reader))
                {
                    reason = MediaLegCloseReason.FramingError;
                    Session.DropDevicePacket(MediaDropReason.FramingError);
                    Relay.Logger.FramingError(Session.Id, LocalPort, RemoteEndPoint, reader.Buffered);
                    break;
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            reason = MediaLegCloseReason.ConnectionError;
        }
        catch (Exception ex)
        {
            reason = MediaLegCloseReason.ConnectionError;
            Relay.Logger.ReceiveFailed(Session.Id, LocalPort, ex);
        }

        lock (_gate)
        {
            Volatile.Write(ref _connection, null);
        }

        TcpConnector.Abort(connection);
        if (!_link.IsClosed)
        {
            Session.RaiseLegClosed(this, reason);
        }
    }

    /// <summary>Forwards every whole frame buffered; false when the bytes are not RTP framing.</summary>
    private bool DrainFrames(RtpTcpFrameReader reader)
    {
        while (true)
        {
            switch (reader.TryRead(out var offset, out var length))
            {
                case FrameScanStatus.NeedMore:
                    return true;
                case FrameScanStatus.Invalid:
                    return false;
                default:
                    if (length > 0)
                    {
                        try
                        {
                            Session.ForwardFromDevice(reader.Buffer, offset, length);
                        }
                        catch (Exception ex)
                        {
                            Relay.Logger.ForwardFailed(Session.Id, ex);   // a bug, not the packet's fault
                        }
                    }

                    break;
            }
        }
    }
}
