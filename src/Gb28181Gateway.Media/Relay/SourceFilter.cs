using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// Which sources a leg accepts (<see cref="SourceCheck"/>). The expected source is an immutable object
/// swapped atomically: the receive loop reads it without a lock, the B2BUA sets it from the SDP answer.
/// </summary>
internal sealed class SourceFilter
{
    private readonly SourceCheck _mode;
    private readonly bool _latchBeforeAnswer;
    private readonly AddressFamily _family;
    private Expected? _expected;

    public SourceFilter(SourceCheck mode, bool latchBeforeAnswer, AddressFamily socketFamily)
    {
        _mode = mode;
        _latchBeforeAnswer = latchBeforeAnswer || mode == SourceCheck.Latch;
        _family = socketFamily;
    }

    /// <summary>The device's address from its SDP answer. Ignored in <see cref="SourceCheck.Latch"/> and <see cref="SourceCheck.Off"/>.</summary>
    public void SetRemote(IPEndPoint remote)
    {
        if (_mode is SourceCheck.Latch or SourceCheck.Off)
        {
            return;
        }

        Volatile.Write(ref _expected, new Expected(Serialize(remote), _mode == SourceCheck.AddressAndPort));
    }

    /// <summary>The per-datagram check; allocates only when it latches onto the first source.</summary>
    public bool Accept(SocketAddress source)
    {
        if (_mode == SourceCheck.Off)
        {
            return true;
        }

        var expected = Volatile.Read(ref _expected);
        if (expected is null)
        {
            if (!_latchBeforeAnswer)
            {
                return false;
            }

            var copy = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
            expected = Interlocked.CompareExchange(ref _expected, new Expected(copy, matchPort: true), null) ?? Volatile.Read(ref _expected)!;
        }

        return expected.Matches(source);
    }

    /// <summary>The check for a TCP connection: the address only (the peer's port is ephemeral).</summary>
    public bool AcceptConnection(IPEndPoint remote)
    {
        if (_mode == SourceCheck.Off)
        {
            return true;
        }

        var address = Serialize(remote);
        var expected = Volatile.Read(ref _expected);
        if (expected is null)
        {
            if (!_latchBeforeAnswer)
            {
                return false;
            }

            expected = Interlocked.CompareExchange(ref _expected, new Expected(address, matchPort: false), null) ?? Volatile.Read(ref _expected)!;
        }

        return Expected.SameAddress(expected.Address, address);
    }

    private SocketAddress Serialize(IPEndPoint endPoint)
    {
        if (_family == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            endPoint = new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
        }

        return endPoint.Serialize();
    }

    private sealed class Expected(SocketAddress address, bool matchPort)
    {
        public SocketAddress Address { get; } = address;

        public bool Matches(SocketAddress source) =>
            matchPort ? SamePort(Address, source) && SameAddress(Address, source) : SameAddress(Address, source);

        // sockaddr_in / sockaddr_in6: port at bytes 2-3 on every platform .NET runs on; the address at 4-7 (IPv4)
        // or 8-23 (IPv6). Comparing bytes avoids building an IPEndPoint per datagram.
        public static bool SameAddress(SocketAddress a, SocketAddress b)
        {
            if (a.Family != b.Family)
            {
                return false;
            }

            var (offset, length) = a.Family == AddressFamily.InterNetworkV6 ? (8, 16) : (4, 4);
            if (a.Size < offset + length || b.Size < offset + length)
            {
                return false;
            }

            return a.Buffer.Span.Slice(offset, length).SequenceEqual(b.Buffer.Span.Slice(offset, length));
        }

        private static bool SamePort(SocketAddress a, SocketAddress b) =>
            a.Buffer.Span[2] == b.Buffer.Span[2] && a.Buffer.Span[3] == b.Buffer.Span[3];
    }
}
