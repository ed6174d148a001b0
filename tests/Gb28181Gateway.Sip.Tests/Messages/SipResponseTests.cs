using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Messages;

/// <summary>SipResponse.CreateFor per RFC 3261 §8.2.6, checked on the bytes that go out.</summary>
public sealed class SipResponseTests
{
    private const string Invite =
        "INVITE sip:34020000001310000001@192.168.6.71:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKproxy;received=10.0.0.9, SIP/2.0/TCP 10.0.0.8;branch=z9hG4bKedge\r\n" +
        "v: SIP/2.0/UDP 192.168.6.106:5062;rport=5062;branch=z9hG4bK2420824424\r\n" +
        "Record-Route: <sip:10.0.0.9;lr>\r\n" +
        "From: <sip:34020000002000000010@192.168.6.106:5062>;tag=4086715875\r\n" +
        "To: <sip:34020000001310000001@192.168.6.71:5060>\r\n" +
        "Call-ID: 1316183468\r\n" +
        "CSeq: 20 INVITE\r\n" +
        "Timestamp: 54.2\r\n" +
        "Contact: <sip:34020000002000000010@192.168.6.106:5062>\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n\r\n";

    [Fact]
    public void Final_response_copies_every_via_line_in_order_and_tags_to()
    {
        var response = SipResponse.CreateFor(Request(Invite), 200, toTag: "1504032660");

        Assert.Equal(
            "SIP/2.0 200 OK\r\n" +
            "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKproxy;received=10.0.0.9, SIP/2.0/TCP 10.0.0.8;branch=z9hG4bKedge\r\n" +
            "Via: SIP/2.0/UDP 192.168.6.106:5062;rport=5062;branch=z9hG4bK2420824424\r\n" +
            "From: <sip:34020000002000000010@192.168.6.106:5062>;tag=4086715875\r\n" +
            "To: <sip:34020000001310000001@192.168.6.71:5060>;tag=1504032660\r\n" +
            "Call-ID: 1316183468\r\n" +
            "CSeq: 20 INVITE\r\n" +
            "Content-Length: 0\r\n\r\n",
            Encoding.UTF8.GetString(response.ToBytes()));
        Assert.Equal(["10.0.0.9", "10.0.0.8", "192.168.6.106"], response.Vias.Select(v => v.Host));
    }

    [Fact]
    public void Trying_carries_no_to_tag_and_copies_the_timestamp()
    {
        var trying = SipResponse.CreateFor(Request(Invite), SipStatus.Trying, toTag: "ignored");

        Assert.Null(trying.To.Tag);
        Assert.Equal("54.2", trying.Headers.GetFirst(SipHeaderKind.Timestamp));
        Assert.Equal("<sip:34020000001310000001@192.168.6.71:5060>", trying.Headers.GetFirst(SipHeaderKind.To));
        Assert.False(SipResponse.CreateFor(Request(Invite), 200, toTag: "x").Headers.Contains(SipHeaderKind.Timestamp));
    }

    [Fact]
    public void A_to_tag_already_in_the_request_is_kept_and_the_new_one_ignored()
    {
        var inDialog = Invite.Replace("To: <sip:34020000001310000001@192.168.6.71:5060>", "To: <sip:34020000001310000001@192.168.6.71:5060>;tag=abc", StringComparison.Ordinal);

        var response = SipResponse.CreateFor(Request(inDialog), 200, toTag: "other");

        Assert.Equal("<sip:34020000001310000001@192.168.6.71:5060>;tag=abc", response.Headers.GetFirst(SipHeaderKind.To));
    }

    [Fact]
    public void Without_a_tag_to_add_to_is_copied_verbatim_even_in_compact_and_odd_spacing()
    {
        var request = Request(Invite.Replace("To: <sip:34020000001310000001@192.168.6.71:5060>", "t:   \"Cam 1\"   <sip:34020000001310000001@192.168.6.71:5060>", StringComparison.Ordinal));

        var response = SipResponse.CreateFor(request, 486);

        Assert.Contains("\r\nTo: \"Cam 1\"   <sip:34020000001310000001@192.168.6.71:5060>\r\n", Encoding.UTF8.GetString(response.ToBytes()), StringComparison.Ordinal);
        Assert.Equal("SIP/2.0 486 Busy Here", Encoding.UTF8.GetString(response.ToBytes()).Split("\r\n")[0]);
    }

    [Fact]
    public void A_request_rejected_for_missing_headers_still_gets_the_ones_it_has()
    {
        var result = SipMessageParser.Parse(Encoding.ASCII.GetBytes("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\n\r\n"));

        var response = SipResponse.CreateFor(Assert.IsType<SipRequest>(result.Message), result.ErrorStatusCode, toTag: "t");

        Assert.Equal("missing From header", result.Error);
        Assert.Equal(
            "SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
            Encoding.UTF8.GetString(response.ToBytes()));
    }

    [Fact]
    public void A_malformed_to_in_a_rejected_request_is_copied_not_parsed()
    {
        var result = SipMessageParser.Parse(Encoding.ASCII.GetBytes(Invite.Replace("To: <sip:34020000001310000001@192.168.6.71:5060>", "To: \"open <sip:x@y>", StringComparison.Ordinal)));

        var response = SipResponse.CreateFor(Assert.IsType<SipRequest>(result.Message), result.ErrorStatusCode, toTag: "t");

        Assert.Equal("malformed To header", result.Error);
        Assert.Equal("\"open <sip:x@y>", response.Headers.GetFirst(SipHeaderKind.To));
    }

    [Fact]
    public void Status_and_reason_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(700));
        Assert.Throws<ArgumentException>(() => new SipResponse(200, "OK\r\nVia: injected"));
        Assert.Equal("SIP/2.0 699 Global Failure\r\n", Encoding.ASCII.GetString(new SipResponse(699).ToBytes())[..28]);
        Assert.Equal("SIP/2.0 404 Device Offline\r\n", Encoding.ASCII.GetString(new SipResponse(404, "Device Offline").ToBytes())[..28]);
    }

    [Fact]
    public void A_received_reason_phrase_is_written_back_byte_for_byte()
    {
        var bytes = "SIP/2.0 200 \xB3\xC9\xB9\xA6\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"
            .Select(c => (byte)c).ToArray(); // "成功" in GB2312, not UTF-8

        var response = Assert.IsType<SipResponse>(SipMessageParser.Parse(bytes).Message);

        Assert.Equal(bytes, response.ToBytes());
    }

    private static SipRequest Request(string text)
    {
        var result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.Success, result.Error);
        return Assert.IsType<SipRequest>(result.Message);
    }
}
