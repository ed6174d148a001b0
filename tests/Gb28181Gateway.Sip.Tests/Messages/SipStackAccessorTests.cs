using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;
using Gb28181Gateway.Sip.Tests.Parsing;

namespace Gb28181Gateway.Sip.Tests.Messages;

/// <summary>TopViaBranch, FromTag and ToTag read the raw bytes; they must agree with the typed values everywhere.</summary>
public sealed class SipStackAccessorTests
{
    [Fact]
    public void Every_vector_gives_the_same_branch_and_tags_as_the_typed_headers()
    {
        var compared = 0;
        foreach (var (name, bytes) in SipVectors.All())
        {
            if (SipMessageParser.Parse(bytes).Message is not { } typed)
            {
                continue;
            }

            var fast = SipMessageParser.Parse(bytes).Message!;
            Assert.Equal(Outcome(() => typed.TopVia?.Branch), Outcome(() => fast.TopViaBranch));
            Assert.Equal(Outcome(() => typed.From.Tag), Outcome(() => fast.FromTag));
            Assert.Equal(Outcome(() => typed.To.Tag), Outcome(() => fast.ToTag));

            // and once the typed value is cached, from the cache
            Assert.Equal(Outcome(() => typed.TopVia?.Branch), Outcome(() => typed.TopViaBranch));
            Assert.Equal(Outcome(() => typed.From.Tag), Outcome(() => typed.FromTag));
            compared++;
            _ = name;
        }

        Assert.True(compared > 100, $"only {compared} vectors compared");
    }

    [Theory]
    [InlineData("\"a;tag=no\" <sip:u@h;tag=no>;x=1;TAG=yes", "yes")]
    [InlineData("<sip:u@h;tag=uri-param>", null)]
    [InlineData("sip:u@h;tag=header-param", "header-param")]
    [InlineData("\"say \\\"<sip:x>;tag=no\\\"\" <sip:u@h> ; tag = spaced", "spaced")]
    [InlineData("sip:u@h", null)]
    public void Tags_are_header_parameters_never_uri_parameters_or_display_text(string from, string? tag)
    {
        var m = Parse($"From: {from}\r\nTo: {from}\r\n");

        Assert.Equal(tag, m.FromTag);
        Assert.Equal(tag, m.ToTag);
        Assert.Equal(tag, m.From.Tag);
    }

    [Fact]
    public void Branch_comes_from_the_first_via_of_a_list()
    {
        var m = Parse("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKtop;rport, SIP/2.0/UDP b;branch=z9hG4bKlow\r\nFrom: <sip:u@h>;tag=1\r\nTo: <sip:u@h>\r\n", via: false);

        Assert.Equal("z9hG4bKtop", m.TopViaBranch);
    }

    [Fact]
    public void Malformed_or_missing_headers_fail_like_the_typed_accessors()
    {
        var m = new SipRequest(SipMethod.Options, SipUri.Parse("sip:h"));
        Assert.Null(m.TopViaBranch);
        Assert.Equal("missing From header", Assert.Throws<SipMessageException>(() => m.FromTag).Message);
        Assert.Equal("missing To header", Assert.Throws<SipMessageException>(() => m.ToTag).Message);

        m.Headers.Add("Via", "SIP/2.0/UDP");
        m.Headers.Add("From", "<sip:u@h");
        m.Headers.Add("To", "\"unterminated <sip:u@h>");
        Assert.Throws<SipMessageException>(() => m.TopViaBranch);
        Assert.Throws<SipMessageException>(() => m.FromTag);
        Assert.Throws<SipMessageException>(() => m.ToTag);
    }

    [Fact]
    public void Values_set_by_code_are_read_too()
    {
        var m = new SipRequest(SipMethod.Options, SipUri.Parse("sip:h"));
        m.From = SipNameAddress.Parse("<sip:u@h>").WithTag("abc");
        m.Headers.Set("To", "<sip:v@h>;tag=def");
        m.Headers.Add("Via", "SIP/2.0/TCP h:5060;branch=z9hG4bKset");

        Assert.Equal(("abc", "def", "z9hG4bKset"), (m.FromTag, m.ToTag, m.TopViaBranch));
    }

    private static SipMessage Parse(string headers, bool via = true)
    {
        var text = "OPTIONS sip:h SIP/2.0\r\n" +
            (via ? "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n" : string.Empty) +
            headers + "Call-ID: c\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        var result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.Success, result.Error);
        return result.Message!;
    }

    private static string Outcome(Func<string?> read)
    {
        try
        {
            return read() ?? "<null>";
        }
        catch (SipMessageException e)
        {
            return "throws: " + e.Message;
        }
    }
}
