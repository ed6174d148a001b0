using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Tests;

/// <summary>The test's end of a leg: sends packets (as a device) or collects them (as a platform).</summary>
internal interface IPacketSink : IAsyncDisposable
{
    /// <summary>Packets received so far, in order.</summary>
    IReadOnlyList<byte[]> Received { get; }
}

/// <summary>A UDP socket on loopback collecting every datagram it receives.</summary>
internal sealed class UdpPeer : IPacketSink
{
    private readonly List<byte[]> _received = [];
    private readonly Task _loop;

    public UdpPeer(IPAddress? address = null)
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.ReceiveBufferSize = 4 * 1024 * 1024;
        Socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        _loop = ReceiveAsync();
    }

    public Socket Socket { get; }

    public IPEndPoint EndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public IReadOnlyList<byte[]> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public List<EndPoint> Sources { get; } = [];

    public void SendTo(byte[] packet, int port) => Socket.SendTo(packet, new IPEndPoint(IPAddress.Loopback, port));

    public async ValueTask DisposeAsync()
    {
        Socket.Dispose();
        await _loop;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[65536];
        while (true)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await Socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_received)
            {
                _received.Add(buffer.AsSpan(0, result.ReceivedBytes).ToArray());
                Sources.Add(result.RemoteEndPoint);
            }
        }
    }
}

/// <summary>A TCP connection on loopback collecting RFC 4571 frames.</summary>
internal sealed class TcpPeer : IPacketSink
{
    private readonly List<byte[]> _received = [];
    private readonly Task _loop;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TcpPeer(Socket connected)
    {
        Socket = connected;
        _loop = ReceiveAsync();
    }

    public Socket Socket { get; }

    /// <summary>Completes when the relay closed the connection.</summary>
    public Task Closed => _closed.Task;

    public IReadOnlyList<byte[]> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<TcpPeer> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new TcpPeer(socket);
    }

    public async Task SendAsync(byte[] bytes) => await Socket.SendAsync(bytes, SocketFlags.None);

    public async ValueTask DisposeAsync()
    {
        Socket.Dispose();
        await _loop;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4 * 65536];
        var count = 0;
        try
        {
            while (true)
            {
                var n = await Socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                count += n;
                var start = 0;
                while (count - start >= 2)
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start));
                    if (count - start < 2 + length)
                    {
                        break;
                    }

                    lock (_received)
                    {
                        _received.Add(buffer.AsSpan(start + 2, length).ToArray());
                    }

                    start += 2 + length;
                }

                buffer.AsSpan(start, count - start).CopyTo(buffer);
                count -= start;
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
        }

        _closed.TrySetResult();
    }
}

/// <summary>A listening socket standing for a TCP-passive device or platform (the relay's active leg connects to it).</summary>
internal sealed class TcpListenerPeer : IDisposable
{
    public TcpListenerPeer()
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket.Listen(4);
    }

    public Socket Socket { get; }

    public IPEndPoint EndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public async Task<TcpPeer> AcceptAsync()
    {
        var accepted = await Socket.AcceptAsync().WaitAsync(Wait.Timeout);
        accepted.NoDelay = true;
        return new TcpPeer(accepted);
    }

    public void Dispose() => Socket.Dispose();
}
