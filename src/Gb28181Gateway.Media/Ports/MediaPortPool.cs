using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Ports;

/// <summary>
/// The media ports <c>[PortMin, PortMax]</c> on the listen address. A port is handed out only with a socket
/// already bound to it, so it can be advertised in SDP safely; ports another process holds are skipped; the
/// search starts after the last port handed out, so a port just released is the last to be reused (late
/// packets of an old session do not reach a new one).
/// </summary>
internal sealed class MediaPortPool
{
    private readonly IPAddress _address;
    private readonly bool[] _inUse;
    private readonly Lock _gate = new();
    private int _next;
    private int _inUseCount;

    public MediaPortPool(IPAddress address, int portMin, int portMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(portMin, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(portMax, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(portMax, portMin);
        _address = address;
        PortMin = portMin;
        PortMax = portMax;
        _inUse = new bool[portMax - portMin + 1];
    }

    public int PortMin { get; }

    public int PortMax { get; }

    public int Capacity => _inUse.Length;

    public int InUse => Volatile.Read(ref _inUseCount);

    /// <summary>Binds a socket for <paramref name="transport"/> to the next free port.</summary>
    /// <exception cref="MediaPortsExhaustedException">Every port is in use or busy; nothing was allocated.</exception>
    public PortLease Rent(MediaTransport transport)
    {
        lock (_gate)
        {
            var busy = 0;
            for (var i = 0; i < _inUse.Length; i++)
            {
                var index = _next;
                _next = index + 1 == _inUse.Length ? 0 : index + 1;
                if (_inUse[index])
                {
                    continue;
                }

                var port = PortMin + index;
                var socket = TryBind(transport, port);
                if (socket is null)
                {
                    busy++;
                    continue;
                }

                _inUse[index] = true;
                _inUseCount++;
                return new PortLease(this, port, socket);
            }

            throw new MediaPortsExhaustedException(PortMin, PortMax, _address, _inUseCount, busy);
        }
    }

    internal void Return(int port)
    {
        lock (_gate)
        {
            var index = port - PortMin;
            if (!_inUse[index])
            {
                throw new InvalidOperationException($"media port {port} returned twice");
            }

            _inUse[index] = false;
            _inUseCount--;
        }
    }

    private Socket? TryBind(MediaTransport transport, int port)
    {
        var socket = transport == MediaTransport.Udp
            ? new Socket(_address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(_address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(_address, port));
            if (transport != MediaTransport.Udp)
            {
                // .NET's Bind sets SO_REUSEADDR on TCP sockets (so TIME_WAIT does not block a rebind), which would
                // let another socket bind this port while the leg is not listening yet (TCP-active before it
                // connects). Cleared after the bind, the port is ours alone until the lease ends.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
            }

            return socket;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            socket.Dispose();
            return null;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A port of the pool with the socket bound to it; disposing closes the socket and returns the port.</summary>
internal sealed class PortLease : IDisposable
{
    private readonly MediaPortPool _pool;
    private int _disposed;

    internal PortLease(MediaPortPool pool, int port, Socket socket)
    {
        _pool = pool;
        Port = port;
        Socket = socket;
    }

    public int Port { get; }

    /// <summary>The bound socket (UDP, or TCP not yet listening or connected).</summary>
    public Socket Socket { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Socket.Dispose();
        _pool.Return(Port);
    }
}
