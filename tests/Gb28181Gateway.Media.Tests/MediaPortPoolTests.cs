using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Media.Ports;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Media.Tests;

public sealed class MediaPortPoolTests
{
    [Theory]
    [InlineData(MediaTransport.Udp)]
    [InlineData(MediaTransport.TcpPassive)]
    [InlineData(MediaTransport.TcpActive)]
    public void A_rented_port_is_already_bound_so_nobody_else_can_take_it(MediaTransport transport)
    {
        var first = LoopbackPorts.NextRange(2);
        var pool = new MediaPortPool(IPAddress.Loopback, first, first + 1);
        using var lease = pool.Rent(transport);

        Assert.True(lease.Socket.IsBound);
        Assert.Equal(lease.Port, ((IPEndPoint)lease.Socket.LocalEndPoint!).Port);
        using var intruder = transport == MediaTransport.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var ex = Assert.Throws<SocketException>(() => intruder.Bind(new IPEndPoint(IPAddress.Loopback, lease.Port)));
        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    [Theory]
    [InlineData(MediaTransport.Udp)]
    [InlineData(MediaTransport.TcpPassive)]
    [InlineData(MediaTransport.TcpActive)]
    public void Ports_busy_in_the_system_are_skipped(MediaTransport transport)
    {
        // Busy = another service on the port: a UDP socket, or a TCP listener. (A TCP socket .NET bound without
        // listening or connecting cannot be detected: .NET sets SO_REUSEADDR on both, and Linux lets them share.)
        var first = LoopbackPorts.NextRange(3);
        using var squatter = transport == MediaTransport.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, first));
        if (transport != MediaTransport.Udp)
        {
            squatter.Listen();
        }
        var pool = new MediaPortPool(IPAddress.Loopback, first, first + 2);

        using var a = pool.Rent(transport);
        using var b = pool.Rent(transport);

        Assert.Equal([first + 1, first + 2], new[] { a.Port, b.Port });
        var ex = Assert.Throws<MediaPortsExhaustedException>(() => pool.Rent(transport));
        Assert.Contains("2 in use by relay sessions, 1 busy in the system", ex.Message);
        Assert.Equal(2, pool.InUse);
    }

    [Fact]
    public void Exhaustion_is_a_distinct_exception_naming_the_range_and_allocates_nothing()
    {
        var first = LoopbackPorts.NextRange(2);
        var pool = new MediaPortPool(IPAddress.Loopback, first, first + 1);
        using var a = pool.Rent(MediaTransport.Udp);
        using var b = pool.Rent(MediaTransport.TcpPassive);

        var ex = Assert.Throws<MediaPortsExhaustedException>(() => pool.Rent(MediaTransport.Udp));

        Assert.Equal(first, ex.PortMin);
        Assert.Equal(first + 1, ex.PortMax);
        Assert.Contains($"{first}-{first + 1} on 127.0.0.1", ex.Message);
        Assert.Equal(2, pool.InUse);
    }

    [Fact]
    public void A_returned_port_is_bindable_again_and_reused_only_after_the_others()
    {
        var first = LoopbackPorts.NextRange(3);
        var pool = new MediaPortPool(IPAddress.Loopback, first, first + 2);
        var a = pool.Rent(MediaTransport.Udp);
        using var b = pool.Rent(MediaTransport.Udp);
        a.Dispose();
        a.Dispose();   // idempotent: the port is returned once

        using var c = pool.Rent(MediaTransport.Udp);
        using var d = pool.Rent(MediaTransport.Udp);

        Assert.Equal(first + 2, c.Port);   // the search goes on after the last port handed out
        Assert.Equal(first, d.Port);       // then wraps to the released one
        Assert.Equal(3, pool.InUse);
    }

    [Fact]
    public void An_invalid_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaPortPool(IPAddress.Loopback, 30010, 30000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaPortPool(IPAddress.Loopback, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaPortPool(IPAddress.Loopback, 65000, 65536));
    }
}
