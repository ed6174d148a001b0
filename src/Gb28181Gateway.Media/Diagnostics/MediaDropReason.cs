namespace Gb28181Gateway.Media;

/// <summary>Why the relay did not forward a packet (the <c>reason</c> label of <c>gb28181_rtp_dropped_packets</c>).</summary>
public enum MediaDropReason
{
    /// <summary><c>malformed</c>: not RTP version 2, shorter than its header, or a header that does not fit.</summary>
    Malformed,

    /// <summary><c>rtcp</c>: an RTCP packet on the RTP port or connection; the relay does not forward RTCP.</summary>
    Rtcp,

    /// <summary><c>unexpected_source</c>: a datagram (or a TCP connection) from an address the device leg does not accept.</summary>
    UnexpectedSource,

    /// <summary><c>framing_error</c>: a TCP connection sent bytes that are not RTP framing; the connection was closed.</summary>
    FramingError,

    /// <summary><c>not_connected</c>: for a platform leg whose address is not set yet or whose TCP connection is not up.</summary>
    NotConnected,

    /// <summary><c>egress_overflow</c>: a TCP platform leg's backlog was full (the platform reads too slowly).</summary>
    EgressOverflow,

    /// <summary><c>send_error</c>: the operating system refused the send.</summary>
    SendError,
}

internal static class MediaDropReasons
{
    public const int Count = (int)MediaDropReason.SendError + 1;

    private static readonly string[] s_labels =
        ["malformed", "rtcp", "unexpected_source", "framing_error", "not_connected", "egress_overflow", "send_error"];

    public static string Label(MediaDropReason reason) => s_labels[(int)reason];
}
