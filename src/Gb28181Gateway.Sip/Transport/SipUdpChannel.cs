using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Sip.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// The UDP side of a transport. Datagrams are received into one pinned buffer of the maximum datagram size,
/// reused for every receive, and each message is copied out into an array of its exact size, which the
/// parser then slices without further copies. Every received message outlives its receive (a server
/// transaction keeps its request for Timer J = 32 s over UDP, a client transaction its response for Timer K,
/// dialogs and device records keep parsed headers), so slicing a shared slab instead would keep the whole
/// slab alive for as long as any one of its messages: one copy of a few hundred bytes per datagram costs far
/// less than that, and the copies are ordinary short-lived arrays the GC compacts and frees.
/// On Linux, ICMP errors (port unreachable) are read from the socket error queue and reported with the
/// destination they concern, so the client transactions towards it can fail at once.
/// </summary>
internal sealed class SipUdpChannel : IDisposable
{
    /// <summary>Room reserved for each receive: larger than any UDP payload (65507 bytes over IPv4).</summary>
    public const int MaxDatagramSize = 65536;

    private const int SolIp = 0;
    private const int IpRecvErr = 11;
    private const int SolIpv6 = 41;
    private const int Ipv6RecvErr = 25;
    private const SocketFlags MsgErrQueue = (SocketFlags)0x2000;

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly Action<ReadOnlyMemory<byte>, IPEndPoint> _onDatagram;
    private readonly Action<IPEndPoint, SocketError> _onUnreachable;
    private readonly bool _errorQueue;

    public SipUdpChannel(Socket socket, ILogger logger, Action<ReadOnlyMemory<byte>, IPEndPoint> onDatagram,
        Action<IPEndPoint, SocketError> onUnreachable)
    {
        _socket = socket;
        _logger = logger;
        _onDatagram = onDatagram;
        _onUnreachable = onUnreachable;
        _errorQueue = TryEnableErrorQueue(socket);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public async Task RunAsync(CancellationToken stopping)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramSize, pinned: true);
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, any, stopping);
            }
            catch (SocketException ex) when (IsIcmpError(ex.SocketErrorCode))
            {
                DrainErrorQueue(ex.SocketErrorCode);
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (stopping.IsCancellationRequested || ex.SocketErrorCode == SocketError.OperationAborted)
            {
                break;
            }
            catch (SocketException ex)
            {
                TransportLog.UdpReceiveFailed(_logger, LocalEndPoint, ex.SocketErrorCode, ex);
                continue;
            }

            if (result.ReceivedBytes == 0)
            {
                continue;
            }

            // the message's own bytes: the next receive overwrites the buffer
            var data = GC.AllocateUninitializedArray<byte>(result.ReceivedBytes);
            buffer.AsSpan(0, result.ReceivedBytes).CopyTo(data);
            _onDatagram(data, (IPEndPoint)result.RemoteEndPoint);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint target, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, target, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new SipTransportException($"UDP send to {target} failed: {ex.SocketErrorCode}", ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new SipTransportException("the UDP transport is stopped", ex);
        }
    }

    public void Dispose() => _socket.Dispose();

    private static bool IsIcmpError(SocketError error) =>
        error is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.HostDown;

    private static bool TryEnableErrorQueue(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var v6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
            socket.SetRawSocketOption(v6 ? SolIpv6 : SolIp, v6 ? Ipv6RecvErr : IpRecvErr, BitConverter.GetBytes(1));

            // error-queue reads are synchronous; never let one wait when the queue turns out empty
            socket.ReceiveTimeout = 1;
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Reads queued ICMP errors: each returns the datagram that failed, addressed to the unreachable peer.</summary>
    private void DrainErrorQueue(SocketError error)
    {
        if (!_errorQueue)
        {
            TransportLog.UdpIcmpWithoutAddress(_logger, LocalEndPoint, error);
            return;
        }

        var buffer = new byte[64];
        for (var i = 0; i < 16; i++)
        {
            EndPoint from = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            var flags = MsgErrQueue;
            try
            {
                _socket.ReceiveMessageFrom(buffer, ref flags, ref from, out _);
            }
            catch (SocketException)
            {
                return; // queue empty (timed out) or not readable
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var target = (IPEndPoint)from;
            TransportLog.UdpUnreachable(_logger, target, error);
            _onUnreachable(target, error);
        }
    }
}
