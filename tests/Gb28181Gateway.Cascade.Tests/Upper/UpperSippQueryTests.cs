using System.Globalization;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>
/// sipp as the platform sending queries and controls (platform-query.xml checks the status), and sipp as the
/// platform receiving the answers (platform-answers.xml accepts an answer only when its regular expressions match).
/// </summary>
public sealed class UpperSippQueryTests
{
    private const string Gateway = UpperTestGateway.GatewayDeviceId;

    /// <summary>The Dahua camera's ID above: it collides with the Hikvision camera's, which sorts first and keeps it.</summary>
    private const string DahuaCameraUpperId = "41010500001310000001";

    private const string RecordWindow = "&lt;StartTime&gt;2024-05-04T00:00:00&lt;/StartTime&gt;&lt;EndTime&gt;2024-05-05T00:00:00&lt;/EndTime&gt;&lt;Type&gt;all&lt;/Type&gt;";

    [Theory]
    [InlineData("Catalog", Gateway, "", "&lt;SumNum&gt;3&lt;/SumNum&gt;", 3)]
    [InlineData("DeviceInfo", Gateway, "", "&lt;Channel&gt;3&lt;/Channel&gt;", 1)]
    [InlineData("DeviceStatus", Gateway, "", "&lt;Online&gt;ONLINE&lt;/Online&gt;", 1)]
    [InlineData("RecordInfo", DahuaCameraUpperId, RecordWindow, "&lt;Item&gt;[[:space:]]*&lt;DeviceID&gt;" + DahuaCameraUpperId + "&lt;/DeviceID&gt;", 2)]
    public async Task Queries_are_answered_and_the_answers_pass_sipps_checks(string cmd, string target, string extra, string expect, int answers)
    {
        var platformPort = LoopbackPorts.Next();
        await using var receiver = StartAnswers(platformPort, "7311", expect);
        await using var gateway = await UpperTestGateway.StartAsync(platformPort, p => (p.Password, p.KeepaliveIntervalSeconds) = (string.Empty, 60));
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration (the receiving sipp is listening)");

        await using var query = StartQuery(gateway.Platform.LocalPort, "Query", cmd, "7311", target, extra, "200");
        var exit = await query.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"the query scenario failed ({exit}):\n{query.Output}");

        await Wait.UntilAsync(() => gateway.MessageAnswers.Count(a => a.Answer.IsSuccess && ManscdpCodec.Peek(a.Body).CmdType == cmd) == answers,
            $"{answers} answer(s) accepted by sipp; sipp said:\n{receiver.Output}");
        if (cmd == ManscdpCmdType.RecordInfo)
        {
            var (device, request) = Assert.Single(gateway.DeviceClient.Requests);
            Assert.Equal((FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), (device, request.DeviceId)); // mapped down
        }
    }

    [Fact]
    public async Task Controls_reach_the_device_and_refusals_come_back_as_403_and_404()
    {
        var platformPort = LoopbackPorts.Next();
        await using var receiver = StartAnswers(platformPort, "1", ".");
        await using var gateway = await UpperTestGateway.StartAsync(platformPort, p => (p.Password, p.KeepaliveIntervalSeconds) = (string.Empty, 60));
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration (the receiving sipp is listening)");
        const string Ptz = "&lt;PTZCmd&gt;A50F01021F0000D6&lt;/PTZCmd&gt;";

        await RunAsync(gateway, "Control", "DeviceControl", FakeDeviceDirectory.AlarmInputId, Ptz, "200");
        await Wait.UntilAsync(() => !gateway.DeviceClient.Requests.IsEmpty, "the control at the device");
        var (device, request) = Assert.Single(gateway.DeviceClient.Requests);
        Assert.Equal((FakeDeviceDirectory.Hikvision, FakeDeviceDirectory.AlarmInputId), (device, request.DeviceId));

        await RunAsync(gateway, "Control", "DeviceControl", "34020000001310009999", Ptz, "404");
        gateway.Platform.AllowPtz = false;
        await RunAsync(gateway, "Control", "DeviceControl", FakeDeviceDirectory.AlarmInputId, Ptz, "403");
        Assert.Single(gateway.DeviceClient.Requests);
    }

    private static async Task RunAsync(UpperTestGateway gateway, string root, string cmd, string target, string extra, string status)
    {
        await using var query = StartQuery(gateway.Platform.LocalPort, root, cmd, "9", target, extra, status);
        var exit = await query.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"expected {status} for {cmd} on {target} ({exit}):\n{query.Output}");
    }

    private static ExternalProcess StartAnswers(int port, string sn, string expect) => ExternalProcess.Start("sipp", [
        "-sf", UpperSipp.Scenario("platform-answers.xml", ("sn", sn), ("expect", expect)),
        "-i", "127.0.0.1", "-p", Str(port), "-nostdin", "-timeout", "60s", "-trace_err",
    ], Path.GetTempPath());

    private static ExternalProcess StartQuery(int gatewayPort, string root, string cmd, string sn, string target, string extra, string status) =>
        ExternalProcess.Start("sipp", [
            "-sf", UpperSipp.Scenario("platform-query.xml", ("status", status)), "127.0.0.1:" + Str(gatewayPort),
            "-i", "127.0.0.1", "-p", Str(LoopbackPorts.Next()), "-m", "1",
            "-key", "gateway_id", UpperTestGateway.GatewayDeviceId, "-key", "platform_id", UpperTestGateway.PlatformId,
            "-key", "root", root, "-key", "cmd", cmd, "-key", "sn", sn, "-key", "target", target,
            "-key", "extra", System.Net.WebUtility.HtmlDecode(extra),
            "-nostdin", "-timeout", "30s", "-trace_err",
        ], Path.GetTempPath());

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
