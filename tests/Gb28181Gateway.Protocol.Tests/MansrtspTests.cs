using System.Text;
using Gb28181Gateway.Protocol.Mansrtsp;

namespace Gb28181Gateway.Protocol.Tests;

public sealed class MansrtspTests
{
    [Theory]
    [MemberData(nameof(Vectors.MansrtspNames), MemberType = typeof(Vectors))]
    public void Vector_is_written_back_with_the_same_lines(string name)
    {
        // Scale is written in invariant shortest form ("2.0" for the "2.000000" some devices send); every other line is kept verbatim.
        var bytes = Vectors.Sdp(name);
        string written;
        if (name.Contains("response", StringComparison.Ordinal))
        {
            var response = MansrtspResponse.Parse(bytes);
            written = response.ToString();
            Assert.Equal(response, MansrtspResponse.Parse(written));
        }
        else
        {
            var request = MansrtspRequest.Parse(bytes);
            written = request.ToString();
            Assert.Equal(request, MansrtspRequest.Parse(written));
        }

        var original = Encoding.UTF8.GetString(bytes).Split("\r\n").Where(l => !l.StartsWith("Scale:", StringComparison.Ordinal));
        Assert.Equal(original, written.Split("\r\n").Where(l => !l.StartsWith("Scale:", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Vectors.MansrtspNames), MemberType = typeof(Vectors))]
    public void Vector_split_at_every_offset_and_byte_by_byte_reads_the_same(string name)
    {
        var bytes = Vectors.Sdp(name);
        var response = name.Contains("response", StringComparison.Ordinal);
        object Read(System.Buffers.ReadOnlySequence<byte> body) => response ? MansrtspResponse.Parse(body) : MansrtspRequest.Parse(body);
        var expected = Read(new System.Buffers.ReadOnlySequence<byte>(bytes));
        for (var at = 1; at < bytes.Length; at++)
        {
            Assert.Equal(expected, Read(Vectors.Split(bytes, at)));
        }

        Assert.Equal(expected, Read(Vectors.OneByteSegments(bytes)));
    }

    [Fact]
    public void Seek_from_a_server()
    {
        var request = MansrtspRequest.Parse(Vectors.Sdp("001-server-info-seek.mansrtsp"));

        Assert.Equal(MansrtspMethod.Play, request.Method);
        Assert.Equal(5, request.CSeq);
        Assert.Equal(new NptRange(379), request.Range);
        Assert.Null(request.Scale);
    }

    [Fact]
    public void Scale_with_a_seek()
    {
        var request = MansrtspRequest.Parse(Vectors.Sdp("000-exosip-info-play-scale2-seek.mansrtsp"));

        Assert.Equal(22, request.CSeq);
        Assert.Equal(2.0, request.Scale);
        Assert.Equal(11.0, request.Range!.Value.Start);
    }

    [Fact]
    public void Response_keeps_its_cseq_and_extra_headers()
    {
        var response = MansrtspResponse.Parse(Vectors.Sdp("000-hikvision-nvr-info-response-20.mansrtsp"));

        Assert.True(response.IsSuccess);
        Assert.Equal(20, response.CSeq);
        Assert.Equal(new MansrtspHeader("RTP-Info", "seq=9810092;rtptime=3450012"), Assert.Single(response.OtherHeaders));
    }

    [Theory]
    [InlineData("npt=now-", null, null)]
    [InlineData("npt=0-", 0.0, null)]
    [InlineData("npt=12.5-30", 12.5, 30.0)]
    [InlineData(" npt = 100 - ", 100.0, null)]
    public void Npt_ranges(string text, double? start, double? end)
    {
        var range = NptRange.Parse(text);

        Assert.Equal(start, range.Start);
        Assert.Equal(end, range.End);
        Assert.Equal(range, NptRange.Parse(range.ToString()));
    }

    [Theory]
    [InlineData("npt=")]
    [InlineData("clock=20240101T000000Z-")]
    [InlineData("npt=abc-")]
    [InlineData("npt=-5-")]
    public void Bad_npt_ranges_are_refused(string text)
    {
        Assert.False(NptRange.TryParse(text, out _));
    }

    [Fact]
    public void Builders_write_what_devices_expect()
    {
        Assert.Equal("PAUSE RTSP/1.0\r\nCSeq: 3\r\nPauseTime: now\r\n", MansrtspRequest.Pause(3).ToString());
        Assert.Equal("PLAY RTSP/1.0\r\nCSeq: 4\r\nRange: npt=now-\r\n", MansrtspRequest.Resume(4).ToString());
        Assert.Equal("TEARDOWN RTSP/1.0\r\nCSeq: 5\r\n", MansrtspRequest.Teardown(5).ToString());
        Assert.Equal("RTSP/1.0 200 OK\r\nCSeq: 6\r\n", MansrtspResponse.Ok(6).ToString());
        var seek = MansrtspRequest.Parse(MansrtspRequest.Seek(7, 120).ToBytes());
        Assert.Equal(120.0, seek.Range!.Value.Start);
        var scale = MansrtspRequest.Parse(MansrtspRequest.ChangeScale(8, 0.5).ToBytes());
        Assert.Equal(0.5, scale.Scale);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("FLY RTSP/1.0\r\nCSeq: 1\r\n", "FLY")]
    [InlineData("PLAY RTSP/1.0\r\nRange: npt=0-\r\n", "CSeq")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: x\r\n", "CSeq")]
    public void Malformed_requests_raise_a_mansrtsp_format_exception(string text, string mentions)
    {
        var error = Assert.Throws<MansrtspFormatException>(() => MansrtspRequest.Parse(text));
        Assert.Contains(mentions, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
