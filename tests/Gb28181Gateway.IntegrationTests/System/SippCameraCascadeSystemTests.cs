using System.Net;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Testing;
using static Gb28181Gateway.IntegrationTests.System.SystemTestSupport;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// A real sipp playing a Hikvision camera (tests/sipp/lower: register with digest, keepalive, GB2312 catalog split
/// over two MESSAGEs) below the real host, and a simulated superior platform above: the platform's catalog carries
/// the camera's channels with their Chinese names decoded from GB2312 and re-encoded for the platform.
/// </summary>
public sealed class SippCameraCascadeSystemTests : IAsyncLifetime
{
    private const string PlatformId = "41010500002000000001";
    private const string Password = "12345678";
    private const string CameraId = "34020000001320000002";

    private SimulatedPlatform _platform = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        var platformPort = LoopbackPorts.Next();
        _platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, platformPort),
            ServerId = PlatformId,
            Password = Password,
            QueryTimeout = TimeSpan.FromSeconds(15),
        });
        _platform.Start();
        _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Platforms:0:Enabled"] = "true",
            ["Gateway:Platforms:0:Host"] = "127.0.0.1",
            ["Gateway:Platforms:0:Port"] = platformPort.ToString(),
            ["Gateway:Platforms:0:LocalPort"] = LoopbackPorts.Next().ToString(),
            ["Gateway:Platforms:0:Password"] = Password,
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Fact]
    public async Task The_platform_sees_the_sipp_cameras_channels_with_their_names_decoded()
    {
        await using var camera = Sipp.Start("lower/hikvision-register.xml", _gateway.SipPort, tcp: false, timeout: TimeSpan.FromSeconds(60), extraArguments:
        [
            "-oocsf", RepositoryPaths.Path("tests", "sipp", "lower", "hikvision-answers.xml"),
            "-key", "device_id", CameraId,
            "-key", "server_id", "34020000002000000001",
            "-key", "domain", "3402000000",
            "-au", CameraId,
            "-ap", Password,
        ]);
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        try
        {
            await WaitUntilAsync(() => AllOnlineWithChannelsAsync(http, [CameraId], 2), "the sipp camera online with its two channels", TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{camera.Messages}");
        }

        var client = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var catalog = await _platform.QueryCatalogAsync(client, timeout.Token);

        Assert.True(catalog.IsComplete, $"catalog incomplete: {catalog.Items.Count}/{catalog.SumNum}");
        var names = catalog.Items.ToDictionary(i => i.DeviceId, i => i.Name, StringComparer.Ordinal);
        Assert.Equal(2, catalog.SumNum);
        Assert.Equal("大门口摄像机", names["34020000001310000001"]);
        Assert.Equal("报警输入一", names["34020000001340000001"]);
        Assert.All(catalog.Items, i => Assert.Equal("34020000002000000002", i.ParentId));
    }
}
