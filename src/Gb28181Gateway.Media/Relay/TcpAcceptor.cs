using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// The accept loop of a TCP-passive leg. One connection at a time: a connection arriving while the leg has
/// one, or from an address the leg's <see cref="SourceFilter"/> refuses, is closed at once; after the
/// current connection ends, the next one is accepted (a peer that reconnects).
/// </summary>
internal sealed class TcpAcceptor
{
    private readonly Socket _listener;
    private readonly SourceFilter _filter;
    private readonly Func<Socket, IPEndPoint, bool> _adopt;
    private readonly Action<IPEndPoint> _refused;
    private readonly TimeProvider _timeProvider;
    private Task _loop = Task.CompletedTask;

    /// <param name="adopt">Takes the connection (true), or refuses it because the leg has one (false).</param>
    /// <param name="refused">Counts and logs a refused connection.</param>
    public TcpAcceptor(Socket listener, SourceFilter filter, Func<Socket, IPEndPoint, bool> adopt, Action<IPEndPoint> refused, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _listener = listener;
        _filter = filter;
        _adopt = adopt;
        _refused = refused;
    }

    public void Start()
    {
        _listener.Listen(4);
        _loop = AcceptLoopAsync();
    }

    /// <summary>Completes after the listening socket was closed by the leg.</summary>
    public Task Completion => _loop;

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        while (true)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown or SocketError.NotSocket or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionAborted)
            {
                continue;   // the peer reset before accept completed
            }
            catch (SocketException)
            {
                // Out of descriptors or buffers: do not spin, try again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _timeProvider).ConfigureAwait(false);
                continue;
            }

            var remote = connection.RemoteEndPoint as IPEndPoint;
            if (remote is null || !_filter.AcceptConnection(remote) || !_adopt(connection, remote))
            {
                _refused(remote ?? new IPEndPoint(IPAddress.None, 0));
                TcpConnector.Abort(connection);
            }
        }
    }
}
