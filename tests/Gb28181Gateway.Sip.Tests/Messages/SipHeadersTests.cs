using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Messages;

/// <summary>Header list semantics a B2BUA relies on, checked on the serialised bytes.</summary>
public sealed class SipHeadersTests
{
    private const string Message =
        "MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\n" +
        "v: SIP/2.0/UDP 192.168.0.64:5060;rport;branch=z9hG4bK1, SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK0\r\n" +
        "Via: SIP/2.0/TCP 10.2.2.2:5070;branch=z9hG4bKz\r\n" +
        "f: <sip:34020000001320000002@3402000000>;tag=1\r\n" +
        "t: <sip:34020000002000000001@3402000000>\r\n" +
        "X-Vendor-Trace: a;b=\"1, 2\",  c\r\n" +
        "i: 594186441\r\n" +
        "CSeq: 20 MESSAGE\r\n" +
        "Route: <sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr>\r\n" +
        "Route: \"Edge, West\" <sip:p3.example.com;lr>\r\n" +
        "Record-Route: <sip:rr1;lr>, <sip:rr2;lr>\r\n" +
        "m: \"Cam, 1\" <sip:34020000001320000002@192.168.0.64:5060>;expires=60, <sip:backup@192.168.0.65>\r\n" +
        "x-vendor-trace: second\r\n" +
        "Subject: folded\r\n   across\r\n\tthree lines\r\n" +
        "c: Application/MANSCDP+xml\r\n" +
        "s: subject-is-compact-s\r\n" +
        "k: 100rel\r\n" +
        "o: Catalog;id=1\r\n" +
        "u: presence\r\n" +
        "l: 5\r\n\r\nhello";

