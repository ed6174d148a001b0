using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>INVITEs that cannot be bridged, and sessions that end because something failed.</summary>
public sealed class BridgeFailureTests
{
    [Fact]
    public async Task A_channel_the_platform_is_not_shared_is_404()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        gateway.AddCamera(LoopbackPorts.Next());
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000001"), channelId: "34020000001320000099");

        Assert.Equal(SipStatus.NotFound, result.StatusCode);
        Assert.Equal(0, gateway.Relay.PortsInUse);
    }

    [Fact]
    public async Task An_offline_device_is_480()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        gateway.AddCamera(LoopbackPorts.Next(), online: false);
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000001"));

        Assert.Equal(SipStatus.TemporarilyUnavailable, result.StatusCode);
        Assert.Equal(0, gateway.Relay.PortsInUse);
    }

    [Fact]
    public async Task A_shared_channel_whose_device_the_directory_does_not_know_is_480()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        gateway.Channels.Share(new ChannelRef("34020000001180000001", "34020000001310000001"));
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000001"), channelId: "34020000001310000001");

        Assert.Equal(SipStatus.TemporarilyUnavailable, result.StatusCode);
    }

    [Fact]
    public async Task No_free_media_port_is_503_and_the_device_is_not_invited()
    {
        await using var gateway = await BridgeHarness.StartAsync(mediaPorts: 1);   // the device leg takes it; none left for the platform leg
        using var camera = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        camera.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        gateway.AddCamera(((IPEndPoint)camera.LocalEndPoint!).Port);
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000001"));

        Assert.Equal(SipStatus.ServiceUnavailable, result.StatusCode);
        Assert.Equal(0, gateway.Relay.PortsInUse);
        Assert.Equal(0, camera.Available);   // nothing was sent to the camera
        Assert.Empty(gateway.Bridge.GetSessions());
    }

    [Fact]
    public async Task A_camera_refusing_with_486_is_answered_486_upward()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-refuses.xml", gateway.Directory, cameraPort);
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000001"));

        Assert.Equal(SipStatus.BusyHere, result.StatusCode);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);   // the camera's 486 was ACKed
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "the ports returned");
        Assert.Empty(gateway.Bridge.GetSessions());
    }

    [Fact]
    public async Task A_cancel_from_the_platform_cancels_the_camera_invite_and_the_platform_gets_487()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-rings.xml", gateway.Directory, cameraPort);

        await using var platform = ExternalProcess.Start("sipp", [
            "-sf", RepositoryPaths.Path("tests", "sipp", "bridge", "platform-cancels.xml"), "127.0.0.1:" + BridgeCamera.Str(gateway.Province.Options.LocalPort),
            "-s", BridgeHarness.ChannelId, "-key", "platform", gateway.Province.Options.ServerId,
            "-i", "127.0.0.1", "-p", BridgeCamera.Str(LoopbackPorts.Next()), "-mp", BridgeCamera.Str(LoopbackPorts.NextRange(4)),
            "-m", "1", "-nostdin", "-timeout", "30s",
        ], gateway.Directory.FullName);

        Assert.True(await platform.WaitForExitAsync(TimeSpan.FromSeconds(40)) == 0, "platform:\n" + platform.Output);   // 200 to CANCEL, 487 to INVITE
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(40)) == 0, "camera:\n" + camera.Output);       // got CANCEL, its 487 was ACKed
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "the ports returned");
        Assert.Empty(gateway.Bridge.GetSessions());
    }

    [Fact]
    public async Task No_media_from_the_camera_ends_the_session_with_bye_to_both_sides()
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.NoMediaTimeoutSeconds = 1);
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort, stream: false);
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000001"));
        Assert.True(result.IsSuccess, $"INVITE answered {result.StatusCode}; sipp said:\n{camera.Output}");

        await result.Dialog!.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SipDialogEndReason.ByeReceived, result.Dialog.EndReason);                            // BYE to the platform
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);        // BYE to the camera
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "the ports returned");
        Assert.Empty(gateway.Bridge.GetSessions());
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
    }

    [Fact]
    public async Task A_platform_that_never_acks_the_200_gets_bye_and_so_does_the_camera()
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.NoMediaTimeoutSeconds = 600);   // only the ACK timeout ends it
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort, stream: false);

        await using var platform = ExternalProcess.Start("sipp", [
            "-sf", RepositoryPaths.Path("tests", "sipp", "bridge", "platform-never-acks.xml"), "127.0.0.1:" + BridgeCamera.Str(gateway.Province.Options.LocalPort),
            "-s", BridgeHarness.ChannelId, "-key", "platform", gateway.Province.Options.ServerId,
            "-i", "127.0.0.1", "-p", BridgeCamera.Str(LoopbackPorts.Next()), "-mp", BridgeCamera.Str(LoopbackPorts.NextRange(4)),
            "-m", "1", "-nostdin", "-timeout", "90s",
        ], gateway.Directory.FullName);

        Assert.True(await platform.WaitForExitAsync(TimeSpan.FromSeconds(100)) == 0, "platform:\n" + platform.Output);   // got the BYE (after 64*T1)
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, "camera:\n" + camera.Output);
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "the ports returned");
        Assert.Empty(gateway.Bridge.GetSessions());
    }
}
