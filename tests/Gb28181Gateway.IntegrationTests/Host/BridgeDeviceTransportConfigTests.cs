using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Media;
using Microsoft.Extensions.DependencyInjection;

namespace Gb28181Gateway.IntegrationTests.Host;

/// <summary>Gateway:Media:DeviceTransports read from a JSON configuration file by the real host builder.</summary>
public sealed class BridgeDeviceTransportConfigTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gb28181-transport-config");

    [Fact]
    public async Task Per_device_transports_from_json_reach_the_bridge()
    {
        var startup = GatewayHostBuilder.Build([ConfigArgument("""
            {"Gateway": {"Media": {"DeviceTransport": "udp", "DeviceTransports": {
              "3402000000118*": "tcp-active",
              "34020000001320000007": "tcp-passive"
            }}}}
            """)]);
        Assert.Empty(startup.Problems);
        await using var app = startup.App!;

        var bridge = app.Services.GetRequiredService<MediaBridge>();

        Assert.Equal(MediaTransport.TcpActive, bridge.DeviceTransportFor("34020000001180000001"));   // an NVR of the domain
        Assert.Equal(MediaTransport.TcpPassive, bridge.DeviceTransportFor("34020000001320000007"));
        Assert.Equal(MediaTransport.Udp, bridge.DeviceTransportFor("34020000001320000001"));          // the default
    }

    [Fact]
    public void A_bad_per_device_transport_stops_start_up_with_one_line_naming_the_key()
    {
        var startup = GatewayHostBuilder.Build([ConfigArgument("""
            {"Gateway": {"Media": {"DeviceTransports": {"34020000001320000007": "tcp-both"}}}}
            """)]);

        Assert.Null(startup.App);
        Assert.Equal(
            "Gateway:Media:DeviceTransports:34020000001320000007: must be udp, tcp-passive or tcp-active (got 'tcp-both')",
            Assert.Single(startup.Problems).ToString());
    }

    [Fact]
    public async Task Media_udp_batch_from_json_reaches_the_relay_and_a_bad_one_stops_start_up()
    {
        var startup = GatewayHostBuilder.Build([ConfigArgument("""{"Gateway": {"Media": {"UdpBatch": 4}}}""")]);
        Assert.Empty(startup.Problems);
        await using (var app = startup.App!)
        {
            Assert.Equal(4, app.Services.GetRequiredService<RtpRelay>().Options.UdpBatch);
        }

        var refused = GatewayHostBuilder.Build([ConfigArgument("""{"Gateway": {"Media": {"UdpBatch": 65}}}""")]);
        Assert.Null(refused.App);
        Assert.Equal("Gateway:Media:UdpBatch: must be 1-64 datagrams per receive call (got 65)", Assert.Single(refused.Problems).ToString());
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string ConfigArgument(string json)
    {
        var path = Path.Combine(_directory.FullName, "appsettings.json");
        File.WriteAllText(path, json);
        return "--config=" + path;
    }
}
