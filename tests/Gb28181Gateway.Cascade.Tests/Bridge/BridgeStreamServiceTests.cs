using System.Buffers.Binary;
using System.Globalization;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>IStreamService: streams for IoT systems (MQTT stream.start/stop, playback.control) without an upper dialog.</summary>
public sealed class BridgeStreamServiceTests
{
    [Fact]
    public async Task A_playback_stream_goes_to_the_target_and_is_controlled_with_mansrtsp_and_stopped_with_bye()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort);
        await using var sink = BridgeRtpSink.OpenUdp();
        var start = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

        var session = await gateway.Bridge.StartAsync(new StreamRequest
        {
            DeviceId = BridgeHarness.CameraId,
            ChannelId = BridgeHarness.ChannelId,
            Kind = "Playback",
            Start = start,
            End = start.AddHours(1),
            TargetHost = "127.0.0.1",
            TargetPort = sink.Port,
        });

        Assert.Equal("Playback", session.Kind);
        Assert.Equal("1", session.DeviceSsrc![..1]);             // history
        Assert.Equal("20000", session.DeviceSsrc.Substring(1, 5)); // characters 4-8 of the domain 3402000000
        var ssrc = uint.Parse(session.PlatformSsrc!, CultureInfo.InvariantCulture);
        var last = BinaryPrimitives.ReadUInt16BigEndian(BridgeCapture.Packets[^1].AsSpan(2));
        await BridgeWait.UntilAsync(() => sink.Received.Any(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == last), "the capture at the target");
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, ssrc)), sink.Received);

        await gateway.Bridge.ControlPlaybackAsync(session.SessionId, "pause");
        await gateway.Bridge.ControlPlaybackAsync(session.SessionId, "scale", scale: 2);
        await gateway.Bridge.ControlPlaybackAsync(session.SessionId, "seek", seekSeconds: 30);
        Assert.True(await gateway.Bridge.StopAsync(session.SessionId, "test"));
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);
        Assert.False(await gateway.Bridge.StopAsync(session.SessionId, "again"));

        var messages = BridgeCamera.Messages(gateway.Directory);
        Assert.Contains("s=Playback\r\n", messages, StringComparison.Ordinal);
        Assert.Contains($"u={BridgeHarness.ChannelId}:0\r\n", messages, StringComparison.Ordinal);
        Assert.Contains($"t={start.ToUnixTimeSeconds()} {start.AddHours(1).ToUnixTimeSeconds()}\r\n", messages, StringComparison.Ordinal);
        Assert.Contains($"Subject: {BridgeHarness.ChannelId}:{session.DeviceSsrc},{BridgeHarness.GatewayId}:0", messages, StringComparison.Ordinal);
        Assert.Contains("PAUSE RTSP/1.0", messages, StringComparison.Ordinal);
        Assert.Contains("Scale: 2", messages, StringComparison.Ordinal);
        Assert.Contains("Range: npt=30-", messages, StringComparison.Ordinal);
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "every port returned");
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
    }

    [Fact]
    public async Task Bad_requests_and_unknown_devices_are_refused_with_clear_errors()
    {
        await using var gateway = await BridgeHarness.StartAsync();
        gateway.AddCamera(LoopbackPorts.Next(), online: false);
        StreamRequest Request(string device = BridgeHarness.CameraId, string kind = "Play", string transport = "udp") => new()
        {
            DeviceId = device, ChannelId = BridgeHarness.ChannelId, Kind = kind, TargetHost = "127.0.0.1", TargetPort = 9000, Transport = transport,
        };

        var unknown = await Assert.ThrowsAsync<DeviceRequestException>(() => gateway.Bridge.StartAsync(Request(device: "34020000001320000077")));
        Assert.Equal(DeviceRequestError.UnknownDevice, unknown.Error);
        var offline = await Assert.ThrowsAsync<DeviceRequestException>(() => gateway.Bridge.StartAsync(Request()));
        Assert.Equal(DeviceRequestError.Offline, offline.Error);
        Assert.Contains("Start and End", (await Assert.ThrowsAsync<ArgumentException>(() => gateway.Bridge.StartAsync(Request(kind: "Playback")))).Message, StringComparison.Ordinal);
        Assert.Contains("'sctp'", (await Assert.ThrowsAsync<ArgumentException>(() => gateway.Bridge.StartAsync(Request(transport: "sctp")))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => gateway.Bridge.ControlPlaybackAsync("nope", "pause"));
        Assert.Equal(0, gateway.Relay.PortsInUse);
    }
}
