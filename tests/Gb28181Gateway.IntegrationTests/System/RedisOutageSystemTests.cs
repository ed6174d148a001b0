using System.Net;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;
using static Gb28181Gateway.IntegrationTests.System.SystemTestSupport;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// Issue 6: Redis goes away while the gateway runs. Devices keep registering and the API keeps serving them, the
/// metrics say Redis is down and count the failed operations, and once Redis is back what happened meanwhile is in it.
/// </summary>
public sealed class RedisOutageSystemTests : IAsyncLifetime
{
    private const string Password = "12345678";

    private RedisServerFixture _redis = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerFixture.StartAsync();
        _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Redis:Configuration"] = _redis.Configuration,
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Devices_registered_while_Redis_is_down_are_served_and_an_emptied_Redis_gets_the_whole_state_back()
    {
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        await using var before = Farm("34020000001320000001", channels: 2);
        before.Start();
        var beforeId = before.Devices[0].Id;
        await WaitUntilAsync(() => AllOnlineWithChannelsAsync(http, [beforeId], 2), "the first device online with its catalog");
        await WaitUntilAsync(async () => await MetricAsync(http, "gb28181_redis_connected") == 1, "gb28181_redis_connected 1");

        var errorsBefore = await MetricAsync(http, "gb28181_redis_errors_total") ?? 0;
        await _redis.KillAsync();

        await using var during = Farm("34020000001320000101", channels: 3);
        during.Start();
        var duringId = during.Devices[0].Id;
        await WaitUntilAsync(() => AllOnlineWithChannelsAsync(http, [duringId], 3), "the device registered during the outage online with its catalog");
        Assert.True(await AllOnlineWithChannelsAsync(http, [beforeId], 2), "the first device is no longer served during the outage");

        await WaitUntilAsync(async () => await MetricAsync(http, "gb28181_redis_connected") == 0, "gb28181_redis_connected 0");
        await WaitUntilAsync(async () => await MetricAsync(http, "gb28181_redis_errors_total") > errorsBefore, "gb28181_redis_errors_total rising during the outage");

        await _redis.RestartAsync();

        // The restarted server is empty (no persistence): what it holds was written by the gateway after the outage,
        // the device registered before it too (unchanged during the outage, it is rewritten because Redis lost it).
        string[] keys =
        [
            $"gb28181:{{gw-1}}:device:{duringId}", $"gb28181:{{gw-1}}:catalog:{duringId}",
            $"gb28181:{{gw-1}}:device:{beforeId}", $"gb28181:{{gw-1}}:catalog:{beforeId}",
        ];
        try
        {
            await WaitUntilAsync(async () => await _redis.CliAsync(["EXISTS", .. keys]) == keys.Length.ToString(), "the state written during the outage in Redis", TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "; Redis holds:\n" + await _redis.CliAsync("KEYS", "*"));
        }

        var index = (await _redis.CliAsync("SMEMBERS", "gb28181:{gw-1}:devices")).Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(duringId, index);
        Assert.Contains(beforeId, index);
        await WaitUntilAsync(async () => await MetricAsync(http, "gb28181_redis_connected") == 1, "gb28181_redis_connected back to 1");

        // A fresh process reading that Redis serves both devices with their channels.
        await using var fresh = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Redis:Configuration"] = _redis.Configuration });
        using var freshHttp = new HttpClient { BaseAddress = fresh.HttpBase };
        var listed = await GetDevicesAsync(freshHttp);
        Assert.True(listed.TryGetValue(duringId, out var restored), $"{duringId} not loaded from Redis by a fresh process");
        Assert.True(restored.GetProperty("online").GetBoolean());
        Assert.Equal(3, restored.GetProperty("channelCount").GetInt32());
        Assert.True(listed.TryGetValue(beforeId, out var earlier), $"{beforeId} not loaded from Redis by a fresh process");
        Assert.Equal(2, earlier.GetProperty("channelCount").GetInt32());
    }

    private DeviceFarm Farm(string firstId, int channels) => new(new DeviceFarmOptions
    {
        Server = SipEndPoint.Udp(IPAddress.Loopback, _gateway.SipPort),
        ServerId = "34020000002000000001",
        FirstId = firstId,
        Count = 1,
        Channels = channels,
        Password = Password,
        KeepaliveInterval = TimeSpan.FromSeconds(1),
    });
}
