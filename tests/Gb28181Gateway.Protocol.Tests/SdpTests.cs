using System.Text;
using Gb28181Gateway.Protocol.Sdp;

namespace Gb28181Gateway.Protocol.Tests;

public sealed class SdpTests
{
    [Theory]
    [MemberData(nameof(Vectors.SdpNames), MemberType = typeof(Vectors))]
    public void Vector_survives_a_write_and_read_back_unchanged(string name)
    {
        var parsed = SdpSession.Parse(Vectors.Sdp(name));
        var written = parsed.ToBytes();
        var again = SdpSession.Parse(written);

        Assert.Equal(parsed, again);
        Assert.Equal(written, again.ToBytes());
        Assert.DoesNotContain("\n", Encoding.UTF8.GetString(written).Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Vectors.SdpNames), MemberType = typeof(Vectors))]
    public void Vector_split_at_every_offset_and_byte_by_byte_reads_the_same(string name)
    {
        var bytes = Vectors.Sdp(name);
        var expected = SdpSession.Parse(bytes);
        for (var at = 1; at < bytes.Length; at++)
        {
            Assert.Equal(expected, SdpSession.Parse(Vectors.Split(bytes, at)));
        }

        Assert.Equal(expected, SdpSession.Parse(Vectors.OneByteSegments(bytes)));
    }

    [Fact]
    public void Tcp_play_offer_with_the_vendor_streamprofile_alias()
    {
        var sdp = SdpSession.Parse(Vectors.Sdp("001-server-invite-play-tcp.sdp"));

        Assert.Equal(SdpSessionKind.Play, sdp.Kind);
        Assert.Equal("34020000001310000001", sdp.Origin.Username);
        Assert.Equal("34020000001310000001", sdp.MediaSourceId);
        var video = Assert.Single(sdp.Media);
        Assert.Equal(8888, video.Port);
        Assert.True(video.IsTcp);
        Assert.Equal(SdpSetup.Active, video.Setup);
        Assert.Equal(SdpTransport.TcpActive, video.Transport);
        Assert.Equal("new", video.ConnectionMode);
        Assert.Equal(SdpDirection.RecvOnly, video.Direction);
        Assert.Equal([96, 97, 98], video.Formats);
        Assert.Equal(0, video.DownloadSpeed);
        Assert.Equal(0, video.StreamNumber);
        Assert.Equal("streamprofile", video.StreamNumberName);
        Assert.Equal("192.168.0.110", sdp.AddressOf(video));
        Assert.True(sdp.TryGetSsrc(out var ssrc));
        Assert.Equal(10000u, ssrc.Value);
        Assert.Contains("a=streamprofile:0\r\n", sdp.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Playback_offer_has_the_recording_window_and_an_empty_f_line()
    {
        var sdp = SdpSession.Parse(Vectors.Sdp("000-exosip-invite-playback.sdp"));

        Assert.Equal(SdpSessionKind.Playback, sdp.Kind);
        Assert.Equal("34020000001310000001:3", sdp.MediaSource);
        Assert.Equal(1714804996ul, sdp.StartTime);
        Assert.Equal(1714806986ul, sdp.StopTime);
        Assert.Equal(string.Empty, sdp.Format);
        Assert.Equal("0000002000", sdp.Ssrc);
        Assert.EndsWith("y=0000002000\r\nf=\r\n", sdp.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Download_answer_keeps_vendor_attributes_and_the_file_size()
    {
        var sdp = SdpSession.Parse(Vectors.Sdp("000-hikvision-nvr-answer-download.sdp"));

        Assert.Equal(SdpSessionKind.Unknown, sdp.Kind);
        var video = Assert.Single(sdp.Media);
        Assert.Equal(2124794308L, video.FileSize);
        Assert.Equal(SdpDirection.SendOnly, video.Direction);
        Assert.Contains(new SdpAttribute("username", "34020000001110000001"), video.Attributes);
        Assert.Contains(new SdpAttribute("password", "zzgd1234"), video.Attributes);
    }

    [Fact]
    public void Talk_offer_keeps_the_i_line_and_codecs_resolve_by_name()
    {
        var sdp = SdpSession.Parse(Vectors.Sdp("001-device-invite-talk.sdp"));

        var audio = Assert.Single(sdp.Media);
        Assert.Equal("audio", audio.MediaType);
        Assert.Equal(new SdpRtpMap(8, "PCMA", 8000, 1), audio.FindCodec("pcma"));
        Assert.Equal("v/0/0/0/0/0a/1/8/1", sdp.Format);
        Assert.Contains(new SdpLine('i', "VCam BroadCast Session"), sdp.OtherLines);
        Assert.Contains("i=VCam BroadCast Session\r\n", sdp.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Codec_matching_uses_the_rtpmap_name_not_the_payload_number()
    {
        // 97 is MPEG4 and 98 is H264 here, listed in a different order than the m= line.
        var sdp = SdpSession.Parse(Vectors.Sdp("003-lhy-invite-play-h265.sdp"));
        var video = sdp.FindMedia("video")!;

        Assert.Equal(98, video.FindCodec("H264")!.PayloadType);
        Assert.Equal(99, video.FindCodec("H265")!.PayloadType);
        Assert.Equal(["PS", "MPEG4", "H264", "H265"], video.Codecs.Select(c => c.EncodingName));
        Assert.Equal(99, GbSdp.SelectCodec(video, ["H265", "PS"])!.PayloadType);
        Assert.Null(GbSdp.SelectCodec(video, ["SVAC"]));
    }

    [Fact]
    public void Static_payload_types_without_rtpmap_are_known()
    {
        var sdp = SdpSession.Parse("v=0\r\no=x 0 0 IN IP4 10.0.0.1\r\ns=Talk\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 8\r\na=sendrecv\r\n");
        var audio = Assert.Single(sdp.Media);

        Assert.Equal(SdpSessionKind.Talk, sdp.Kind);
        Assert.Equal(["PCMU", "PCMA"], audio.Codecs.Select(c => c.EncodingName));
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
    }

    [Theory]
    [InlineData("a=stream:1", "stream", 1)]
    [InlineData("a=streamnumber:1", "streamnumber", 1)]
    [InlineData("a=streamMode:SUB", "streamMode", 1)]
    [InlineData("a=streamMode:MAIN", "streamMode", 0)]
    public void Stream_choice_is_read_from_every_vendor_alias(string line, string name, int expected)
    {
        var sdp = SdpSession.Parse($"v=0\r\no=x 0 0 IN IP4 10.0.0.1\r\ns=Play\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\na=rtpmap:96 PS/90000\r\n{line}\r\ny=0100000001\r\n");
        var video = Assert.Single(sdp.Media);

        Assert.Equal(expected, video.StreamNumber);
        Assert.Equal(name, video.StreamNumberName);
    }

    [Fact]
    public void Bare_lf_and_unknown_lines_are_accepted_and_kept()
    {
        var sdp = SdpSession.Parse("v=0\no=x 0 0 IN IP4 10.0.0.1\ns=Play\nc=IN IP4 10.0.0.1\nt=0 0\nm=video 5000 RTP/AVP 96\na=rtpmap:96 PS/90000\na=x-vendor:1\nb=AS:4096\ny=0100000001\nx=vendor\n");

        var video = Assert.Single(sdp.Media);
        Assert.Contains(new SdpAttribute("x-vendor", "1"), video.Attributes);
        Assert.Contains(new SdpLine('b', "AS:4096"), video.OtherLines);
        var text = sdp.ToString();
        Assert.Contains("a=x-vendor:1\r\n", text, StringComparison.Ordinal);
        Assert.Contains("b=AS:4096\r\n", text, StringComparison.Ordinal);
        Assert.Contains("x=vendor\r\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("v=0\r\ns=Play\r\nt=0 0\r\n", "o=")]
    [InlineData("v=0\r\no=x 0 0 IN IP4 10.0.0.1\r\ns=Play\r\nt=0 0\r\nm=video abc RTP/AVP 96\r\n", "port")]
    [InlineData("v=0\r\no=x 0 0 IN IP4 10.0.0.1\r\ns=Play\r\nt=0 0\r\nthis is not sdp\r\n", "line")]
    public void Malformed_bodies_raise_an_sdp_format_exception(string text, string mentions)
    {
        var error = Assert.Throws<SdpFormatException>(() => SdpSession.Parse(text));
        Assert.Contains(mentions, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Gateway_offer_for_tcp_passive_playback()
    {
        var offer = GbSdp.CreateOffer(new SdpOfferOptions
        {
            Kind = SdpSessionKind.Playback,
            OriginId = "34020000002000000001",
            Address = "10.1.2.3",
            Port = 30000,
            Transport = SdpTransport.TcpPassive,
            Ssrc = new Ssrc(1_340_200_001),
            ChannelId = "34020000001320000001",
            StartTime = 1714804996,
            StopTime = 1714806986,
        });

        Assert.StartsWith(
            "v=0\r\no=34020000002000000001 0 0 IN IP4 10.1.2.3\r\ns=Playback\r\nu=34020000001320000001:0\r\nc=IN IP4 10.1.2.3\r\nt=1714804996 1714806986\r\n"
            + "m=video 30000 TCP/RTP/AVP 96 97 98\r\n",
            offer.ToString(),
            StringComparison.Ordinal);
        Assert.EndsWith("y=1340200001\r\n", offer.ToString(), StringComparison.Ordinal);
        var reread = SdpSession.Parse(offer.ToBytes());
        Assert.Equal(offer, reread);
        var video = Assert.Single(reread.Media);
        Assert.Equal(SdpSetup.Passive, video.Setup);
        Assert.Equal(SdpDirection.RecvOnly, video.Direction);
        Assert.Equal("1340200001", reread.Ssrc);
    }

    [Fact]
    public void Offer_for_history_without_a_channel_is_refused()
    {
        var options = new SdpOfferOptions { Kind = SdpSessionKind.Download, OriginId = "x", Address = "10.0.0.1", Port = 1 };
        Assert.Throws<ArgumentException>(() => GbSdp.CreateOffer(options));
    }

    [Fact]
    public void Answer_takes_the_opposite_tcp_role_and_direction_and_keeps_the_offered_payload_number()
    {
        var offer = SdpSession.Parse(Vectors.Sdp("001-server-invite-play-tcp.sdp"));
        var answer = GbSdp.CreateAnswer(offer, new SdpAnswerOptions
        {
            OriginId = "34020000001320000002",
            Address = "10.9.9.9",
            Port = 15060,
            Ssrc = new Ssrc(10000),
            Codecs = ["H264", "PS"],
        });

        var video = Assert.Single(answer.Media);
        Assert.Equal(SdpSetup.Passive, video.Setup);
        Assert.Equal(SdpDirection.SendOnly, video.Direction);
        Assert.Equal([98], video.Formats);
        Assert.Equal(new SdpRtpMap(98, "H264", 90000), Assert.Single(video.RtpMaps));
        Assert.Equal("0000010000", answer.Ssrc);
        Assert.Equal(SdpSessionKind.Play, answer.Kind);
    }

    [Fact]
    public void Answer_without_a_common_codec_is_refused()
    {
        var offer = SdpSession.Parse(Vectors.Sdp("000-exosip-invite-play.sdp"));
        var options = new SdpAnswerOptions { OriginId = "x", Address = "10.0.0.1", Port = 1, Codecs = ["SVAC"] };

        Assert.False(GbSdp.TryCreateAnswer(offer, options, out _));
        Assert.Throws<ArgumentException>(() => GbSdp.CreateAnswer(offer, options));
    }
}
