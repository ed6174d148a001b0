namespace Gb28181Gateway.Cascade.Configuration;

/// <summary>The <c>Gateway</c> configuration section (see README, "Configuration reference").</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Names this gateway in MQTT topics and Redis keys; several gateways may share one Redis.</summary>
    public string InstanceId { get; set; } = "gw-1";

    public SipOptions Sip { get; set; } = new();

    public MediaOptions Media { get; set; } = new();

    public List<PlatformOptions> Platforms { get; set; } = [];

    public RedisOptions Redis { get; set; } = new();

    public MqttOptions Mqtt { get; set; } = new();

    public HttpOptions Http { get; set; } = new();
}

/// <summary>The lower domain: where devices register.</summary>
public sealed class SipOptions
{
    public string DeviceId { get; set; } = "34020000002000000001";

    /// <summary>The SIP domain (first 10 digits of the ID), also the digest realm.</summary>
    public string Domain { get; set; } = "3402000000";

    public string ListenAddress { get; set; } = "0.0.0.0";

    public int Port { get; set; } = 5060;

    public List<string> Transports { get; set; } = ["udp", "tcp"];

    /// <summary>Advertised in Via/Contact when behind NAT; empty = the local address.</summary>
    public string ExternalAddress { get; set; } = string.Empty;

    /// <summary>The device password; empty = no authentication.</summary>
    public string Password { get; set; } = string.Empty;

    public Dictionary<string, string> DevicePasswords { get; set; } = [];

    public int KeepaliveTimeoutSeconds { get; set; } = 180;

    /// <summary>Registration expiry accepted from devices is clamped to [MinExpires, MaxExpires].</summary>
    public int MinExpiresSeconds { get; set; } = 60;

    public int MaxExpiresSeconds { get; set; } = 86400;

    /// <summary>How often a device's catalog is queried again; 0 = only on registration and change notifications.</summary>
    public int CatalogRefreshSeconds { get; set; } = 3600;

    /// <summary>How long a multi-MESSAGE answer (Catalog, RecordInfo) may take to complete.</summary>
    public int QueryTimeoutSeconds { get; set; } = 30;

    /// <summary>Subscribe to each device's catalog changes (SUBSCRIBE Event: Catalog) for this many seconds; 0 = off.</summary>
    public int CatalogSubscriptionSeconds { get; set; } = 3600;

    /// <summary>Failed registrations tolerated per source address before answers are slowed down.</summary>
    public int AuthFailuresBeforeDelay { get; set; } = 5;

    /// <summary>
    /// Digest quality of protection offered to devices: "none" (plain RFC 2069-style digest, which every device does)
    /// or "auth" (challenges carry qop="auth"; devices must answer with qop, cnonce and an increasing nc).
    /// </summary>
    public string DigestQop { get; set; } = "none";
}

public sealed class MediaOptions
{
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Advertised in SDP when behind NAT; empty = the SIP advertised address.</summary>
    public string ExternalAddress { get; set; } = string.Empty;

    public int PortMin { get; set; } = 30000;

    public int PortMax { get; set; } = 30999;

    public int NoMediaTimeoutSeconds { get; set; } = 20;

    /// <summary>Transport the gateway offers devices: "udp", "tcp-passive" (gateway listens) or "tcp-active".</summary>
    public string DeviceTransport { get; set; } = "udp";

    /// <summary>
    /// Per-device overrides of <see cref="DeviceTransport"/>: key = a 20-digit device ID, or digits ending in "*" (an ID
    /// prefix, e.g. "3402000000118*"; the longest matching prefix wins, an exact ID wins over any prefix).
    /// </summary>
    public Dictionary<string, string> DeviceTransports { get; set; } = [];

    /// <summary>
    /// Datagrams one receive call may take from a UDP device port (Linux recvmmsg; 1 = one recvfrom per packet).
    /// Each UDP device leg reserves UdpBatch x 64 KiB of address space, resident only where datagrams land.
    /// </summary>
    public int UdpBatch { get; set; } = 16;
}

/// <summary>One superior platform the gateway registers to as a virtual NVR.</summary>
public sealed class PlatformOptions
{
    public string Name { get; set; } = string.Empty;

    public bool Enabled { get; set; } = true;

    public string ServerId { get; set; } = string.Empty;

    public string ServerDomain { get; set; } = string.Empty;

    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 5060;

    public string Transport { get; set; } = "udp";

    /// <summary>The gateway's device ID toward this platform.</summary>
    public string DeviceId { get; set; } = string.Empty;

    /// <summary>Local SIP port for this platform; 0 = share the lower-domain port.</summary>
    public int LocalPort { get; set; }

    /// <summary>Digest username; empty = <see cref="DeviceId"/>.</summary>
    public string Username { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;

    public int Expires { get; set; } = 3600;

    public int KeepaliveIntervalSeconds { get; set; } = 60;

    public int KeepaliveMaxMisses { get; set; } = 3;

    /// <summary>Wait before the first REGISTER retry after a failure; doubles per failure up to <see cref="RetryMaxSeconds"/>.</summary>
    public int RetryMinSeconds { get; set; } = 2;

    /// <summary>The longest wait between REGISTER retries.</summary>
    public int RetryMaxSeconds { get; set; } = 300;

    /// <summary>GB2312, GB18030 or UTF-8.</summary>
    public string CharacterSet { get; set; } = "GB2312";

    public CatalogShareOptions Catalog { get; set; } = new();

    public bool AllowPtz { get; set; } = true;
}

public sealed class CatalogShareOptions
{
    /// <summary>"Keep" forwards channel IDs unchanged; "Renumber" maps them into the platform's numbering plan.</summary>
    public string IdMode { get; set; } = "Keep";

    /// <summary>CivilCode written on every shared channel; empty = keep the device's.</summary>
    public string CivilCode { get; set; } = string.Empty;

    /// <summary>BusinessGroupID written on every shared channel; empty = none.</summary>
    public string BusinessGroupId { get; set; } = string.Empty;

    /// <summary>Channel or device IDs to share; "*" = all.</summary>
    public List<string> Share { get; set; } = ["*"];

    public int ItemsPerMessage { get; set; } = 1;
}

public sealed class RedisOptions
{
    /// <summary>StackExchange.Redis configuration string; empty = in-memory state.</summary>
    public string Configuration { get; set; } = string.Empty;

    public string KeyPrefix { get; set; } = "gb28181:";
}

public sealed class MqttOptions
{
    /// <summary>Broker host; empty = MQTT off.</summary>
    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 1883;

    public string ClientId { get; set; } = string.Empty;

    public string Username { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;

    public string TopicPrefix { get; set; } = "gb28181";

    public int KeepaliveSeconds { get; set; } = 30;

    /// <summary>Messages held while the broker is unreachable; beyond this, new QoS 0 messages are dropped and counted.</summary>
    public int MaxQueuedMessages { get; set; } = 10000;
}

public sealed class HttpOptions
{
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>When set, every /api request needs "Authorization: Bearer &lt;token&gt;".</summary>
    public string Token { get; set; } = string.Empty;
}
