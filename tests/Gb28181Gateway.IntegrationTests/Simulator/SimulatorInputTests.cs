using System.Net;
using System.Text;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Media;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary>Bad inputs to the simulator get errors that say what is wrong; the committed capture loads as the media tests expect.</summary>
public sealed class SimulatorInputTests
{
    [Fact]
    public void The_embedded_capture_is_the_committed_vector_with_timestamps_from_zero()
    {
        var embedded = PsCapture.LoadEmbedded();
        var file = PsCapture.Load(RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.rfc4571"));

        Assert.Equal(209, embedded.Packets.Count);
        Assert.Equal(file.Packets, embedded.Packets);
        Assert.Equal(0u, embedded.TimestampOffsets[0]);
        Assert.True(embedded.LoopDuration > TimeSpan.FromSeconds(3.9) && embedded.LoopDuration < TimeSpan.FromSeconds(4.2), embedded.LoopDuration.ToString());
    }

    [Fact]
    public void A_truncated_capture_is_refused_with_the_offset_of_the_bad_frame()
    {
        byte[] data = [0x00, 0x0C, 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, /* next frame claims 100 bytes */ 0x00, 0x64, 0x80];

        var error = Assert.Throws<InvalidDataException>(() => PsCapture.Parse(data, "test"));

        Assert.Contains("offset 14", error.Message);
    }

    [Theory]
    [InlineData("v=0\r\no=x 0 0 IN IP4 1.2.3.4\r\ns=Play\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\n", "no c= line")]
    [InlineData("v=0\r\no=x 0 0 IN IP4 1.2.3.4\r\ns=Play\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5000 RTP/AVP 8\r\n", "no video m= line")]
    [InlineData("v=0\r\no=x 0 0 IN IP4 1.2.3.4\r\ns=Play\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=video 70000 RTP/AVP 96\r\n", "numeric port")]
    [InlineData("v=0\r\no=x 0 0 IN IP4 1.2.3.4\r\ns=Play\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n", "no valid port")]
    [InlineData("v=0\r\no=x 0 0 IN IP4 1.2.3.4\r\ns=Play\r\nc=IN IP4 camera.local\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\n", "no IPv4/IPv6 address")]
    [InlineData("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 96\r\n", "o=")]
    public void An_unusable_offer_is_refused_saying_why(string sdp, string reason)
    {
        var error = Assert.ThrowsAny<FormatException>(() => MediaOffer.Parse(Encoding.ASCII.GetBytes(sdp)));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_answer_role_follows_the_offer_setup()
    {
        static MediaOffer Offer(string media) => MediaOffer.Parse(Encoding.ASCII.GetBytes($"v=0\r\no=x 0 0 IN IP4 10.0.0.1\r\ns=Play\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n{media}y=0100000001\r\n"));

        Assert.Equal(MediaTransportMode.Udp, Offer("m=video 5000 RTP/AVP 96\r\n").AnswerMode);
        Assert.Equal(MediaTransportMode.TcpActive, Offer("m=video 5000 TCP/RTP/AVP 96\r\na=setup:passive\r\n").AnswerMode);
        Assert.Equal(MediaTransportMode.TcpPassive, Offer("m=video 5000 TCP/RTP/AVP 96\r\na=setup:active\r\n").AnswerMode);
        Assert.Equal("0100000001", Offer("m=video 5000 RTP/AVP 96\r\n").Ssrc);
    }

    [Theory]
    [InlineData("3402000000200000000", null, 1, 1, "--server-id")]
    [InlineData(null, "34020000001320000001x", 1, 1, "--first-id")]
    [InlineData(null, "34020000001329999999", 2, 1, "--count")]
    [InlineData(null, null, 10, 2_000_000, "--channels")]
    public void Options_that_cannot_work_are_refused_naming_the_option(string? serverId, string? firstId, int count, int channels, string option)
    {
        var options = new DeviceFarmOptions
        {
            Server = SipEndPoint.Udp(IPAddress.Loopback, 5060),
            ServerId = serverId ?? "34020000002000000001",
            FirstId = firstId ?? "34020000001320000001",
            Count = count,
            Channels = channels,
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(option, error.Message);
    }
}
