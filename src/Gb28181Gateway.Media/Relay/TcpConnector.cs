using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Relay;

/// <summary>The connect of a TCP-active leg: from the leg's bound port, with the relay's timeout.</summary>
internal static class TcpConnector
{
    public static async Task ConnectAsync(Socket socket, int localPort, IPEndPoint remote, int timeoutSeconds, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (socket.AddressFamily == AddressFamily.InterNetworkV6 && remote.AddressFamily == AddressFamily.InterNetwork)
        {
            remote = new IPEndPoint(remote.Address.MapToIPv6(), remote.Port);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaConnectException(localPort, remote, $"no answer within {timeoutSeconds} s", ex);
        }
        catch (OperationCanceledException ex)
        {
            throw new MediaConnectException(localPort, remote, "cancelled", ex);
        }
        catch (SocketException ex)
        {
            throw new MediaConnectException(localPort, remote, ex.SocketErrorCode.ToString(), ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new ObjectDisposedException("the leg closed while connecting", ex);
        }
    }

    /// <summary>
    /// Closes a connection the relay ends (teardown, garbage, refusal) with a reset instead of a FIN, so no
    /// TIME_WAIT keeps the media port from being bound again by the next session.
    /// </summary>
    public static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
