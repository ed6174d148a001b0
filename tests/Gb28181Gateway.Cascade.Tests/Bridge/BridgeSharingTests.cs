using System.Buffers.Binary;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>Live streams are shared: one device INVITE feeds every platform watching the channel.</summary>
public sealed class BridgeSharingTests
{
    [Fact]
    public async Task Two_platforms_on_one_live_channel_share_one_camera_invite_and_the_camera_is_byed_after_both_leave()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort);   // answers one INVITE (-m 1)
        await using var provinceSink = BridgeRtpSink.OpenUdp();
        await using var citySink = BridgeRtpSink.OpenUdp();

        var province = await gateway.Province.InviteAsync(BridgePlatform.Offer(provinceSink.Port, "0100000011"));
        Assert.True(province.IsSuccess, $"province: {province.StatusCode}; sipp said:\n{camera.Output}");
        var city = await gateway.City.InviteAsync(BridgePlatform.Offer(citySink.Port, null));   // no y=: the gateway chooses
        Assert.True(city.IsSuccess, $"city: {city.StatusCode}; sipp said:\n{camera.Output}");

        var relay = Assert.Single(gateway.Relay.Sessions);
        Assert.Equal(2, relay.Platforms.Count);
        var sessions = gateway.Bridge.GetSessions();
        Assert.Equal(["city", "province"], sessions.Select(s => s.Platform).Order());
        Assert.Single(sessions.Select(s => s.DeviceDialog!.CallId).Distinct());   // one device dialog
        var citySsrc = Gb28181Gateway.Protocol.Sdp.SdpSession.Parse(city.Response.Body.Span).Ssrc;
        Assert.Equal(sessions.Single(s => s.Platform == "city").PlatformSsrc, citySsrc);
        Assert.StartsWith("0", citySsrc);   // a live SSRC of the gateway's domain

        var last = BinaryPrimitives.ReadUInt16BigEndian(BridgeCapture.Packets[^1].AsSpan(2));
        await BridgeWait.UntilAsync(() => HasPacket(provinceSink, last) && HasPacket(citySink, last), "the end of the capture at both platforms");
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, 100000011)), provinceSink.Received);
        var cityPackets = citySink.Received.ToArray();
        var expectedCity = BridgeCapture.Packets.Skip(BridgeCapture.Packets.Length - cityPackets.Length)
            .Select(p => BridgeCapture.WithSsrc(p, uint.Parse(citySsrc!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expectedCity, cityPackets);   // joined mid-stream: the tail of the same packets, under its own SSRC

        Assert.Equal(SipStatus.Ok, (await province.Dialog!.ByeAsync()).StatusCode);
        await BridgeWait.UntilAsync(() => relay.Platforms.Count == 1, "the province leg removed");
        Assert.False(relay.IsDisposed);   // the camera keeps streaming for the city
        Assert.Equal("city", Assert.Single(gateway.Bridge.GetSessions()).Platform);
        var info = city.Dialog!.CreateRequest(SipMethod.Info);
        info.ContentType = "Application/MANSRTSP";
        info.Body = "PAUSE RTSP/1.0\r\nCSeq: 1\r\nPauseTime: now\r\n"u8.ToArray();
        var paused = await city.Dialog.SendRequestAsync(info);
        Assert.Equal((200, "PAUSE"), (paused.StatusCode, paused.ReasonPhrase));   // the camera's dialog is still up: it answered

        Assert.Equal(SipStatus.Ok, (await city.Dialog!.ByeAsync()).StatusCode);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);   // now the camera got BYE
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "every port returned");
        Assert.True(relay.IsDisposed);
    }

    [Fact]
    public async Task A_viewer_cancelling_while_another_waits_does_not_cancel_the_camera_invite()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort,   // rings 3 s before it answers; a CANCEL would fail it
            edit: text => text.Replace("  <send retrans=\"500\">", "  <pause milliseconds=\"3000\"/>\n  <send retrans=\"500\">", StringComparison.Ordinal));
        await using var provinceSink = BridgeRtpSink.OpenUdp();
        await using var citySink = BridgeRtpSink.OpenUdp();
        var channel = new Gb28181Gateway.Cascade.State.ChannelRef(BridgeHarness.CameraId, BridgeHarness.ChannelId);

        using var cancel = new CancellationTokenSource();
        var ringing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var province = gateway.Province.InviteAsync(BridgePlatform.Offer(provinceSink.Port, "0100000011"),
            onProvisional: r => { if (r.StatusCode == SipStatus.Ringing) { ringing.TrySetResult(); } }, cancellationToken: cancel.Token);
        await ringing.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var city = gateway.City.InviteAsync(BridgePlatform.Offer(citySink.Port, "0100000012"));
        await BridgeWait.UntilAsync(() => gateway.Bridge.PendingViewers(channel) == 2, "the city waiting for the same stream");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => province);

        var answered = await city;
        Assert.True(answered.IsSuccess, $"city: {answered.StatusCode}; sipp said:\n{camera.Output}");
        var last = BinaryPrimitives.ReadUInt16BigEndian(BridgeCapture.Packets[^1].AsSpan(2));
        await BridgeWait.UntilAsync(() => HasPacket(citySink, last), "the capture at the city");
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, 100000012)), citySink.Received);
        Assert.Empty(provinceSink.Received);   // its leg went with its CANCEL
        Assert.Equal("city", Assert.Single(gateway.Bridge.GetSessions()).Platform);

        await answered.Dialog!.ByeAsync();
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);   // no CANCEL, then the BYE
    }

    private static bool HasPacket(BridgeRtpSink sink, ushort sequence) =>
        sink.Received.Any(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == sequence);
}
