using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>How <see cref="MqttClient"/> connects and behaves. Checked by <see cref="Validate"/> when the client is created.</summary>
public sealed class MqttClientOptions
{
    /// <summary>Broker host name or IP address.</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 1883;

    /// <summary>Client identifier. Empty lets the broker assign one, which requires <see cref="CleanSession"/>.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>User name; null or empty sends none.</summary>
    public string? Username { get; set; }

    /// <summary>Password (sent as UTF-8); null or empty sends none. Requires <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// True: the broker starts a new session on every connection, and the client renews its subscriptions.
    /// False: the broker keeps subscriptions and QoS 1/2 messages across disconnections (needs a fixed <see cref="ClientId"/>).
    /// </summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>MQTT keep alive, whole seconds up to 65535; zero turns it off.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for PINGRESP before the connection is declared dead.</summary>
    public TimeSpan PingResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit for TCP connect, TLS handshake and CONNACK together.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The last will: published by the broker when the connection is lost without DISCONNECT.</summary>
    public MqttApplicationMessage? Will { get; set; }

    /// <summary>First reconnect delay; doubled after every failed attempt up to <see cref="ReconnectDelayMax"/>, with jitter.</summary>
    public TimeSpan ReconnectDelayMin { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages accepted but not yet written (while disconnected, or while the in-flight window is full).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>QoS 1 messages written and waiting for PUBACK at the same time.</summary>
    public int MaxInFlight { get; set; } = 100;

    /// <summary>Received messages waiting in <see cref="IMqttClient.Messages"/> before the client stops reading from the broker.</summary>
    public int InboundCapacity { get; set; } = 1_000;

    /// <summary>Largest packet accepted from the broker, in bytes; a larger one closes the connection.</summary>
    public int MaxPacketSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Connect with TLS (port 8883 usually).</summary>
    public bool UseTls { get; set; }

    /// <summary>Name checked against the broker certificate; defaults to <see cref="Host"/>.</summary>
    public string? TlsTargetHost { get; set; }

    /// <summary>Custom certificate check (e.g. pinning a private CA); null uses the system trust store.</summary>
    public RemoteCertificateValidationCallback? TlsCertificateValidation { get; set; }

    public X509CertificateCollection? TlsClientCertificates { get; set; }

    internal string Broker => $"{Host}:{Port}";

    /// <summary>Checks every value; the message names the offending property.</summary>
    /// <exception cref="ArgumentException">An option is out of range or inconsistent with another.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw Invalid(nameof(Host), "is empty; set the broker host name or address");
        }

        if (Port is < 1 or > 65535)
        {
            throw Invalid(nameof(Port), $"is {Port}; it must be 1-65535");
        }

        ArgumentNullException.ThrowIfNull(ClientId, nameof(ClientId));
        if (MqttTopic.GetStringError(ClientId, allowEmpty: true) is { } idError)
        {
            throw Invalid(nameof(ClientId), idError);
        }

        if (ClientId.Length == 0 && !CleanSession)
        {
            throw Invalid(nameof(ClientId), "is empty, which MQTT allows only with CleanSession = true (MQTT-3.1.3-7)");
        }

        if (!string.IsNullOrEmpty(Username) && MqttTopic.GetStringError(Username, allowEmpty: false) is { } userError)
        {
            throw Invalid(nameof(Username), userError);
        }

        if (!string.IsNullOrEmpty(Password))
        {
            if (string.IsNullOrEmpty(Username))
            {
                throw Invalid(nameof(Password), "is set without a Username, which MQTT 3.1.1 does not allow (MQTT-3.1.2-22)");
            }

            if (Encoding.UTF8.GetByteCount(Password) > ushort.MaxValue)
            {
                throw Invalid(nameof(Password), $"is longer than {ushort.MaxValue} UTF-8 bytes");
            }
        }

        if (KeepAlive < TimeSpan.Zero || KeepAlive > TimeSpan.FromSeconds(ushort.MaxValue) || KeepAlive.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(nameof(KeepAlive), $"is {KeepAlive}; it must be whole seconds from 0 (off) to 65535");
        }

        RequirePositive(PingResponseTimeout, nameof(PingResponseTimeout));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(ReconnectDelayMin, nameof(ReconnectDelayMin));
        if (ReconnectDelayMax < ReconnectDelayMin)
        {
            throw Invalid(nameof(ReconnectDelayMax), $"is {ReconnectDelayMax}, below ReconnectDelayMin ({ReconnectDelayMin})");
        }

        if (Will is not null && Will.Payload.Length > ushort.MaxValue)
        {
            throw Invalid(nameof(Will), $"payload is {Will.Payload.Length} bytes; a will carries at most {ushort.MaxValue}");
        }

        RequireRange(QueueCapacity, 1, int.MaxValue, nameof(QueueCapacity));
        RequireRange(MaxInFlight, 1, 65_000, nameof(MaxInFlight));
        RequireRange(InboundCapacity, 1, int.MaxValue, nameof(InboundCapacity));
        RequireRange(MaxPacketSize, 64, MqttFrameScanner.MaxRemainingLength + MqttFrameScanner.MaxFixedHeaderLength, nameof(MaxPacketSize));
    }

    /// <summary>A copy, so later changes to the caller's instance do not reach a running client.</summary>
    internal MqttClientOptions Clone() => (MqttClientOptions)MemberwiseClone();

    internal MqttConnectPacket ToConnectPacket() => new(
        ClientId,
        CleanSession,
        (ushort)KeepAlive.TotalSeconds,
        string.IsNullOrEmpty(Username) ? null : Username,
        string.IsNullOrEmpty(Password) ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(Password),
        Will);

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw Invalid(name, $"is {value}; it must be positive");
        }
    }

    private static void RequireRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw Invalid(name, $"is {value}; it must be {min}-{max}");
        }
    }

    private static ArgumentException Invalid(string property, string problem) =>
        new($"MqttClientOptions.{property} {problem}.", property);
}
