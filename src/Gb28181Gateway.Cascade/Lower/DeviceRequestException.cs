namespace Gb28181Gateway.Cascade.Lower;

public enum DeviceRequestError
{
    /// <summary>No device with that ID is registered.</summary>
    UnknownDevice,

    /// <summary>The device is registered but offline.</summary>
    Offline,

    /// <summary>The device answered the MESSAGE with a non-2xx status (<see cref="DeviceRequestException.SipStatus"/>).</summary>
    Rejected,

    /// <summary>No (complete) answer within the query timeout.</summary>
    Timeout,

    /// <summary>The answer could not be parsed or did not match the request.</summary>
    BadAnswer,
}

/// <summary>A request to a device failed; <see cref="Error"/> says how, the message says why in words.</summary>
public sealed class DeviceRequestException : Exception
{
    public DeviceRequestException(string deviceId, DeviceRequestError error, string message, int sipStatus = 0, Exception? innerException = null)
        : base(message, innerException)
    {
        DeviceId = deviceId;
        Error = error;
        SipStatus = sipStatus;
    }

    public DeviceRequestException()
        : this(string.Empty, DeviceRequestError.BadAnswer, "device request failed")
    {
    }

    public DeviceRequestException(string message)
        : this(string.Empty, DeviceRequestError.BadAnswer, message)
    {
    }

    public DeviceRequestException(string message, Exception innerException)
        : this(string.Empty, DeviceRequestError.BadAnswer, message, 0, innerException)
    {
    }

    public string DeviceId { get; }

    public DeviceRequestError Error { get; }

    /// <summary>The device's SIP status for <see cref="DeviceRequestError.Rejected"/>, else 0.</summary>
    public int SipStatus { get; }
}
