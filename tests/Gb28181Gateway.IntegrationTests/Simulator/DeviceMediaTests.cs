using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Media;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary>INVITE of a simulated channel: the SDP answer, the RTP that arrives (the capture's payloads, the offered SSRC), BYE and INFO.</summary>
public sealed class DeviceMediaTests
{
    private const string Channel = "34020000001310000001";
    private static readonly string OfferedSsrc = Ssrc.Create(SsrcKind.Live, TestRegistrar.Domain, 42).ToString();

    [Fact]
    public async Task A_udp_invite_is_answered_with_the_offered_ssrc_and_streams_the_capture_until_bye()
    {
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(DeviceModeTests.Options(registrar.EndPoint, count: 1, channels: 1), TimeProvider.System);
        farm.Start();
        var device = (await DeviceModeTests.RegistrationsAsync(registrar, 1)).Single().Value[1].Source;
        using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var result = await InviteAsync(registrar, device, "RTP/AVP", ((IPEndPoint)rtp.LocalEndPoint!).Port, setup: null);

        Assert.Equal(SipStatus.Ok, result.StatusCode);
        var answer = MediaOffer.Parse(result.Response.Body.Span);
        Assert.Equal(OfferedSsrc, answer.Ssrc);
        Assert.Equal(IPAddress.Loopback, answer.Address);
        Assert.False(answer.IsTcp);
        Assert.Contains("a=sendonly", Encoding.ASCII.GetString(result.Response.Body.Span));

        var buffer = new byte[2048];
        var packets = new List<byte[]>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (packets.Count < 30)
        {
            var n = await rtp.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            packets.Add(buffer[..n]);
        }

        AssertCapturePayloads(farm.Capture, packets);
        await result.Dialog!.ByeAsync();
        await DeviceModeTests.WaitUntilAsync(() => farm.Statistics.ActiveStreams == 0 && farm.Statistics.RtpPackets >= 30);
        Assert.Equal(1, farm.Statistics.Invites);
    }

    [Fact]
    public async Task A_tcp_offer_with_setup_passive_makes_the_device_connect_and_send_rfc4571_frames()
    {
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(DeviceModeTests.Options(registrar.EndPoint, count: 1, channels: 1), TimeProvider.System);
        farm.Start();
        var device = (await DeviceModeTests.RegistrationsAsync(registrar, 1)).Single().Value[1].Source;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var result = await InviteAsync(registrar, device, "TCP/RTP/AVP", ((IPEndPoint)listener.LocalEndpoint).Port, setup: "passive");

        var answer = MediaOffer.Parse(result.Response.Body.Span);
        Assert.True(answer.IsTcp);
        Assert.Equal("active", answer.Setup);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = connection.GetStream();
        var packets = new List<byte[]>();
        var header = new byte[2];
        while (packets.Count < 30)
        {
            await stream.ReadExactlyAsync(header, timeout.Token);
            var packet = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            await stream.ReadExactlyAsync(packet, timeout.Token);
            packets.Add(packet);
        }

        AssertCapturePayloads(farm.Capture, packets);
        await result.Dialog!.ByeAsync();
        await DeviceModeTests.WaitUntilAsync(() => farm.Statistics.ActiveStreams == 0);
    }

    [Fact]
    public async Task Info_pause_and_play_are_accepted_and_unknown_commands_refused()
    {
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(DeviceModeTests.Options(registrar.EndPoint, count: 1, channels: 1), TimeProvider.System);
        farm.Start();
        var device = (await DeviceModeTests.RegistrationsAsync(registrar, 1)).Single().Value[1].Source;
        using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var dialog = (await InviteAsync(registrar, device, "RTP/AVP", ((IPEndPoint)rtp.LocalEndPoint!).Port, setup: null)).Dialog!;

        Assert.Equal(SipStatus.Ok, await InfoAsync(dialog, "PAUSE RTSP/1.0\r\nCSeq: 1\r\nPauseTime: now\r\n\r\n"));
        Assert.Equal(SipStatus.Ok, await InfoAsync(dialog, "PLAY RTSP/1.0\r\nCSeq: 2\r\nRange: npt=now-\r\n\r\n"));
        Assert.Equal(SipStatus.BadRequest, await InfoAsync(dialog, "OPTIONS RTSP/1.0\r\nCSeq: 3\r\n\r\n"));
        await dialog.ByeAsync();
    }

    private static async Task<SipDialogResult> InviteAsync(TestRegistrar registrar, SipEndPoint device, string profile, int port, string? setup)
    {
        var uri = SipUri.Create(Channel, TestRegistrar.Domain);
        var invite = registrar.Agent.CreateRequest(SipMethod.Invite, uri, new SipNameAddress(SipUri.Create(TestRegistrar.ServerId, TestRegistrar.Domain)),
            new SipNameAddress(uri), device);
        invite.Headers.Add(SipHeaderKind.Subject, $"{Channel}:{OfferedSsrc},{TestRegistrar.ServerId}:0");
        invite.ContentType = "application/sdp";
        var sdp = $"v=0\r\no={TestRegistrar.ServerId} 0 0 IN IP4 127.0.0.1\r\ns=Play\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video {port} {profile} 96 98 97\r\n" +
            "a=recvonly\r\na=rtpmap:96 PS/90000\r\na=rtpmap:98 H264/90000\r\na=rtpmap:97 MPEG4/90000\r\n" +
            (setup is null ? string.Empty : $"a=setup:{setup}\r\na=connection:new\r\n") + $"y={OfferedSsrc}\r\n";
        invite.Body = Encoding.ASCII.GetBytes(sdp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await registrar.Agent.InviteAsync(invite, device, cancellationToken: timeout.Token);
    }

    private static async Task<int> InfoAsync(SipDialog dialog, string mansrtsp)
    {
        var info = dialog.CreateRequest(SipMethod.Info);
        info.ContentType = "Application/MANSRTSP";
        info.Body = Encoding.ASCII.GetBytes(mansrtsp);
        return (await dialog.SendRequestAsync(info)).StatusCode;
    }

    /// <summary>The packets carry the capture's payloads in order, under the offered SSRC, with consecutive sequence numbers.</summary>
    private static void AssertCapturePayloads(PsCapture capture, List<byte[]> packets)
    {
        var ssrc = Ssrc.Parse(OfferedSsrc).Value;
        for (var i = 0; i < packets.Count; i++)
        {
            var packet = packets[i];
            Assert.Equal(2, packet[0] >> 6);
            Assert.Equal(ssrc, BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)));
            Assert.Equal(capture.Packets[i].AsSpan(12).ToArray(), packet.AsSpan(12).ToArray());
            Assert.Equal(capture.Packets[i][1], packet[1]); // marker and payload type kept
            if (i > 0)
            {
                Assert.Equal((ushort)(BinaryPrimitives.ReadUInt16BigEndian(packets[i - 1].AsSpan(2)) + 1), BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
            }
        }
    }
}
