using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;
using CascadeMediaOptions = Gb28181Gateway.Cascade.Configuration.MediaOptions;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>
/// Media:DeviceTransports: the transport offered to one device (or every device under an ID prefix) instead of
/// Media:DeviceTransport; and a device answering in another transport than offered is refused, not relayed from.
/// </summary>
public sealed class BridgeDeviceTransportTests
{
    private const string NvrId = "34020000001180000002";
    private const string NvrChannelId = "34020000001310000002";

    [Fact]
    public void An_exact_id_wins_over_a_prefix_and_the_longest_prefix_wins()
    {
        var policy = new DeviceTransportPolicy(new CascadeMediaOptions
        {
            DeviceTransport = "udp",
            DeviceTransports = new()
            {
                ["3402000000118*"] = "tcp-passive",
                ["34020000001180001*"] = "tcp-active",
                ["34020000001180000002"] = "udp",
                ["44*"] = "TCP-Active",
            },
        });

        Assert.Equal(MediaTransport.Udp, policy.For("34020000001180000002"));          // exact
        Assert.Equal(MediaTransport.TcpActive, policy.For("34020000001180001005"));    // the longer prefix
        Assert.Equal(MediaTransport.TcpPassive, policy.For("34020000001180000003"));   // the shorter one
        Assert.Equal(MediaTransport.TcpActive, policy.For("44010000001320000001"));
        Assert.Equal(MediaTransport.Udp, policy.For("34020000001320000001"));          // no override: Media:DeviceTransport
        Assert.Equal(MediaTransport.Udp, policy.Default);
    }

