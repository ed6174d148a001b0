using System.Buffers.Binary;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>Playback from a platform: the device gets s=Playback with u=/t=, MediaStatus goes up, and history streams are never shared.</summary>
public sealed class BridgePlaybackTests
{
    [Fact]
    public async Task A_platform_playback_reaches_the_camera_as_playback_and_its_media_status_reaches_the_platform()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort);
        await using var sink = BridgeRtpSink.OpenUdp();
        var mediaStatus = new TaskCompletionSource<SipRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Province.Agent.Handle(SipMethod.Message, async r =>
        {
            mediaStatus.TrySetResult(r.Request);
            await r.RespondAsync(SipStatus.Ok);
        });

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "1100000005", kind: "Playback"));
        Assert.True(result.IsSuccess, $"INVITE answered {result.StatusCode}; sipp said:\n{camera.Output}");
        Assert.Equal("Playback", Assert.Single(gateway.Bridge.GetSessions()).Kind);
        var last = BinaryPrimitives.ReadUInt16BigEndian(BridgeCapture.Packets[^1].AsSpan(2));
        await BridgeWait.UntilAsync(() => sink.Received.Any(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == last), "the capture at the platform");
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, 1100000005)), sink.Received);

        var deviceCallId = Assert.Single(gateway.Bridge.GetSessions()).DeviceDialog!.CallId;
        gateway.Events.Publish(new MediaStatusEvent(BridgeHarness.CameraId,
            new MediaStatusNotify { Sn = 7, DeviceId = BridgeHarness.ChannelId, NotifyType = MediaStatusNotify.EndOfFile }, deviceCallId)
        { Timestamp = DateTimeOffset.UtcNow });
        var message = await mediaStatus.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(result.Dialog!.CallId, message.CallId);   // in the platform's own dialog
        var notify = Assert.IsType<MediaStatusNotify>(ManscdpCodec.Parse(message.Body.Span));
        Assert.Equal((121, 7L, BridgeHarness.ChannelId), (notify.NotifyType, notify.Sn, notify.DeviceId));

        Assert.Equal(SipStatus.Ok, (await result.Dialog.ByeAsync()).StatusCode);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);
        var invite = BridgeCamera.Messages(gateway.Directory);
        Assert.Contains("s=Playback\r\n", invite, StringComparison.Ordinal);
        Assert.Contains($"u={BridgeHarness.ChannelId}:0\r\n", invite, StringComparison.Ordinal);
        Assert.Contains("t=1700000000 1700003600\r\n", invite, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_playbacks_of_one_channel_are_two_camera_invites()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort, calls: 2);
        await using var provinceSink = BridgeRtpSink.OpenUdp();
        await using var citySink = BridgeRtpSink.OpenUdp();

        var province = await gateway.Province.InviteAsync(BridgePlatform.Offer(provinceSink.Port, "1100000001", kind: "Playback"));
        var city = await gateway.City.InviteAsync(BridgePlatform.Offer(citySink.Port, "1100000002", kind: "Playback"));
        Assert.True(province.IsSuccess && city.IsSuccess, $"{province.StatusCode}/{city.StatusCode}; sipp said:\n{camera.Output}");

        Assert.Equal(2, gateway.Relay.Sessions.Count);
        Assert.Equal(2, gateway.Bridge.GetSessions().Select(s => s.DeviceDialog!.CallId).Distinct().Count());
        await BridgeWait.UntilAsync(() => provinceSink.Received.Count == BridgeCapture.Packets.Length && citySink.Received.Count == BridgeCapture.Packets.Length,
            "both playbacks complete");
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, 1100000002)), citySink.Received);

        await province.Dialog!.ByeAsync();
        await city.Dialog!.ByeAsync();
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);
        Assert.Equal(2, Occurrences(BridgeCamera.Messages(gateway.Directory), "INVITE sip:"));
    }

    [Fact]
    public async Task A_download_carries_the_speed_down_and_the_file_size_up()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort,
            edit: text => text.Replace("      y=[$ssrc]", "      a=filesize:7340032\n      y=[$ssrc]", StringComparison.Ordinal));
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "1100000009", kind: "Download", extra: "a=downloadspeed:4\r\n"));
        Assert.True(result.IsSuccess, $"INVITE answered {result.StatusCode}; sipp said:\n{camera.Output}");
        var answer = Gb28181Gateway.Protocol.Sdp.SdpSession.Parse(result.Response.Body.Span);
        Assert.Equal(7340032L, answer.Media[0].FileSize);
        Assert.Equal("1100000009", answer.Ssrc);

        await result.Dialog!.ByeAsync();
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);
        var invite = BridgeCamera.Messages(gateway.Directory);
        Assert.Contains("s=Download\r\n", invite, StringComparison.Ordinal);
        Assert.Contains("a=downloadspeed:4\r\n", invite, StringComparison.Ordinal);
        Assert.Contains($"u={BridgeHarness.ChannelId}:0\r\n", invite, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
