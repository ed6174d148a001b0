using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Net;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>Waiting for conditions with a deadline and reading the host's HTTP surface, shared by the system tests.</summary>
internal static class SystemTestSupport
{
    /// <summary>The gateway's SIP server ID in every system test's configuration.</summary>
    public const string GatewayId = "34020000002000000001";

    /// <summary>
    /// Host configuration for one superior platform (index 0) on loopback at <paramref name="platformPort"/> with digest
    /// <paramref name="password"/>, a platform-side local port of its own, <paramref name="mediaPortCount"/> media ports
    /// from <paramref name="mediaPortMin"/>, and any further keys.
    /// </summary>
    public static Dictionary<string, string?> OnePlatform(int platformPort, string password, int mediaPortMin, int mediaPortCount, params (string Key, string? Value)[] more)
    {
        var config = new Dictionary<string, string?>
        {
            ["Gateway:Media:PortMin"] = mediaPortMin.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Media:PortMax"] = (mediaPortMin + mediaPortCount - 1).ToString(CultureInfo.InvariantCulture),
            ["Gateway:Platforms:0:Enabled"] = "true",
            ["Gateway:Platforms:0:Host"] = "127.0.0.1",
            ["Gateway:Platforms:0:Port"] = platformPort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Platforms:0:LocalPort"] = Testing.LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Gateway:Platforms:0:Password"] = password,
        };
        foreach (var (key, value) in more)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>Simulated devices registering over UDP with digest to the gateway on <paramref name="sipPort"/>.</summary>
    public static DeviceFarmOptions Devices(int sipPort, int count, int channels, string password) => new()
    {
        Server = SipEndPoint.Udp(IPAddress.Loopback, sipPort),
        ServerId = GatewayId,
        Count = count,
        Channels = channels,
        Password = password,
    };

    /// <summary>Polls <paramref name="condition"/> until it holds; throws a <see cref="TimeoutException"/> saying what was awaited.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(100);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>GET /api/devices as a device ID → JSON element map.</summary>
    public static async Task<Dictionary<string, JsonElement>> GetDevicesAsync(HttpClient http)
    {
        var devices = await http.GetFromJsonAsync<JsonElement>("/api/devices");
        return devices.EnumerateArray().ToDictionary(d => d.GetProperty("deviceId").GetString()!, StringComparer.Ordinal);
    }

    /// <summary>True when every one of <paramref name="deviceIds"/> is listed online with <paramref name="channels"/> channels.</summary>
    public static async Task<bool> AllOnlineWithChannelsAsync(HttpClient http, IEnumerable<string> deviceIds, int channels)
    {
        var devices = await GetDevicesAsync(http);
        return deviceIds.All(id => devices.TryGetValue(id, out var d)
            && d.GetProperty("online").GetBoolean()
            && d.GetProperty("channelCount").GetInt32() == channels);
    }

    /// <summary>The sum of every sample of <paramref name="family"/> in the host's /metrics text (null when absent).</summary>
    public static async Task<double?> MetricAsync(HttpClient http, string family)
    {
        var text = await http.GetStringAsync("/metrics");
        double? sum = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith(family, StringComparison.Ordinal) || line.Length == family.Length || (line[family.Length] != ' ' && line[family.Length] != '{'))
            {
                continue;
            }

            var value = line[(line.LastIndexOf(' ') + 1)..];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }

        return sum;
    }
}

/// <summary>Keeps every formatted log message, so a test can assert what a simulated device logged it received.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(_messages);

    public void Dispose()
    {
    }

    private sealed class RecordingLogger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
    }
}
