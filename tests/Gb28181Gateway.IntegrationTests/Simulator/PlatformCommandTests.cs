using System.Net;
using Gb28181Gateway.Simulator.Cli;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary>The two modes against each other, through the platform command's run: what it prints and its exit code.</summary>
public sealed class PlatformCommandTests
{
    [Fact]
    public async Task The_platform_run_prints_every_channel_and_the_play_and_exits_0()
    {
        var port = LoopbackPorts.Next();
        var options = new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, port), ServerId = "34020000002000000001", Password = "12345678",
            QueryCatalog = true, QueryDeviceInfo = true, QueryTimeout = TimeSpan.FromSeconds(10),
        };
        var run = new PlatformRun("34020000001310000003", RtpPort: 0, PlayTime: TimeSpan.FromSeconds(1), Wait: TimeSpan.FromSeconds(10),
            Duration: TimeSpan.Zero, PrintItems: true);
        using var output = new StringWriter();

        var platform = PlatformCommand.RunAsync(options, run, NullLoggerFactory.Instance, output, CancellationToken.None); // listening once it returns
        await using var farm = new DeviceFarm(DeviceModeTests.Options(SipEndPoint.Udp(IPAddress.Loopback, port), count: 1, channels: 3), TimeProvider.System);
        farm.Start();
        var exit = await platform.WaitAsync(TimeSpan.FromSeconds(30));

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Contains("channel 34020000001310000001 通道1 摄像机0000001", text);
        Assert.Contains("channel 34020000001310000003 通道3 摄像机0000001", text);
        Assert.Contains("3/3 items", text);
        Assert.Contains("complete", text);
        Assert.Contains("device info 34020000001320000001", text);
        Assert.Matches(@"play 34020000001310000003: status 200, SSRC offered (\d{10}) answered \1, RTP [1-9]\d* packets", text);
    }

    [Fact]
    public async Task Nobody_registering_gives_exit_code_2()
    {
        var options = new PlatformOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), ServerId = "41010500002000000001", QueryCatalog = true };
        var run = new PlatformRun(null, 0, TimeSpan.Zero, Wait: TimeSpan.FromMilliseconds(200), Duration: TimeSpan.Zero, PrintItems: false);
        using var output = new StringWriter();

        var exit = await PlatformCommand.RunAsync(options, run, NullLoggerFactory.Instance, output, CancellationToken.None);

        Assert.Equal(PlatformCommand.NoRegistration, exit);
        Assert.Contains("no client registered", output.ToString());
    }
}