    [Theory]
    [InlineData("34020000001180000002", "sctp", "Media:DeviceTransports:34020000001180000002 'sctp' is not udp, tcp-passive or tcp-active")]
    [InlineData("34020000001180000002", "", "Media:DeviceTransports:34020000001180000002 '' is not udp, tcp-passive or tcp-active")]
    [InlineData("3402000000118", "udp", "Media:DeviceTransports:3402000000118: the key is neither a 20-digit device ID nor digits ending in '*'")]
    [InlineData("*", "udp", "Media:DeviceTransports:*: the key is neither a 20-digit device ID nor digits ending in '*'")]
    public void The_bridge_refuses_a_bad_override_naming_the_key(string key, string value, string message)
    {
        var media = new CascadeMediaOptions { DeviceTransports = new() { [key] = value } };
        var error = Assert.Throws<ArgumentException>(() => new DeviceTransportPolicy(media));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_reports_each_bad_override_under_its_key_in_one_line()
    {
        var options = new GatewayOptions();
        options.Media.DeviceTransports["34020000001180000002"] = "tcp";
        options.Media.DeviceTransports["3402000000118"] = "udp";
        options.Media.DeviceTransports["3402000000132*"] = "tcp-active";
        options.Media.DeviceTransports["34020000001320000001"] = "TCP-PASSIVE";

        var problems = GatewayOptionsValidator.Validate(options).Select(p => p.ToString()).ToArray();

        Assert.Equal(
            [
                "Gateway:Media:DeviceTransports:34020000001180000002: must be udp, tcp-passive or tcp-active (got 'tcp')",
                "Gateway:Media:DeviceTransports:3402000000118: keys must be 20-digit device IDs or digits ending in '*' (an ID prefix, e.g. 3402000000118*)",
            ],
            problems);
    }

    [Fact]
    public async Task The_overridden_device_is_offered_tcp_and_the_other_the_default_udp()
    {
        await using var gateway = await BridgeHarness.StartAsync(o => o.Media.DeviceTransports[NvrId] = "tcp-active");
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        var nvrDirectory = gateway.Directory.CreateSubdirectory("nvr");
        var nvrPort = LoopbackPorts.Next();
        gateway.Devices.Set(new DeviceRecord
        {
            DeviceId = NvrId,
            SignallingEndPoint = "udp:127.0.0.1:" + nvrPort,
            ContactUri = $"sip:{NvrId}@127.0.0.1:{nvrPort}",
            Online = true,
        });
        gateway.Channels.Share(new ChannelRef(NvrId, NvrChannelId));
        using var nvrListener = new TcpListener(IPAddress.Loopback, 0);
        nvrListener.Start();
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort);
        await using var nvr = BridgeCamera.Start("camera-answers.xml", nvrDirectory, nvrPort, ((IPEndPoint)nvrListener.LocalEndpoint).Port, tcpSetup: "passive");
        await using var cameraSink = BridgeRtpSink.OpenUdp();
        await using var nvrSink = BridgeRtpSink.OpenUdp();

        var cameraCall = await gateway.Province.InviteAsync(BridgePlatform.Offer(cameraSink.Port, "0100000031"));
        Assert.True(cameraCall.IsSuccess, $"camera: {cameraCall.StatusCode}; sipp said:\n{camera.Output}");
        var nvrCall = await gateway.Province.InviteAsync(BridgePlatform.Offer(nvrSink.Port, "0100000032"), channelId: NvrChannelId);
        Assert.True(nvrCall.IsSuccess, $"nvr: {nvrCall.StatusCode}; sipp said:\n{nvr.Output}");

        var sessions = gateway.Bridge.GetSessions();
        var nvrMedia = sessions.Single(s => s.Channel.DeviceId == NvrId).DeviceMedia!;
        var cameraMedia = sessions.Single(s => s.Channel.DeviceId == BridgeHarness.CameraId).DeviceMedia!;
        Assert.StartsWith("tcp-active 127.0.0.1:", nvrMedia, StringComparison.Ordinal);
        Assert.StartsWith("udp 127.0.0.1:", cameraMedia, StringComparison.Ordinal);

        // the NVR's stream arrives on the connection the gateway opened to it (its answer: a=setup:passive)
        using var nvrConnection = await nvrListener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await nvrConnection.SendAsync(BridgeCapture.Rfc4571Stream);
        var last = BinaryPrimitives.ReadUInt16BigEndian(BridgeCapture.Packets[^1].AsSpan(2));
        await BridgeWait.UntilAsync(() => HasPacket(nvrSink, last) && HasPacket(cameraSink, last), "both captures at the platform");
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, 100000032)), nvrSink.Received);
        Assert.Equal(BridgeCapture.Packets.Select(p => BridgeCapture.WithSsrc(p, 100000031)), cameraSink.Received);

        await cameraCall.Dialog!.ByeAsync();
        await nvrCall.Dialog!.ByeAsync();
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);
        Assert.True(await nvr.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, nvr.Output);

        var nvrOffer = InviteSdp(BridgeCamera.Messages(nvrDirectory));
        var nvrOffered = Assert.Single(nvrOffer.Media);
        Assert.Equal("TCP/RTP/AVP", nvrOffered.Protocol);
        Assert.Equal(SdpSetup.Active, nvrOffered.Setup);             // RFC 4145: the gateway connects
        Assert.Equal("new", nvrOffered.ConnectionMode);
        Assert.Equal(PortOf(nvrMedia), nvrOffered.Port);
        Assert.Equal("127.0.0.1", nvrOffer.AddressOf(nvrOffered));

        var cameraOffer = InviteSdp(BridgeCamera.Messages(gateway.Directory));
        var cameraOffered = Assert.Single(cameraOffer.Media);
        Assert.Equal("RTP/AVP", cameraOffered.Protocol);
        Assert.Equal(SdpSetup.None, cameraOffered.Setup);
        Assert.Null(cameraOffered.ConnectionMode);
        Assert.Equal(PortOf(cameraMedia), cameraOffered.Port);
    }

    public enum Mismatch
    {
        UdpOfferedTcpAnswered,
        TcpOfferedUdpAnswered,
    }

    [Theory]
    [InlineData(Mismatch.UdpOfferedTcpAnswered)]
    [InlineData(Mismatch.TcpOfferedUdpAnswered)]
    public async Task A_device_answering_another_transport_gets_bye_and_the_platform_488(Mismatch mismatch)
    {
        await using var gateway = await BridgeHarness.StartAsync(o =>
        {
            if (mismatch == Mismatch.TcpOfferedUdpAnswered)
            {
                o.Media.DeviceTransports[BridgeHarness.CameraId] = "tcp-passive";
            }
        });
        var cameraPort = LoopbackPorts.Next();
        gateway.AddCamera(cameraPort);
        using var cameraListener = new TcpListener(IPAddress.Loopback, 0);
        cameraListener.Start();
        await using var camera = BridgeCamera.Start("camera-answers.xml", gateway.Directory, cameraPort,
            mismatch == Mismatch.UdpOfferedTcpAnswered ? ((IPEndPoint)cameraListener.LocalEndpoint).Port : null, stream: false);
        await using var sink = BridgeRtpSink.OpenUdp();

        var result = await gateway.Province.InviteAsync(BridgePlatform.Offer(sink.Port, "0100000041"));

        Assert.Equal(SipStatus.NotAcceptableHere, result.StatusCode);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, camera.Output);   // ACKed, then BYE
        await BridgeWait.UntilAsync(() => gateway.Relay.PortsInUse == 0, "every port returned");
        Assert.Empty(gateway.Bridge.GetSessions());
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
        var offered = Assert.Single(InviteSdp(BridgeCamera.Messages(gateway.Directory)).Media);
        Assert.Equal(mismatch == Mismatch.UdpOfferedTcpAnswered ? "RTP/AVP" : "TCP/RTP/AVP", offered.Protocol);
    }

    /// <summary>The SDP body of the INVITE in a sipp -trace_msg log (the first one).</summary>
    private static SdpSession InviteSdp(string messages)
    {
        var start = messages.IndexOf("INVITE sip:", StringComparison.Ordinal);
        Assert.True(start >= 0, "no INVITE in the device's log:\n" + messages);
        var headersEnd = messages.IndexOf("\r\n\r\n", start, StringComparison.Ordinal);
        var lengthAt = messages.IndexOf("Content-Length:", start, StringComparison.OrdinalIgnoreCase);
        Assert.True(lengthAt > 0 && lengthAt < headersEnd, "no Content-Length in the INVITE");
        var lengthEnd = messages.IndexOf("\r\n", lengthAt, StringComparison.Ordinal);
        var length = int.Parse(messages.AsSpan(lengthAt + "Content-Length:".Length, lengthEnd - lengthAt - "Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
        var body = messages.Substring(headersEnd + 4, length);
        return SdpSession.Parse(System.Text.Encoding.ASCII.GetBytes(body));
    }

    private static int PortOf(string deviceMedia) => int.Parse(deviceMedia[(deviceMedia.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    private static bool HasPacket(BridgeRtpSink sink, ushort sequence) =>
        sink.Received.Any(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2)) == sequence);
}
