using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// The real host between a simulated device and a simulated platform that takes its media over TCP: when the
/// platform's media connection drops, the platform gets BYE, the device gets BYE (it was the only viewer) and
/// /api/sessions no longer lists the session.
/// </summary>
public sealed class BridgeTcpDropSystemTests : IAsyncLifetime
{
    private const string PlatformId = "41010500002000000001";
    private const string Password = "12345678";

    private SimulatedPlatform _platform = null!;
    private GatewayHost _gateway = null!;
    private DeviceFarm _devices = null!;

    public async Task InitializeAsync()
    {
        var platformPort = LoopbackPorts.Next();
        var mediaPorts = LoopbackPorts.NextRange(10);
        _platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, platformPort),
            ServerId = PlatformId,
            Password = Password,
        });
        _platform.Start();
        _gateway = await GatewayHost.StartAsync(SystemTestSupport.OnePlatform(platformPort, Password, mediaPorts, 10));
        _devices = new DeviceFarm(SystemTestSupport.Devices(_gateway.SipPort, 1, 1, Password));
        _devices.Start();
    }

    public async Task DisposeAsync()
    {
        await _devices.DisposeAsync();
        await _gateway.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Fact]
    public async Task A_platform_dropping_its_tcp_media_gets_bye_the_device_too_and_the_session_leaves_the_api()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        var device = _devices.Devices[0];
        await SystemTestSupport.WaitUntilAsync(() => SystemTestSupport.AllOnlineWithChannelsAsync(http, [device.Id], 1), "the device online with its channel");
        var client = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(30), timeout.Token);

        var result = await InviteOverTcpAsync(client, device.ChannelIds[0], timeout.Token);
        Assert.True(result.IsSuccess, $"INVITE answered {result.StatusCode} {result.Response.ReasonPhrase}");
        var answered = SdpSession.Parse(result.Response.Body.Span).Media[0];
        Assert.Equal(("TCP/RTP/AVP", SdpSetup.Passive), (answered.Protocol, answered.Setup));
        using var media = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await media.ConnectAsync(new IPEndPoint(IPAddress.Loopback, answered.Port), timeout.Token);
        var buffer = new byte[4096];
        Assert.True(await media.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0);   // the device's RTP arrives
        var session = Assert.Single(await SessionsAsync(http));
        Assert.StartsWith("tcp-passive ", session.GetProperty("platformMedia").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, _devices.Statistics.ActiveStreams);

        media.Shutdown(SocketShutdown.Both);
        media.Close();

        await result.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SipDialogEndReason.ByeReceived, result.Dialog.EndReason);
        await SystemTestSupport.WaitUntilAsync(async () => (await SessionsAsync(http)).Length == 0, "the session gone from /api/sessions");
        await SystemTestSupport.WaitUntilAsync(() => _devices.Statistics.ActiveStreams == 0, "the device's stream ended by BYE");
    }

    private async Task<SipDialogResult> InviteOverTcpAsync(RegisteredClient client, string channelId, CancellationToken cancellationToken)
    {
        var uri = SipUri.Create(channelId, client.Id[..10]);
        var invite = _platform.Agent.CreateRequest(SipMethod.Invite, uri, _platform.Self, new SipNameAddress(uri), client.Source);
        invite.Headers.Add(SipHeaderKind.Subject, $"{channelId}:0410500001,{PlatformId}:0");
        invite.ContentType = "application/sdp";
        invite.Body = Encoding.ASCII.GetBytes(
            $"v=0\r\no={PlatformId} 0 0 IN IP4 127.0.0.1\r\ns=Play\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            "m=video 9 TCP/RTP/AVP 96\r\na=recvonly\r\na=rtpmap:96 PS/90000\r\na=setup:active\r\na=connection:new\r\ny=0410500001\r\n");
        return await _platform.Agent.InviteAsync(invite, client.Source, cancellationToken: cancellationToken);
    }

    private static async Task<JsonElement[]> SessionsAsync(HttpClient http) =>
        [.. (await http.GetFromJsonAsync<JsonElement>("/api/sessions")).EnumerateArray()];
}
