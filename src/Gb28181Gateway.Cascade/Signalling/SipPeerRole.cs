namespace Gb28181Gateway.Cascade.Signalling;

/// <summary>Who sent a request to the gateway.</summary>
public enum SipPeerRole
{
    /// <summary>A camera, NVR or lower platform registered below.</summary>
    Device,

    /// <summary>A configured superior platform.</summary>
    Platform,
}

/// <summary>A request from a device below, or from a platform above (then <c>Platform</c> is its configured name).</summary>
public delegate Task GatewayRequestHandler(GatewayRequest request);

/// <summary>An incoming SIP request with the peer it was attributed to.</summary>
public sealed record GatewayRequest(Sip.UserAgent.SipIncomingRequest Sip, SipPeerRole Role, string? Platform)
{
    /// <summary>The user part of From: the sender's 20-digit ID for GB peers.</summary>
    public string SenderId => Sip.Request.From.Uri.User ?? string.Empty;
}
