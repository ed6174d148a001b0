using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// How a TCP leg (device or platform) gets and gives up its connection; the leg itself decides what a
/// connection is and what its read loop does. Passive: the leg's port listens from <see cref="Start"/> (at the leg's creation) and a
/// <see cref="TcpAcceptor"/> hands each connection the leg's <see cref="SourceFilter"/> accepts to the leg's
/// adopt callback. Active: <see cref="ConnectAsync"/> connects once from the leg's bound port.
/// </summary>
internal sealed class TcpLegLink
{
    private readonly MediaLeg _leg;
    private readonly SourceFilter _filter;
    private readonly Func<Socket, IPEndPoint, bool> _adopt;
    private readonly TcpAcceptor? _acceptor;
    private int _connectStarted;
    private int _closed;

    /// <param name="adopt">Takes a connection (true), or refuses it because the leg has one or is closed (false).</param>
    /// <param name="refused">Counts and logs a passive connection that was refused.</param>
    public TcpLegLink(MediaLeg leg, SourceFilter filter, Func<Socket, IPEndPoint, bool> adopt, Action<IPEndPoint> refused)
    {
        _leg = leg;
        _filter = filter;
        _adopt = adopt;
        if (leg.Transport == MediaTransport.TcpPassive)
        {
            _acceptor = new TcpAcceptor(leg.Lease.Socket, filter, adopt, refused, leg.Relay.TimeProvider);
        }
    }

    /// <summary>Passive: starts listening and accepting. Called once the leg holds this link (its callbacks use it).</summary>
    public void Start() => _acceptor?.Start();

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Passive: only connections from <paramref name="remote"/>'s address are accepted from now on. Active:
    /// connects to <paramref name="remote"/> (once per leg) and adopts the connection; false when the leg
    /// closed meanwhile.
    /// </summary>
    /// <param name="retryHint">What the caller should do instead of connecting again, for the error message.</param>
    public async Task<bool> ConnectAsync(IPEndPoint remote, string retryHint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsClosed, _leg);
        if (_leg.Transport == MediaTransport.TcpPassive)
        {
            _filter.SetRemote(remote);
            _leg.RemoteEndPoint ??= remote;
            return true;
        }

        if (Interlocked.Exchange(ref _connectStarted, 1) != 0)
        {
            throw new InvalidOperationException($"the {Role} leg on port {_leg.LocalPort} already connected (or tried to); {retryHint}");
        }

        _leg.RemoteEndPoint = remote;
        var socket = _leg.Lease.Socket;
        await TcpConnector.ConnectAsync(socket, _leg.LocalPort, remote, _leg.Relay.Options.ConnectTimeoutSeconds, _leg.Relay.TimeProvider, cancellationToken).ConfigureAwait(false);
        return _adopt(socket, remote);
    }

    /// <summary>Under the leg's lock, in its adopt callback: whether it may take <paramref name="socket"/>; if so, prepares it.</summary>
    public bool TryAdopt(Socket socket, IPEndPoint remote, bool hasConnection)
    {
        if (hasConnection || IsClosed)
        {
            return false;
        }

        socket.NoDelay = true;
        if (_leg.Transport == MediaTransport.TcpPassive)
        {
            _leg.RemoteEndPoint = remote;
        }

        return true;
    }

    /// <summary>Marks the leg closed: no connection is adopted from now on. False when it already was.</summary>
    public bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <summary>
    /// After <see cref="TryClose"/> and aborting the current connection: closes the leg's own socket (the
    /// listener, or the connection of an active leg), waits for the read loop and the accept loop to end and
    /// returns the port to the pool.
    /// </summary>
    public async ValueTask ReleaseAsync(Task readLoop)
    {
        _leg.Lease.Socket.Dispose();
        await readLoop.ConfigureAwait(false);
        if (_acceptor is not null)
        {
            await _acceptor.Completion.ConfigureAwait(false);
        }

        _leg.Lease.Dispose();
    }

    private string Role => _leg is DeviceLeg ? "device" : "platform";
}
