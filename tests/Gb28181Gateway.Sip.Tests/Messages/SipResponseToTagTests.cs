using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Messages;

/// <summary>The To of a response built for a received request: the request's To with our tag, whatever form it came in.</summary>
public sealed class SipResponseToTagTests
{
    [Theory]
    [InlineData("<sip:34020000002000000001@3402000000>", "To: <sip:34020000002000000001@3402000000>;tag=t1")]
    [InlineData("\"Server\" <sip:34020000002000000001@3402000000;transport=udp>  ", "To: \"Server\" <sip:34020000002000000001@3402000000;transport=udp>;tag=t1")]
    [InlineData("sip:34020000002000000001@3402000000", "To: <sip:34020000002000000001@3402000000>;tag=t1")]
    [InlineData("<sip:34020000002000000001@3402000000>;x=1", "To: <sip:34020000002000000001@3402000000>;x=1;tag=t1")]
    [InlineData("<sip:34020000002000000001@3402000000>;tag=theirs", "To: <sip:34020000002000000001@3402000000>;tag=theirs")]
    public void The_request_To_gets_our_tag_once(string requestTo, string expectedLine)
    {
        var request = Parse(requestTo);

        var response = SipResponse.CreateFor(request, SipStatus.Ok, toTag: "t1");
        var wire = Encoding.UTF8.GetString(response.ToBytes());

        Assert.Contains("\r\n" + expectedLine + "\r\n", wire, StringComparison.Ordinal);
        Assert.Equal(expectedLine.EndsWith("theirs", StringComparison.Ordinal) ? "theirs" : "t1", response.To.Tag);
        Assert.Equal(request.To.Uri, response.To.Uri);
    }

    [Fact]
    public void A_100_Trying_gets_no_tag()
    {
        var request = Parse("<sip:34020000002000000001@3402000000>");

        var trying = SipResponse.CreateFor(request, SipStatus.Trying, toTag: "t1");

        Assert.Contains("\r\nTo: <sip:34020000002000000001@3402000000>\r\n", Encoding.UTF8.GetString(trying.ToBytes()), StringComparison.Ordinal);
        Assert.Null(trying.To.Tag);
    }

    private static SipRequest Parse(string to)
    {
        var text = "MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 192.168.1.64:5060;rport;branch=z9hG4bK1\r\n" +
            "From: <sip:34020000001320000001@3402000000>;tag=f1\r\n" +
            $"To: {to}\r\n" +
            "Call-ID: 1@192.168.1.64\r\nCSeq: 20 MESSAGE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        var result = SipMessageParser.Parse(Encoding.ASCII.GetBytes(text));
        return Assert.IsType<SipRequest>(result.Message);
    }
}
