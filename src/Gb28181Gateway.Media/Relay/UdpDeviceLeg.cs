using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Ports;
using Gb28181Gateway.Media.Relay.Linux;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// Device leg over UDP: one receive loop on the leg's port (<see cref="UdpReceiveMode"/>: a thread of its own or
/// an async loop), started when the leg is created (a device may send before its SDP answer reaches the B2BUA).
/// Per packet (<see cref="MediaOptions.UdpBatch"/> = 1, <see cref="UdpReceiveMode.Async"/>, or not Linux) each
/// datagram is received into the same pinned buffer with a reused <see cref="SocketAddress"/>, checked against
/// the expected source and handed to the session. Batched (Thread mode on Linux, UdpBatch &gt; 1): see
/// UdpDeviceLeg.Batch.cs. Nothing is allocated per packet either way.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "CloseAsync disposes the batch once the receive thread has ended; legs are closed, not disposed")]
internal sealed partial class UdpDeviceLeg : DeviceLeg
{
    /// <summary>Room before each packet for a TCP platform leg's RFC 4571 length.</summary>
    internal const int Headroom = 4;

    /// <summary>The largest UDP payload (IPv4: 65535 - 20 - 8).</summary>
    internal const int MaxDatagram = 65507;

    private const int ReceiveBufferBytes = 1024 * 1024;

    /// <summary>The receive thread runs a shallow loop; a small stack keeps hundreds of them cheap.</summary>
    private const int ReceiveThreadStackBytes = 256 * 1024;

    private readonly SourceFilter _filter;
    private readonly byte[] _buffer;
    private readonly UdpDatagramBatch? _batch;
    private readonly Task _receiveLoop;
    private int _closed;
    private int _accepted;
    private bool _loggedUnexpectedSource;

    public UdpDeviceLeg(RelaySession session, PortLease lease, SourceFilter filter)
        : base(session, lease, MediaTransport.Udp)
    {
        _filter = filter;
        // Room for an I-frame burst while the loop is not scheduled (the kernel caps it at net.core.rmem_max).
        lease.Socket.ReceiveBufferSize = ReceiveBufferBytes;
        var options = Relay.Options;
        if (options.UdpReceive == UdpReceiveMode.Thread && options.UdpBatch > 1 && OperatingSystem.IsLinux())
        {
            _buffer = [];
            _batch = new UdpDatagramBatch(options.UdpBatch);
            try
            {
                _receiveLoop = StartReceiveThread(() => ReceiveBatchLoop(_batch));
            }
            catch
            {
                _batch.Dispose();   // the thread never ran: nothing else will unmap it
                throw;
            }
        }
        else
        {
            _buffer = GC.AllocateUninitializedArray<byte>(Headroom + MaxDatagram + 1, pinned: true);
            _receiveLoop = options.UdpReceive == UdpReceiveMode.Thread ? StartReceiveThread(ReceiveLoop) : ReceiveLoopAsync();
        }
    }

    /// <summary>Whether this leg receives in batches (<c>recvmmsg</c>).</summary>
    internal bool IsBatched => _batch is not null;

    /// <summary>Batched receive calls and the datagrams they took (zero when not batched).</summary>
    internal (long Calls, long Datagrams) BatchTotals => _batch?.Totals ?? default;

    public override bool IsConnected => Volatile.Read(ref _accepted) != 0;

    public override Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        CheckRemote(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        _filter.SetRemote(remote);
        RemoteEndPoint = remote;
        return Task.CompletedTask;
    }

    internal override async ValueTask CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (_batch is not null)
        {
            // The batch memory must outlive the receive thread: wake it (shutdown), wait for it, then release.
            WakeBatchReceiver();
            await _receiveLoop.ConfigureAwait(false);
            Lease.Dispose();
            _batch.Dispose();
            return;
        }

        Lease.Socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
        Lease.Dispose();
    }

    /// <summary>Runs a receive loop on a thread of its own; the task completes when the thread ends.</summary>
    private Task StartReceiveThread(Action loop)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    loop();
                }
                finally
                {
                    completion.SetResult();
                }
            },
            ReceiveThreadStackBytes)
        {
            IsBackground = true,
            Name = $"rtp-in {LocalPort}",
        };
        thread.UnsafeStart();
        return completion.Task;
    }

    /// <summary><see cref="UdpReceiveMode.Thread"/>: blocking receives; closing the socket ends the loop.</summary>
    private void ReceiveLoop()
    {
        var socket = Lease.Socket;
        var span = _buffer.AsSpan(Headroom);
        var source = new SocketAddress(socket.AddressFamily);
        while (true)
        {
            int received;
            try
            {
                received = socket.ReceiveFrom(span, SocketFlags.None, source);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (ContinueAfter(ex))
                {
                    continue;
                }

                return;
            }

            OnDatagram(received, source);
        }
    }

    /// <summary><see cref="UdpReceiveMode.Async"/>: one receive pending at a time; closing the socket ends the loop.</summary>
    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();   // never run the loop on the creating thread
        var socket = Lease.Socket;
        var memory = _buffer.AsMemory(Headroom);
        var source = new SocketAddress(socket.AddressFamily);
        while (true)
        {
            int received;
            try
            {
                received = await socket.ReceiveFromAsync(memory, SocketFlags.None, source).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (ContinueAfter(ex))
                {
                    continue;
                }

                return;
            }

            OnDatagram(received, source);
        }
    }

    /// <summary>Whether the loop goes on after a receive error (false: the leg was closed or the socket failed).</summary>
    private bool ContinueAfter(SocketException ex)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return false;
        }

        switch (ex.SocketErrorCode)
        {
            case SocketError.ConnectionReset:
                return true;   // Windows reports an earlier ICMP port-unreachable here; nothing was received
            case SocketError.MessageSize:
                Session.DropDevicePacket(MediaDropReason.Malformed);   // above 65507 bytes: only IPv6 jumbograms
                return true;
            default:
                Session.DeviceLegFailed(ex);
                return false;
        }
    }

    /// <summary>The source check for one datagram; a refused one is counted (and the first one logged).</summary>
    private bool AcceptSource(SocketAddress source)
    {
        if (!_filter.Accept(source))
        {
            Session.DropDevicePacket(MediaDropReason.UnexpectedSource);
            if (!_loggedUnexpectedSource)
            {
                _loggedUnexpectedSource = true;
                var any = source.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                Relay.Logger.UnexpectedSource(Session.Id, LocalPort, new IPEndPoint(any, 0).Create(source), RemoteEndPoint);
            }

            return false;
        }

        if (_accepted == 0)
        {
            Volatile.Write(ref _accepted, 1);
        }

        return true;
    }

    /// <summary>The per-datagram path: source check, then the session forwards it.</summary>
    private void OnDatagram(int received, SocketAddress source)
    {
        if (!AcceptSource(source))
        {
            return;
        }

        try
        {
            Session.ForwardFromDevice(_buffer, Headroom, received);
        }
        catch (Exception ex)
        {
            Relay.Logger.ForwardFailed(Session.Id, ex);   // a bug, not the packet's fault: keep the stream going
        }
    }
}
