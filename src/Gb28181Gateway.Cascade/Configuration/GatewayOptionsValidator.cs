using System.Net;

namespace Gb28181Gateway.Cascade.Configuration;

/// <summary>One configuration problem: the full key (e.g. <c>Gateway:Platforms:0:ServerId</c>) and what is wrong.</summary>
public readonly record struct ConfigurationProblem(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}

/// <summary>
/// Checks the whole configuration before anything starts, so a bad value stops start-up with one line
/// naming the key instead of failing later in a socket or a SIP exchange.
/// </summary>
public static class GatewayOptionsValidator
{
    private static readonly string[] CharacterSets = ["GB2312", "GB18030", "UTF-8"];
    private static readonly string[] SipTransports = ["udp", "tcp"];
    private static readonly string[] MediaTransports = ["udp", "tcp-passive", "tcp-active"];
    private static readonly string[] IdModes = ["Keep", "Renumber"];
    private static readonly string[] DigestQops = ["none", "auth"];

    public static IReadOnlyList<ConfigurationProblem> Validate(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ConfigurationProblem>();
        const string root = GatewayOptions.SectionName;

        void Add(string key, string message) => problems.Add(new ConfigurationProblem($"{root}:{key}", message));

        if (string.IsNullOrWhiteSpace(options.InstanceId) || !options.InstanceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            Add("InstanceId", $"must be letters, digits, '-' or '_' (got '{options.InstanceId}')");
        }

        ValidateSip(options.Sip, Add);
        ValidateMedia(options.Media, Add);
        ValidatePlatforms(options, Add);

        var mqtt = options.Mqtt;
        if (!string.IsNullOrEmpty(mqtt.Host))
        {
            CheckPort("Mqtt:Port", mqtt.Port, Add);
            if (string.IsNullOrWhiteSpace(mqtt.TopicPrefix) || mqtt.TopicPrefix.AsSpan().ContainsAny("#+") || mqtt.TopicPrefix.EndsWith('/'))
            {
                Add("Mqtt:TopicPrefix", $"must be a topic without wildcards or a trailing '/' (got '{mqtt.TopicPrefix}')");
            }

            if (mqtt.KeepaliveSeconds is < 5 or > 65535)
            {
                Add("Mqtt:KeepaliveSeconds", $"must be 5-65535 (got {mqtt.KeepaliveSeconds})");
            }

            if (mqtt.MaxQueuedMessages < 1)
            {
                Add("Mqtt:MaxQueuedMessages", $"must be at least 1 (got {mqtt.MaxQueuedMessages})");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Redis.KeyPrefix))
        {
            Add("Redis:KeyPrefix", "must not be empty");
        }

        if (string.IsNullOrWhiteSpace(options.Http.Urls))
        {
            Add("Http:Urls", "must name at least one URL, e.g. http://127.0.0.1:8080");
        }
        else
        {
            foreach (var url in options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                    || uri.Scheme is not ("http" or "https"))
                {
                    Add("Http:Urls", $"'{url}' is not an http(s) URL");
                }
            }
        }

