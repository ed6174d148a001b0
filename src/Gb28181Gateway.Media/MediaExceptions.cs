using System.Net;

namespace Gb28181Gateway.Media;

/// <summary>
/// No media port of <c>[PortMin, PortMax]</c> could be bound: every port is in use by a session or busy in the
/// system. Nothing was allocated. A B2BUA answers the INVITE with 503 Service Unavailable.
/// </summary>
public sealed class MediaPortsExhaustedException : Exception
{
    public MediaPortsExhaustedException()
        : base("no free media port")
    {
    }

    public MediaPortsExhaustedException(string message)
        : base(message)
    {
    }

    public MediaPortsExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal MediaPortsExhaustedException(int portMin, int portMax, IPAddress address, int inUse, int busy)
        : base($"no free media port in {portMin}-{portMax} on {address}: {inUse} in use by relay sessions, {busy} busy in the system")
    {
        PortMin = portMin;
        PortMax = portMax;
    }

    public int PortMin { get; }

    public int PortMax { get; }
}

/// <summary>A TCP-active leg could not connect to its peer (refused, unreachable, timed out, cancelled).</summary>
public sealed class MediaConnectException : IOException
{
    public MediaConnectException()
        : base("media connection failed")
    {
    }

    public MediaConnectException(string message)
        : base(message)
    {
    }

    public MediaConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal MediaConnectException(int localPort, IPEndPoint remote, string reason, Exception? innerException)
        : base($"RTP over TCP from local port {localPort} to {remote} failed: {reason}", innerException)
    {
        RemoteEndPoint = remote;
    }

    public IPEndPoint? RemoteEndPoint { get; }
}
