using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Testing;

/// <summary>Free loopback ports for servers the tests start (sipp, redis-server, mosquitto, the gateway).</summary>
public static class LoopbackPorts
{
    private static int s_next = 20000 + (Environment.ProcessId % 200) * 100;

    /// <summary>
    /// A port that is free for both UDP and TCP on 127.0.0.1 at the time of the call.
    /// Ports are handed out from a per-process range so parallel test classes do not race for the same one.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 2000; attempt++)
        {
            var port = Interlocked.Increment(ref s_next);
            if (port > 64000)
            {
                Interlocked.Exchange(ref s_next, 20000);
                continue;
            }

            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port found");
    }

    /// <summary>A run of <paramref name="count"/> consecutive ports, each free for UDP and TCP.</summary>
    public static int NextRange(int count)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var first = Interlocked.Add(ref s_next, count) - count + 1;
            if (first + count > 64000)
            {
                Interlocked.Exchange(ref s_next, 20000);
                continue;
            }

            var ok = true;
            for (var p = first; p < first + count && ok; p++)
            {
                ok = IsFree(p);
            }

            if (ok)
            {
                return first;
            }
        }

        throw new InvalidOperationException($"no run of {count} free loopback ports found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
