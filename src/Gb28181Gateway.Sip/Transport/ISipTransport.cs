using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>
/// What the transaction layer needs from a transport: send a message to a target, send a response back the
/// way §18.2.2 says, advertise a local address, and deliver what arrives. <see cref="SipTransport"/> is the
/// socket implementation; transaction timer tests use an in-memory one.
/// </summary>
internal interface ISipTransport
{
    /// <summary>Sets the one receiver of parsed messages. Called once, before the transport starts delivering.</summary>
    void Attach(ISipMessageReceiver receiver);

    /// <summary>Sends a request (or an ACK for a 2xx) to <paramref name="target"/>. Throws <see cref="SipTransportException"/> on failure.</summary>
    ValueTask SendAsync(SipOutboundMessage message, SipEndPoint target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a response to a request that came from <paramref name="requestSource"/>: over TCP on that connection
    /// while it is open, else to the top Via's received address and sent-by port; over UDP to received and rport
    /// (or the sent-by port). Throws <see cref="SipTransportException"/> on failure.
    /// </summary>
    ValueTask SendResponseAsync(SipOutboundMessage response, SipEndPoint requestSource, CancellationToken cancellationToken = default);

    /// <summary>The host and port to put in Via and Contact for messages to <paramref name="target"/>.</summary>
    SipHostPort GetLocalAddress(SipEndPoint target);
}

/// <summary>Where a transport delivers the messages it parsed (the transaction layer). Called on the receive loop: do not block.</summary>
internal interface ISipMessageReceiver
{
    /// <summary>A request whose top Via already carries received/rport (§18.2.1, RFC 3581).</summary>
    void OnRequest(SipRequest request, SipEndPoint source);

    void OnResponse(SipResponse response, SipEndPoint source);
}

/// <summary>Optional: told when a UDP destination reported unreachable (ICMP), so transactions towards it fail.</summary>
internal interface ISipTransportErrorReceiver
{
    void OnUnreachable(SipEndPoint target, string error);
}
