using System.Net;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging;
using static Gb28181Gateway.IntegrationTests.System.SystemTestSupport;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// Issue 6: the gateway process restarts with its state in a real Redis. The new process, on the same SIP port,
/// knows the devices and their catalogs before any of them registers again, answers their keepalives, and serves
/// the full catalog to the superior platform.
/// </summary>
public sealed class RedisRestartSystemTests : IAsyncLifetime
{
    private const string PlatformId = "41010500002000000001";
    private const string Password = "12345678";
    private const int DeviceCount = 2;
    private const int ChannelsPerDevice = 3;

    private RedisServerFixture _redis = null!;
    private SimulatedPlatform _platform = null!;
    private int _platformPort;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerFixture.StartAsync();
        _platform = StartPlatform(out _platformPort);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_new_process_on_the_same_port_knows_the_devices_from_Redis_without_them_registering_again()
    {
        var sipPort = LoopbackPorts.Next();
        var first = await GatewayHost.StartAsync(Settings(platformEnabled: false), sipPort);
        GatewayHost? running = first;
        var deviceLog = new RecordingLoggerProvider();
        using var deviceLoggers = LoggerFactory.Create(b => b.AddProvider(deviceLog).SetMinimumLevel(LogLevel.Information));
        await using var devices = new DeviceFarm(SystemTestSupport.Devices(sipPort, DeviceCount, ChannelsPerDevice, Password) with { KeepaliveInterval = TimeSpan.FromSeconds(1) }, loggerFactory: deviceLoggers);
        try
        {
            devices.Start();
            var ids = devices.Devices.Select(d => d.Id).ToArray();
            using (var http = new HttpClient { BaseAddress = first.HttpBase })
            {
                await WaitUntilAsync(() => AllOnlineWithChannelsAsync(http, ids, ChannelsPerDevice), "the devices and their catalogs in the first process");
            }

            string[] keys = [.. ids.SelectMany(id => new[] { $"gb28181:{{gw-1}}:device:{id}", $"gb28181:{{gw-1}}:catalog:{id}" })];
            await WaitUntilAsync(async () => await _redis.CliAsync(["EXISTS", .. keys]) == keys.Length.ToString(), "the devices and catalogs written to Redis");

            running = null;
            await first.DisposeAsync();
            var registrations = devices.Statistics.RegistrationsOk;

            var second = running = await GatewayHost.StartAsync(Settings(platformEnabled: true), sipPort);
            var keepalivesOkAtStart = devices.Statistics.KeepalivesOk;
            using var http2 = new HttpClient { BaseAddress = second.HttpBase };

            // At once: no waiting, nothing below has spoken to the new process yet.
            var listed = await GetDevicesAsync(http2);
            Assert.All(ids, id =>
            {
                Assert.True(listed.TryGetValue(id, out var d), $"{id} not listed by the new process");
                Assert.True(d.GetProperty("online").GetBoolean(), $"{id} listed offline by the new process");
                Assert.Equal(ChannelsPerDevice, d.GetProperty("channelCount").GetInt32());
            });

            // Every device's next keepalive reaches the new process and is answered 200, not 404 (which would make it register again).
            // (A keepalive sent while no process listened may fail; one refused with 404 would make the device register again.)
            await WaitUntilAsync(() => devices.Statistics.KeepalivesOk >= keepalivesOkAtStart + 2 * DeviceCount, "keepalives answered by the new process");
            Assert.DoesNotContain(deviceLog.Messages, m => m.Contains("registering again", StringComparison.Ordinal));

            var client = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var catalog = await _platform.QueryCatalogAsync(client, timeout.Token);
            Assert.True(catalog.IsComplete, $"catalog incomplete: {catalog.Items.Count}/{catalog.SumNum}");
            var below = devices.Devices.SelectMany(d => d.ChannelIds).Order(StringComparer.Ordinal).ToArray();
            var above = catalog.Items.Select(i => i.DeviceId).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(below, above);

            Assert.True(registrations == devices.Statistics.RegistrationsOk, "devices registered again:\n" + string.Join('\n', deviceLog.Messages));
        }
        finally
        {
            await devices.StopAsync(TimeSpan.FromSeconds(3));
            if (running is not null)
            {
                await running.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Renumbered_channel_IDs_given_to_the_platform_come_from_Redis_after_the_restart()
    {
        var sipPort = LoopbackPorts.Next();
        await using var secondPlatform = StartPlatform(out var secondPlatformPort);
        var first = await GatewayHost.StartAsync(Settings(platformEnabled: true, idMode: "Renumber"), sipPort);
        GatewayHost? running = first;
        await using var devices = new DeviceFarm(SystemTestSupport.Devices(sipPort, DeviceCount, ChannelsPerDevice, Password) with { KeepaliveInterval = TimeSpan.FromSeconds(1) });
        try
        {
            devices.Start();
            var ids = devices.Devices.Select(d => d.Id).ToArray();
            using (var http = new HttpClient { BaseAddress = first.HttpBase })
            {
                await WaitUntilAsync(() => AllOnlineWithChannelsAsync(http, ids, ChannelsPerDevice), "the devices and their catalogs in the first process");
            }

            var before = await CatalogIdsAsync(_platform);
            Assert.Equal(DeviceCount * ChannelsPerDevice, before.Length);
            Assert.All(before, id => Assert.StartsWith("4101050000131", id));
            await WaitUntilAsync(async () => await _redis.CliAsync("HLEN", "gb28181:idmap:{province}:down") == before.Length.ToString(), "the ID mapping written to Redis");

            running = null;
            await first.DisposeAsync();

            // Move one channel to an upper ID no process would pick by itself: the new process must take its map from Redis, not renumber afresh.
            const string Moved = "41010500001319999999";
            var channel = await _redis.CliAsync("HGET", "gb28181:idmap:{province}:down", before[0]);
            await _redis.CliAsync("HSET", "gb28181:idmap:{province}:up", channel, Moved);
            await _redis.CliAsync("HDEL", "gb28181:idmap:{province}:down", before[0]);
            await _redis.CliAsync("HSET", "gb28181:idmap:{province}:down", Moved, channel);
            running = await GatewayHost.StartAsync(Settings(platformEnabled: true, idMode: "Renumber", platformPort: secondPlatformPort), sipPort);

            var after = await CatalogIdsAsync(secondPlatform);
            Assert.Equal([.. before.Skip(1).Append(Moved).Order(StringComparer.Ordinal)], after);
        }
        finally
        {
            await devices.StopAsync(TimeSpan.FromSeconds(3));
            if (running is not null)
            {
                await running.DisposeAsync();
            }
        }
    }

    private static async Task<string[]> CatalogIdsAsync(SimulatedPlatform platform)
    {
        var client = await platform.WaitForClientAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var catalog = await platform.QueryCatalogAsync(client, timeout.Token);
        Assert.True(catalog.IsComplete, $"catalog incomplete: {catalog.Items.Count}/{catalog.SumNum}");
        return [.. catalog.Items.Select(i => i.DeviceId).Order(StringComparer.Ordinal)];
    }

    private static SimulatedPlatform StartPlatform(out int port)
    {
        port = LoopbackPorts.Next();
        var platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, port),
            ServerId = PlatformId,
            Password = Password,
            QueryTimeout = TimeSpan.FromSeconds(15),
        });
        platform.Start();
        return platform;
    }

    private Dictionary<string, string?> Settings(bool platformEnabled, string idMode = "Keep", int? platformPort = null) => new()
    {
        ["Gateway:Redis:Configuration"] = _redis.Configuration,
        ["Gateway:Platforms:0:Enabled"] = platformEnabled ? "true" : "false",
        ["Gateway:Platforms:0:Host"] = "127.0.0.1",
        ["Gateway:Platforms:0:Port"] = (platformPort ?? _platformPort).ToString(),
        ["Gateway:Platforms:0:Catalog:IdMode"] = idMode,
        ["Gateway:Platforms:0:LocalPort"] = LoopbackPorts.Next().ToString(),
        ["Gateway:Platforms:0:Password"] = Password,
        ["Gateway:Platforms:0:Catalog:ItemsPerMessage"] = "2",
    };
}
