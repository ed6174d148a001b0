using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>
/// A loopback TCP relay between the client and a real broker, to inject network faults the client cannot see coming:
/// a black hole (bytes in either direction silently dropped, sockets left open) and an abrupt reset of every connection.
/// </summary>
internal sealed class MqttTcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(Socket Client, Socket Broker)> _pairs = [];
    private readonly Task _accepting;
    private volatile bool _blackhole;
    private long _dropped;

    public MqttTcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        Port = LoopbackPorts.Next();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Bytes dropped by the black hole so far.</summary>
    public long DroppedBytes => Interlocked.Read(ref _dropped);

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>While true, every byte read from either side is dropped instead of forwarded.</summary>
    public bool Blackhole
    {
        get => _blackhole;
        set => _blackhole = value;
    }

    /// <summary>Resets every relayed connection on both sides (TCP RST, no FIN, no DISCONNECT).</summary>
    public void ResetAll()
    {
        List<(Socket Client, Socket Broker)> pairs;
        lock (_gate)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }

        foreach (var (client, broker) in pairs)
        {
            Reset(client);
            Reset(broker);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        ResetAll();
        await _accepting;
        _stop.Dispose();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var broker = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await broker.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                Reset(client);
                broker.Dispose();
                continue;
            }

            lock (_gate)
            {
                _pairs.Add((client, broker));
                Accepted++;
            }

            _ = PumpAsync(client, broker);
            _ = PumpAsync(broker, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (_blackhole)
                {
                    Interlocked.Add(ref _dropped, read);
                }
                else
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Reset(to);
        }
    }
}
