namespace Gb28181Gateway.Media;

/// <summary>How one leg of a relay session carries RTP (the SDP's <c>RTP/AVP</c> or <c>TCP/RTP/AVP</c> + <c>a=setup</c>).</summary>
public enum MediaTransport
{
    /// <summary>RTP over UDP. The gateway receives (device leg) or sends (platform leg) on its own port.</summary>
    Udp,

    /// <summary>RTP over TCP (RFC 4571), the gateway listens on its port and the peer connects (gateway answers/offers <c>a=setup:passive</c>).</summary>
    TcpPassive,

    /// <summary>RTP over TCP (RFC 4571), the gateway connects to the peer from its advertised port (<c>a=setup:active</c>).</summary>
    TcpActive,
}

/// <summary>Which packets a UDP device leg accepts, and which connections a TCP-passive device leg accepts.</summary>
public enum SourceCheck
{
    /// <summary>
    /// Default. Once the device's address is known (<see cref="MediaLeg.ConnectAsync"/>), only packets from
    /// that IP address are accepted, from any port. Before that, see <see cref="MediaOptions.LatchBeforeAnswer"/>.
    /// </summary>
    Address,

    /// <summary>Like <see cref="Address"/>, and for UDP the source port must be the device's SDP port too.</summary>
    AddressAndPort,

    /// <summary>
    /// The first source (IP and port; for TCP the first connection's IP) is the only one accepted, whatever the
    /// device's SDP says. For devices behind NAT whose SDP carries a private address.
    /// </summary>
    Latch,

    /// <summary>Every source is accepted. Only for trusted networks.</summary>
    Off,
}

/// <summary>How a UDP device leg waits for its datagrams (both allocate nothing per packet).</summary>
public enum UdpReceiveMode
{
    /// <summary>
    /// Default. A dedicated thread per UDP device leg, blocked in <c>recvmmsg</c> (Linux, up to
    /// <see cref="MediaOptions.UdpBatch"/> datagrams per call, forwarded with one <c>sendmmsg</c> per UDP platform
    /// leg) or <c>recvfrom</c> (UdpBatch = 1, other systems): the kernel wakes exactly the thread whose socket has
    /// data, which then forwards the packets itself. Costs one thread (small stack) per session; CPU per packet
    /// measured against a C epoll relay in the media README.
    /// </summary>
    Thread,

    /// <summary>
    /// An async loop per UDP device leg (<c>ReceiveFromAsync</c> with a reused <c>SocketAddress</c>) on the
    /// thread pool: no thread per session, but every datagram goes from the socket engine's epoll thread to a
    /// thread-pool worker, which costs several times the CPU per packet.
    /// </summary>
    Async,
}
