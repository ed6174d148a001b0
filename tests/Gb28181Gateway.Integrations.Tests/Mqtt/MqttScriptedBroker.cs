using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>
/// A loopback "broker" that answers each connection's CONNECT with scripted bytes, for answers a real mosquitto will
/// not give (every CONNACK return code, malformed packets, silence). Connections stay open until the broker is disposed.
/// </summary>
internal sealed class MqttScriptedBroker : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<int, byte[]?> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private int _accepted;

    /// <param name="answer">Bytes to send after the CONNECT of the n-th connection (0-based); null sends nothing.</param>
    public MqttScriptedBroker(Func<int, byte[]?> answer)
    {
        _answer = answer;
        Port = LoopbackPorts.Next();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections whose CONNECT was read so far.</summary>
    public int Connects => Volatile.Read(ref _accepted);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_gate)
            {
                _sockets.Add(socket);
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            // Fixed header, then the Remaining Length worth of CONNECT body.
            var first = await ReadExactlyAsync(socket, 1);
            if (first[0] != 0x10)
            {
                return;
            }

            int remaining = 0, shift = 0;
            byte digit;
            do
            {
                digit = (await ReadExactlyAsync(socket, 1))[0];
                remaining |= (digit & 0x7F) << shift;
                shift += 7;
            }
            while ((digit & 0x80) != 0);

            await ReadExactlyAsync(socket, remaining);
            var index = Interlocked.Increment(ref _accepted) - 1;
            if (_answer(index) is { } answer)
            {
                await socket.SendAsync(answer, SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
            // The client went away or the test ended.
        }
    }

    private async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }

        return buffer;
    }
}
