namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>Where the client's connection to the broker stands.</summary>
public enum MqttConnectionState
{
    /// <summary>Not started, stopped by <see cref="IMqttClient.DisconnectAsync"/>, or stopped after a refusal that retrying cannot fix.</summary>
    Disconnected,

    /// <summary>Opening the TCP (and TLS) connection and waiting for CONNACK.</summary>
    Connecting,

    /// <summary>CONNACK accepted; messages flow.</summary>
    Connected,

    /// <summary>The connection was lost or an attempt failed; the next attempt starts after <see cref="MqttConnectionStateChangedEventArgs.ReconnectDelay"/>.</summary>
    WaitingToReconnect,
}

/// <summary>A change of <see cref="IMqttClient.State"/>, raised synchronously on the client's connection loop.</summary>
public sealed class MqttConnectionStateChangedEventArgs : EventArgs
{
    public MqttConnectionStateChangedEventArgs(MqttConnectionState previousState, MqttConnectionState state, Exception? error, bool sessionPresent, TimeSpan? reconnectDelay)
    {
        PreviousState = previousState;
        State = state;
        Error = error;
        SessionPresent = sessionPresent;
        ReconnectDelay = reconnectDelay;
    }

    public MqttConnectionState PreviousState { get; }

    public MqttConnectionState State { get; }

    /// <summary>Why the connection was lost or the attempt failed (null for a graceful change).</summary>
    public Exception? Error { get; }

    /// <summary>On <see cref="MqttConnectionState.Connected"/>: the broker kept the session (CONNACK session present).</summary>
    public bool SessionPresent { get; }

    /// <summary>On <see cref="MqttConnectionState.WaitingToReconnect"/>: how long until the next attempt.</summary>
    public TimeSpan? ReconnectDelay { get; }

    public override string ToString() => $"{PreviousState} -> {State}{(Error is null ? "" : ": " + Error.Message)}";
}