    [Fact]
    public void Compact_forms_are_read_as_their_header_and_written_in_long_form()
    {
        var text = Serialise(Parse(Message));

        foreach (var name in new[] { "Via", "From", "To", "Call-ID", "Contact", "Content-Type", "Supported", "Event", "Allow-Events", "Content-Length" })
        {
            Assert.Contains($"\r\n{name}: ", text, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(@"\r\n[vftimcsklou]:", text);
        Assert.EndsWith("\r\nContent-Length: 5\r\n\r\nhello", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_headers_keep_their_name_value_and_place()
    {
        var m = Parse(Message);

        Assert.Equal(["X-Vendor-Trace", "x-vendor-trace"], m.Headers.Where(h => h.Kind == SipHeaderKind.Other).Select(h => h.Name));
        Assert.Equal("a;b=\"1, 2\",  c", m.Headers.GetFirst("x-VENDOR-trace"));
        Assert.Equal(["a;b=\"1, 2\",  c", "second"], m.Headers.Where(h => h.Kind == SipHeaderKind.Other).Select(h => h.Value));
        var text = Serialise(m);
        Assert.Contains("\r\nTo: <sip:34020000002000000001@3402000000>\r\nX-Vendor-Trace: a;b=\"1, 2\",  c\r\nCall-ID: 594186441\r\n", text, StringComparison.Ordinal);
        Assert.Contains(", <sip:backup@192.168.0.65>\r\nx-vendor-trace: second\r\nSubject: ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Folded_lines_are_joined_by_one_space()
    {
        var m = Parse(Message);

        Assert.Equal("folded across three lines", m.Subject);
        Assert.Contains("\r\nSubject: folded across three lines\r\n", Serialise(m), StringComparison.Ordinal);
    }

    [Fact]
    public void List_headers_on_several_lines_read_as_one_list_each()
    {
        var m = Parse(Message);

        Assert.Equal(["192.168.0.64", "10.1.1.1", "10.2.2.2"], m.Vias.Select(v => v.Host));
        Assert.Equal("192.168.0.64", m.TopVia!.Host);
        Assert.Equal(["p1.example.com", "p2.example.com", "p3.example.com"], m.Routes.Select(r => r.Uri.Host));
        Assert.Equal("Edge, West", m.Routes[2].DisplayName);
        Assert.Equal(["rr1", "rr2"], m.RecordRoutes.Select(r => r.Uri.Host));
        Assert.Equal(["Cam, 1", null], m.Contacts.Select(c => c.DisplayName));
        Assert.Equal(60, m.Contacts[0].Expires);
        Assert.Equal(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>", "\"Edge, West\" <sip:p3.example.com;lr>"], m.Headers.GetAll(SipHeaderKind.Route));
    }

    [Fact]
    public void Set_replaces_the_first_in_place_and_drops_the_others()
    {
        var m = Parse(Message);

        m.Headers.Set(SipHeaderKind.Via, new SipVia("UDP", "172.16.0.1", 5060, SipParameters.Of(new SipParameter("branch", "z9hG4bKnew"))));
        m.Headers.Set("X-VENDOR-TRACE", "replaced");

        var lines = Serialise(m).Split("\r\n");
        Assert.Equal("Via: SIP/2.0/UDP 172.16.0.1:5060;branch=z9hG4bKnew", lines[1]);
        Assert.Single(lines, l => l.StartsWith("Via:", StringComparison.Ordinal));
        Assert.Equal("X-Vendor-Trace: replaced", lines[4]);
        Assert.DoesNotContain(lines, l => l.StartsWith("x-vendor-trace", StringComparison.Ordinal));
    }

    [Fact]
    public void Set_appends_when_absent_and_typed_properties_set_or_remove()
    {
        var m = Parse(Message);

        m.Headers.Set("X-GB-Ver", "3.0");
        m.Expires = 3600;
        m.MaxForwards = 70;
        m.MaxForwards = null;
        m.ContentType = null;

        var text = Serialise(m);
        Assert.EndsWith("\r\nContent-Length: 5\r\nX-GB-Ver: 3.0\r\nExpires: 3600\r\n\r\nhello", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Max-Forwards", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type", text, StringComparison.Ordinal);
        Assert.Equal(3600, m.Expires);
    }

    [Fact]
    public void Remove_drops_every_line_of_the_header_in_any_form_and_counts_them()
    {
        var m = Parse(Message);

        Assert.Equal(2, m.Headers.Remove(SipHeaderKind.Via));
        Assert.Equal(2, m.Headers.Remove("X-Vendor-Trace"));
        Assert.Equal(1, m.Headers.Remove("m"));
        Assert.Equal(0, m.Headers.Remove("Not-There"));

        Assert.Null(m.TopVia);
        Assert.Empty(m.Vias);
        Assert.Null(m.Contact);
        Assert.DoesNotContain("Via:", Serialise(m), StringComparison.Ordinal);
    }

    [Fact]
    public void Insert_at_zero_puts_a_via_on_top_of_the_received_ones()
    {
        var m = Parse(Message);

        m.Headers.Insert(0, SipHeaderKind.Via, new SipVia("TCP", "gw.example.com", 5060, SipParameters.Of(new SipParameter("branch", "z9hG4bKgw"))));

        Assert.Equal(["gw.example.com", "192.168.0.64", "10.1.1.1", "10.2.2.2"], m.Vias.Select(v => v.Host));
        Assert.StartsWith("MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\nVia: SIP/2.0/TCP gw.example.com:5060;branch=z9hG4bKgw\r\nVia: SIP/2.0/UDP 192.168.0.64:5060;rport;branch=z9hG4bK1, ",
            Serialise(m), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Headers.Insert(m.Headers.Count + 1, SipHeaderKind.Via, "SIP/2.0/UDP x"));
        Assert.Throws<ArgumentException>(() => m.Headers.Insert(0, SipHeaderKind.Other, "x"));
    }

    [Fact]
    public void Values_with_line_breaks_are_refused()
    {
        var headers = new SipHeaders();

        Assert.Throws<ArgumentException>(() => headers.Add("X-A", "a\r\nVia: forged"));
        Assert.Throws<ArgumentException>(() => headers.Set(SipHeaderKind.Subject, "a\nb"));
        Assert.Throws<ArgumentException>(() => headers.Insert(0, SipHeaderKind.Subject, "a\rb"));
        Assert.Empty(headers);
    }

    [Fact]
    public void Headers_added_by_name_are_classified()
    {
        var headers = new SipHeaders();

        headers.Add("v", "SIP/2.0/UDP h;branch=z9hG4bK1");
        headers.Add("x-custom", "1");

        Assert.Equal((SipHeaderKind.Via, "Via"), (headers[0].Kind, headers[0].Name));
        Assert.Equal((SipHeaderKind.Other, "x-custom"), (headers[1].Kind, headers[1].Name));
        Assert.True(headers.Contains("VIA"));
    }

    private static SipMessage Parse(string text)
    {
        var result = SipMessageParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.Success, result.Error);
        return result.Message!;
    }

    private static string Serialise(SipMessage m) => Encoding.UTF8.GetString(m.ToBytes());
}
