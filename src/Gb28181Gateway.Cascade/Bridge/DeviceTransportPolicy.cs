using Gb28181Gateway.Media;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>
/// Which media transport the gateway offers a device: <c>Media:DeviceTransports:&lt;key&gt;</c> for the device's
/// 20-digit ID, else the longest key ending in <c>*</c> whose digits start the ID (e.g. <c>3402000000118*</c>, every
/// NVR of the domain), else <c>Media:DeviceTransport</c>. Built once at start; lookups do not allocate.
/// </summary>
internal sealed class DeviceTransportPolicy
{
    private readonly Dictionary<string, MediaTransport> _exact = new(StringComparer.Ordinal);
    private readonly (string Prefix, MediaTransport Transport)[] _prefixes;

    /// <exception cref="ArgumentException">a value is not udp, tcp-passive or tcp-active, or a key is neither an ID nor a prefix with '*'.</exception>
    public DeviceTransportPolicy(Configuration.MediaOptions media)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (!BridgeSdp.TryParseTransport(media.DeviceTransport, out var fallback))
        {
            throw new ArgumentException($"Media:DeviceTransport '{media.DeviceTransport}' is not udp, tcp-passive or tcp-active", nameof(media));
        }

        Default = fallback;
        var prefixes = new List<(string, MediaTransport)>();
        foreach (var (key, value) in media.DeviceTransports)
        {
            if (!BridgeSdp.TryParseTransport(value, out var transport) || string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"Media:DeviceTransports:{key} '{value}' is not udp, tcp-passive or tcp-active", nameof(media));
            }

            if (IsDeviceId(key))
            {
                _exact[key] = transport;
            }
            else if (IsPrefixKey(key))
            {
                prefixes.Add((key[..^1], transport));
            }
            else
            {
                throw new ArgumentException($"Media:DeviceTransports:{key}: the key is neither a 20-digit device ID nor digits ending in '*'", nameof(media));
            }
        }

        _prefixes = [.. prefixes.OrderByDescending(p => p.Item1.Length)];
    }

    /// <summary><c>Media:DeviceTransport</c>: what devices without an override are offered.</summary>
    public MediaTransport Default { get; }

    public MediaTransport For(string deviceId)
    {
        if (_exact.TryGetValue(deviceId, out var transport))
        {
            return transport;
        }

        foreach (var (prefix, prefixTransport) in _prefixes)
        {
            if (deviceId.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefixTransport;
            }
        }

        return Default;
    }

    /// <summary>A 20-digit GB28181 ID.</summary>
    public static bool IsDeviceId(string key) => key is { Length: 20 } && key.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>1-19 digits followed by <c>*</c>.</summary>
    public static bool IsPrefixKey(string key) =>
        key is { Length: >= 2 and <= 20 } && key[^1] == '*' && key.AsSpan(0, key.Length - 1).IndexOfAnyExceptInRange('0', '9') < 0;
}
