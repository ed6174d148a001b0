using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Messages;

/// <summary>URI and address details a B2BUA rewrites: IPv6 hosts, where parameters belong, display names.</summary>
public sealed class SipAddressModelTests
{
    [Fact]
    public void Ipv6_hosts_keep_their_brackets_and_ports_in_uris_vias_and_contacts()
    {
        var m = Parse(
            "INVITE sip:34020000001320000001@[2001:db8::10]:5060;transport=udp SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK6;received=2001:db8::99;rport=5071\r\n" +
            "From: <sip:34020000002000000001@3402000000>;tag=a\r\n" +
            "To: <sip:34020000001320000001@3402000000>\r\n" +
            "Contact: <sip:34020000002000000001@[fe80::1]>\r\n");
        var request = (SipRequest)m;

        Assert.Equal(("[2001:db8::10]", 5060, "udp"), (request.RequestUri.Host, request.RequestUri.Port, request.RequestUri.Transport));
        Assert.Equal(("[2001:db8::1]", 5070, "2001:db8::99", 5071), (m.TopVia!.Host, m.TopVia.Port, m.TopVia.Received, m.TopVia.RPort));
        Assert.Equal("[fe80::1]", m.Contact!.Uri.Host);
        Assert.Equal("sip:34020000001320000001@[2001:db8::10]:5060;transport=udp", request.RequestUri.ToString());
        Assert.Equal("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK6;received=2001:db8::99;rport=5071", m.TopVia.ToString());
    }

    [Theory]
    [InlineData("[2001:db8::1")]
    [InlineData("2001:db8::1")]
    [InlineData("[2001:db8::1]:")]
    [InlineData("[2001:db8::1]x")]
    [InlineData("[fe80::1%25eth0]")] // RFC 3261 IPv6reference has no zone id
    public void Malformed_ipv6_references_are_refused(string host)
    {
        Assert.False(SipUri.TryParse($"sip:u@{host}", out _));
    }

    [Fact]
    public void In_addr_spec_form_every_parameter_belongs_to_the_header()
    {
        var a = SipNameAddress.Parse("sip:34020000001320000001@192.168.1.64;transport=tcp;tag=77;expires=30");

        Assert.Empty(a.Uri.Parameters);
        Assert.Equal(["transport", "tag", "expires"], a.Parameters.Select(p => p.Name));
        Assert.Equal(("77", 30), (a.Tag, a.Expires));
    }

    [Fact]
    public void In_name_addr_form_parameters_inside_the_brackets_belong_to_the_uri()
    {
        var a = SipNameAddress.Parse("<sip:34020000001320000001@192.168.1.64;transport=tcp;lr>;tag=77");

        Assert.Equal(("tcp", true), (a.Uri.Transport, a.Uri.Parameters.Contains("lr")));
        Assert.Equal(["tag"], a.Parameters.Select(p => p.Name));
        Assert.Equal("<sip:34020000001320000001@192.168.1.64;transport=tcp;lr>;tag=77", a.ToString());
    }

    [Fact]
    public void An_addr_spec_with_uri_parameters_is_written_back_in_brackets_so_they_stay_uri_parameters()
    {
        var a = new SipNameAddress(SipUri.Parse("sip:u@h;transport=tcp"), null, SipParameters.Of(new SipParameter("tag", "1")));

        var reparsed = SipNameAddress.Parse(a.ToString());

        Assert.Equal("tcp", reparsed.Uri.Transport);
        Assert.Equal("1", reparsed.Tag);
    }

    [Theory]
    [InlineData("\"Camera \\\"Gate\\\" 1\" <sip:u@h>", "Camera \"Gate\" 1")]
    [InlineData("\"back\\\\slash\" <sip:u@h>", "back\\slash")]
    [InlineData("\"<sip:not-the-uri@x>\" <sip:u@h>", "<sip:not-the-uri@x>")]
    [InlineData("\"\" <sip:u@h>", null)] // an empty quoted name reads as no name
    [InlineData("Gate  Camera <sip:u@h>", "Gate  Camera")]
    [InlineData("\"大门摄像机\" <sip:u@h>", "大门摄像机")]
    public void Quoted_display_names_unescape_and_round_trip(string text, string? displayName)
    {
        var a = SipNameAddress.Parse(text);

        Assert.Equal(displayName, a.DisplayName);
        Assert.Equal("u", a.Uri.User);
        var again = SipNameAddress.Parse(a.ToString());
        Assert.Equal(displayName, again.DisplayName);
        Assert.Equal(a.Uri, again.Uri);
    }

    [Theory]
    [InlineData("\"unterminated <sip:u@h>")]
    [InlineData("Bell, Alexander <sip:u@h>")]
    [InlineData("<sip:u@h")]
    [InlineData("\"name\" sip:u@h")]
    public void Malformed_addresses_are_refused(string text)
    {
        Assert.False(SipNameAddress.TryParse(Encoding.UTF8.GetBytes(text), out _));
        Assert.Throws<FormatException>(() => SipNameAddress.Parse(text));
    }

    private static SipMessage Parse(string head)
    {
        var result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(head + "Call-ID: c\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"));
        Assert.True(result.Success, result.Error);
        return result.Message!;
    }
}