        return problems;
    }

    private static void ValidateSip(SipOptions sip, Action<string, string> add)
    {
        CheckGbId("Sip:DeviceId", sip.DeviceId, add);
        CheckDomain("Sip:Domain", sip.Domain, add);
        CheckAddress("Sip:ListenAddress", sip.ListenAddress, add);
        CheckPort("Sip:Port", sip.Port, add);
        CheckExternal("Sip:ExternalAddress", sip.ExternalAddress, add);
        if (sip.Transports.Count == 0 || sip.Transports.Any(t => !SipTransports.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            add("Sip:Transports", $"must list one or both of udp, tcp (got [{string.Join(", ", sip.Transports)}])");
        }

        foreach (var id in sip.DevicePasswords.Keys)
        {
            if (!IsGbId(id))
            {
                add($"Sip:DevicePasswords:{id}", "keys must be 20-digit device IDs");
            }
        }

        CheckPositive("Sip:KeepaliveTimeoutSeconds", sip.KeepaliveTimeoutSeconds, add);
        CheckPositive("Sip:MinExpiresSeconds", sip.MinExpiresSeconds, add);
        if (sip.MaxExpiresSeconds < sip.MinExpiresSeconds)
        {
            add("Sip:MaxExpiresSeconds", $"must be at least Sip:MinExpiresSeconds ({sip.MinExpiresSeconds})");
        }

        CheckNonNegative("Sip:CatalogRefreshSeconds", sip.CatalogRefreshSeconds, add);
        CheckPositive("Sip:QueryTimeoutSeconds", sip.QueryTimeoutSeconds, add);
        CheckNonNegative("Sip:CatalogSubscriptionSeconds", sip.CatalogSubscriptionSeconds, add);
        CheckPositive("Sip:AuthFailuresBeforeDelay", sip.AuthFailuresBeforeDelay, add);
        if (!DigestQops.Contains(sip.DigestQop, StringComparer.OrdinalIgnoreCase))
        {
            add("Sip:DigestQop", $"must be none or auth (got '{sip.DigestQop}')");
        }
    }

    private static void ValidateMedia(MediaOptions media, Action<string, string> add)
    {
        CheckAddress("Media:ListenAddress", media.ListenAddress, add);
        CheckExternal("Media:ExternalAddress", media.ExternalAddress, add);
        if (media.PortMin is < 1024 or > 65535)
        {
            add("Media:PortMin", $"must be 1024-65535 (got {media.PortMin})");
        }
        else if (media.PortMax < media.PortMin || media.PortMax > 65535)
        {
            add("Media:PortMax", $"must be between Media:PortMin ({media.PortMin}) and 65535 (got {media.PortMax})");
        }

        CheckPositive("Media:NoMediaTimeoutSeconds", media.NoMediaTimeoutSeconds, add);
        if (media.UdpBatch is < 1 or > 64)
        {
            add("Media:UdpBatch", $"must be 1-64 datagrams per receive call (got {media.UdpBatch})");
        }

        if (!MediaTransports.Contains(media.DeviceTransport, StringComparer.OrdinalIgnoreCase))
        {
            add("Media:DeviceTransport", $"must be udp, tcp-passive or tcp-active (got '{media.DeviceTransport}')");
        }

        foreach (var (key, value) in media.DeviceTransports)
        {
            if (!IsGbId(key) && !IsIdPrefix(key))
            {
                add($"Media:DeviceTransports:{key}", "keys must be 20-digit device IDs or digits ending in '*' (an ID prefix, e.g. 3402000000118*)");
            }

            if (!MediaTransports.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                add($"Media:DeviceTransports:{key}", $"must be udp, tcp-passive or tcp-active (got '{value}')");
            }
        }
    }

    private static void ValidatePlatforms(GatewayOptions options, Action<string, string> add)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var localPorts = new HashSet<int>();
        for (var i = 0; i < options.Platforms.Count; i++)
        {
            var p = options.Platforms[i];
            var k = $"Platforms:{i}:";
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                add(k + "Name", "must not be empty");
            }
            else if (!names.Add(p.Name))
            {
                add(k + "Name", $"'{p.Name}' is used by another platform");
            }

            if (!p.Enabled)
            {
                continue;
            }

            CheckGbId(k + "ServerId", p.ServerId, add);
            CheckDomain(k + "ServerDomain", p.ServerDomain, add);
            if (string.IsNullOrWhiteSpace(p.Host))
            {
                add(k + "Host", "must name the platform's address");
            }

            CheckPort(k + "Port", p.Port, add);
            if (!SipTransports.Contains(p.Transport, StringComparer.OrdinalIgnoreCase))
            {
                add(k + "Transport", $"must be udp or tcp (got '{p.Transport}')");
            }

            CheckGbId(k + "DeviceId", p.DeviceId, add);
            if (p.LocalPort != 0)
            {
                CheckPort(k + "LocalPort", p.LocalPort, add);
                if (p.LocalPort == options.Sip.Port)
                {
                    add(k + "LocalPort", $"equals Sip:Port ({p.LocalPort}); use 0 to share the lower-domain port");
                }
                else if (!localPorts.Add(p.LocalPort))
                {
                    add(k + "LocalPort", $"{p.LocalPort} is used by another platform");
                }
            }

            if (p.Expires is < 60 or > 86400)
            {
                add(k + "Expires", $"must be 60-86400 seconds (got {p.Expires})");
            }

            CheckPositive(k + "KeepaliveIntervalSeconds", p.KeepaliveIntervalSeconds, add);
            CheckPositive(k + "KeepaliveMaxMisses", p.KeepaliveMaxMisses, add);
            CheckPositive(k + "RetryMinSeconds", p.RetryMinSeconds, add);
            if (p.RetryMinSeconds > 0 && p.RetryMaxSeconds < p.RetryMinSeconds)
            {
                add(k + "RetryMaxSeconds", $"must be at least {k}RetryMinSeconds ({p.RetryMinSeconds}) (got {p.RetryMaxSeconds})");
            }
            if (!CharacterSets.Contains(p.CharacterSet, StringComparer.OrdinalIgnoreCase))
            {
                add(k + "CharacterSet", $"must be GB2312, GB18030 or UTF-8 (got '{p.CharacterSet}')");
            }

            var c = p.Catalog;
            if (!IdModes.Contains(c.IdMode, StringComparer.OrdinalIgnoreCase))
            {
                add(k + "Catalog:IdMode", $"must be Keep or Renumber (got '{c.IdMode}')");
            }

            if (c.CivilCode.Length > 0 && (c.CivilCode.Length is not (2 or 4 or 6 or 8) || !c.CivilCode.All(char.IsAsciiDigit)))
            {
                add(k + "Catalog:CivilCode", $"must be 2, 4, 6 or 8 digits (got '{c.CivilCode}')");
            }

            if (c.BusinessGroupId.Length > 0 && !IsGbId(c.BusinessGroupId))
            {
                add(k + "Catalog:BusinessGroupId", $"must be a 20-digit ID (got '{c.BusinessGroupId}')");
            }

            if (c.Share.Count == 0)
            {
                add(k + "Catalog:Share", "must list channel or device IDs, or \"*\" for all");
            }

            foreach (var id in c.Share.Where(s => s != "*" && !IsGbId(s)))
            {
                add(k + "Catalog:Share", $"'{id}' is neither \"*\" nor a 20-digit ID");
            }

            if (c.ItemsPerMessage is < 1 or > 100)
            {
                add(k + "Catalog:ItemsPerMessage", $"must be 1-100 (got {c.ItemsPerMessage})");
            }
        }
    }

    private static bool IsGbId(string? value) => value is { Length: 20 } && value.All(char.IsAsciiDigit);

    private static bool IsIdPrefix(string value) => value is { Length: >= 2 and <= 20 } && value[^1] == '*' && value[..^1].All(char.IsAsciiDigit);

    private static void CheckGbId(string key, string value, Action<string, string> add)
    {
        if (!IsGbId(value))
        {
            add(key, $"must be a 20-digit GB28181 ID (got '{value}')");
        }
    }

    private static void CheckDomain(string key, string value, Action<string, string> add)
    {
        if (value is not { Length: >= 2 and <= 10 } || !value.All(char.IsAsciiDigit))
        {
            add(key, $"must be the SIP domain ID, 10 digits (got '{value}')");
        }
    }

    private static void CheckAddress(string key, string value, Action<string, string> add)
    {
        if (!IPAddress.TryParse(value, out _))
        {
            add(key, $"must be an IP address (got '{value}')");
        }
    }

    private static void CheckExternal(string key, string value, Action<string, string> add)
    {
        if (value.Length > 0 && !IPAddress.TryParse(value, out _) && Uri.CheckHostName(value) != UriHostNameType.Dns)
        {
            add(key, $"must be empty, an IP address or a host name (got '{value}')");
        }
    }

    private static void CheckPort(string key, int value, Action<string, string> add)
    {
        if (value is < 1 or > 65535)
        {
            add(key, $"must be 1-65535 (got {value})");
        }
    }

    private static void CheckPositive(string key, int value, Action<string, string> add)
    {
        if (value <= 0)
        {
            add(key, $"must be positive (got {value})");
        }
    }

    private static void CheckNonNegative(string key, int value, Action<string, string> add)
    {
        if (value < 0)
        {
            add(key, $"must be 0 or more (got {value})");
        }
    }
}
