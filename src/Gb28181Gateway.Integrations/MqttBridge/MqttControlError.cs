namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>
/// Error codes of the control protocol: the JSON-RPC 2.0 codes for malformed requests, and the JSON-RPC
/// "server error" range (-32000 to -32099) for what went wrong with a well-formed one. README.md lists them.
/// </summary>
internal static class MqttControlError
{
    /// <summary>The payload is not JSON, or not a JSON object.</summary>
    public const int ParseError = -32700;

    /// <summary>JSON object, but not a request: no method, or id/replyTo/params of the wrong type.</summary>
    public const int InvalidRequest = -32600;

    public const int MethodNotFound = -32601;

    /// <summary>A parameter is missing, of the wrong type or out of range.</summary>
    public const int InvalidParams = -32602;

    /// <summary>An unexpected failure in the gateway (logged with the request's id).</summary>
    public const int Internal = -32603;

    /// <summary>No device with that ID is known.</summary>
    public const int UnknownDevice = -32001;

    /// <summary>The device is known but offline.</summary>
    public const int DeviceOffline = -32002;

    /// <summary>The device did not answer in time.</summary>
    public const int DeviceTimeout = -32003;

    /// <summary>The device refused the request (its SIP status is in the message).</summary>
    public const int DeviceRejected = -32004;

    /// <summary>The device answered something the gateway could not use.</summary>
    public const int DeviceBadAnswer = -32005;

    /// <summary>The device reports no channel with that ID.</summary>
    public const int UnknownChannel = -32006;

    /// <summary>No media session with that ID.</summary>
    public const int UnknownSession = -32007;

    /// <summary>The part of the gateway the method needs is not running in this instance.</summary>
    public const int Unavailable = -32008;

    /// <summary>The gateway could not do what was asked (e.g. the stream could not be set up).</summary>
    public const int Failed = -32009;
}

/// <summary>A control request failed in a way the requester is told about with <see cref="Code"/>.</summary>
internal sealed class MqttControlException : Exception
{
    public MqttControlException(int code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public MqttControlException()
        : this(MqttControlError.Internal, "control request failed")
    {
    }

    public MqttControlException(string message)
        : this(MqttControlError.Internal, message)
    {
    }

    public MqttControlException(string message, Exception innerException)
        : this(MqttControlError.Internal, message, innerException)
    {
    }

    public int Code { get; }

    public static MqttControlException InvalidParams(string message) => new(MqttControlError.InvalidParams, message);
}
