using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// The whole cascade in one process: simulated devices register below the real gateway host, a simulated
/// superior platform accepts the gateway's registration above, queries its catalog and plays a channel
/// through it; every hop is real SIP and RTP over loopback.
/// </summary>
public abstract class CascadeSystemTests : IAsyncLifetime
{
    private const string PlatformId = "41010500002000000001";
    private const string Password = "12345678";
    private const int DeviceCount = 2;
    private const int ChannelsPerDevice = 3;

    private SimulatedPlatform _platform = null!;
    private GatewayHost _gateway = null!;
    private DeviceFarm _devices = null!;

    /// <summary><c>Keep</c> or <c>Renumber</c>.</summary>
    protected abstract string IdMode { get; }

    public async Task InitializeAsync()
    {
        var platformPort = LoopbackPorts.Next();
        var mediaPorts = LoopbackPorts.NextRange(20);
        _platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, platformPort),
            ServerId = PlatformId,
            Password = Password,
            QueryTimeout = TimeSpan.FromSeconds(30),
        });
        _platform.Start();

        _gateway = await GatewayHost.StartAsync(SystemTestSupport.OnePlatform(platformPort, Password, mediaPorts, 20,
            ("Gateway:Platforms:0:Catalog:ItemsPerMessage", "2"),
            ("Gateway:Platforms:0:Catalog:IdMode", IdMode),
            ("Gateway:Platforms:0:KeepaliveIntervalSeconds", "1"),
            ("Gateway:Platforms:0:KeepaliveMaxMisses", "1")));

        _devices = new DeviceFarm(SystemTestSupport.Devices(_gateway.SipPort, DeviceCount, ChannelsPerDevice, Password));
        _devices.Start();
    }

    public async Task DisposeAsync()
    {
        await _devices.DisposeAsync();
        await _gateway.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Fact]
    public async Task The_platform_sees_every_channel_below_and_plays_one_through_the_gateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        await WaitForChannelsAsync(http, DeviceCount * ChannelsPerDevice, timeout.Token);
        var client = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(30), timeout.Token);
        Assert.Equal("34020000002000000002", client.Id);

        var catalog = await _platform.QueryCatalogAsync(client, timeout.Token);

        Assert.True(catalog.IsComplete, $"catalog incomplete: {catalog.Items.Count}/{catalog.SumNum}");
        Assert.Equal(DeviceCount * ChannelsPerDevice, catalog.SumNum);
        Assert.True(catalog.Messages >= DeviceCount * ChannelsPerDevice / 2, $"{catalog.Messages} messages");
        var below = _devices.Devices.SelectMany(d => d.ChannelIds).Order(StringComparer.Ordinal).ToArray();
        var above = catalog.Items.Select(i => i.DeviceId).Order(StringComparer.Ordinal).ToArray();
        if (IdMode == "Keep")
        {
            Assert.Equal(below, above);
        }
        else
        {
            Assert.Equal(above.Length, above.Distinct().Count());
            Assert.All(above, id => Assert.StartsWith("4101050000131", id));
        }

        Assert.All(catalog.Items, item =>
        {
            Assert.Equal("34020000002000000002", item.ParentId);
            Assert.Null(item.Password);
            Assert.Null(item.IpAddress);
            Assert.False(string.IsNullOrWhiteSpace(item.Name));
            Assert.DoesNotContain('\uFFFD', item.Name!);
        });

        var play = await PlatformPlayer.PlayAsync(_platform, client, above[0], 0, TimeSpan.FromSeconds(3), timeout.Token);

        Assert.True(play.IsSuccess, $"play: status {play.StatusCode}, {play.Packets} packets");
        Assert.Equal(play.Ssrc, play.AnsweredSsrc);
        Assert.Equal(0, play.ForeignSsrcPackets);
        Assert.True(play.Packets > 10, $"{play.Packets} packets");
    }

    [Fact]
    public async Task A_platform_that_restarts_and_reuses_its_SNs_is_answered_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        await WaitForChannelsAsync(http, DeviceCount * ChannelsPerDevice, timeout.Token);
        var client = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(30), timeout.Token);
        var first = await _platform.QueryCatalogAsync(client, timeout.Token);
        Assert.True(first.IsComplete);

        // the platform process restarts: same port, no memory of the gateway, SNs from 1 again
        await _platform.DisposeAsync();
        _platform = new SimulatedPlatform(_platform.Options);
        _platform.Start();
        var again = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(30), timeout.Token);
        var second = await _platform.QueryCatalogAsync(again, timeout.Token);

        Assert.Equal(first.Sn, second.Sn);
        Assert.True(second.IsComplete, $"catalog after the platform restarted: {second.Items.Count}/{second.SumNum}");
        Assert.Equal(first.Items.Select(i => i.DeviceId).Order(StringComparer.Ordinal), second.Items.Select(i => i.DeviceId).Order(StringComparer.Ordinal));
    }

    private static async Task WaitForChannelsAsync(HttpClient http, int channels, CancellationToken cancellationToken)
    {
        while (true)
        {
            var devices = await http.GetFromJsonAsync<JsonElement>("/api/devices", cancellationToken);
            var online = devices.EnumerateArray().Where(d => d.GetProperty("online").GetBoolean()).ToArray();
            if (online.Sum(d => d.GetProperty("channelCount").GetInt32()) >= channels)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }
}

public sealed class CascadeSystemKeepIdsTests : CascadeSystemTests
{
    protected override string IdMode => "Keep";
}

public sealed class CascadeSystemRenumberedIdsTests : CascadeSystemTests
{
    protected override string IdMode => "Renumber";
}
