using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>The values a stack reads from the RFC 4475 messages that must parse are the ones the RFC intends.</summary>
public sealed class Rfc4475ValidMessageTests
{
    [Fact]
    public void Wsinv_folding_lws_compact_forms_and_escapes()
    {
        var m = Request("wsinv");

        Assert.Equal(SipMethod.Invite, m.Method);
        Assert.Equal("vivekg", m.RequestUri.User);
        Assert.Equal("chair-dnrc.example.com", m.RequestUri.Host);
        Assert.True(m.RequestUri.Parameters.Contains("unknownparam"));
        Assert.Equal(["UDP 192.0.2.2 390skdjuw", "TCP spindle.example.com z9hG4bK9ikj8", "UDP 192.168.255.111 z9hG4bK30239"],
            m.Vias.Select(v => $"{v.Transport} {v.Host} {v.Branch}"));
        Assert.False(m.TopVia!.HasRfc3261Branch);
        Assert.Equal("sip:vivekg@chair-dnrc.example.com", m.To.Uri.ToString());
        Assert.Equal("1918181833n", m.To.Tag);
        Assert.Equal("J Rosenberg \\\"", m.From.DisplayName);
        Assert.Equal("98asjd8", m.From.Tag);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", m.CallId);
        Assert.Equal(new SipCSeq(9, SipMethod.Invite), m.CSeq);
        Assert.Equal(68, m.MaxForwards);
        Assert.Equal(string.Empty, m.Subject);
        var contact = m.Contact!;
        Assert.Equal("Quoted string \"\"", contact.DisplayName);
        Assert.Equal("sip:jdrosen@example.com", contact.Uri.ToString());
        Assert.Equal([new("newparam", "newvalue"), new("secondparam", null), new SipParameter("q", "0.33")], contact.Parameters);
        Assert.Equal(["services.example.com"], m.Routes.Select(r => r.Uri.Host));
        Assert.Equal("newfangled value continued newfangled value", m.Headers.GetFirst("NewFangledHeader"));
        Assert.Equal(";;,,;;,;", m.Headers.GetFirst("UnknownHeaderWithUnusualValue"));
        Assert.Equal(150, m.Body.Length);
    }

    [Fact]
    public void Intmeth_unusual_but_valid_characters()
    {
        var m = Request("intmeth");

        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", m.Method);
        Assert.Equal(m.Method, m.CSeq.Method);
        Assert.Equal(139122385u, m.CSeq.Number);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.RequestUri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", m.RequestUri.Password);
        Assert.Equal("example.com", m.RequestUri.Host);
        Assert.Equal("z9hG4bK-.!%66*_+`'~", m.TopVia!.Branch);
        Assert.Equal("BEL:\u0007 NUL:\0 DEL:\u007f", m.To.DisplayName);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.To.Uri.User);
        Assert.Equal("token1~` token2'+_ token3*%!.-", m.From.DisplayName);
        Assert.Equal("_token~1'+`*%!-.", m.From.Tag);
        Assert.Equal("\"работающий\"", m.From.Parameters["fromParam''~+*_!.-%"]);
        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", m.CallId);
        Assert.Equal(255, m.MaxForwards);
        Assert.Equal("\uFEFF大停電", m.Headers.GetFirst("extensionHeader-!.%*+_`'~"));
    }

    [Fact]
    public void Escapes_are_kept_as_received()
    {
        var esc01 = Request("esc01");
        Assert.Equal("sips%3Auser%40example.com", esc01.RequestUri.User);
        Assert.Equal("%75se%72", esc01.To.Uri.User);
        Assert.Equal("I%20have%20spaces", esc01.From.Uri.User);
        Assert.Equal("938", esc01.From.Tag);
        Assert.Equal([new("%6C%72", null), new SipParameter("n%61me", "v%61lue%25%34%31")], esc01.Contact!.Uri.Parameters);
        Assert.Equal("application/sdp", esc01.ContentType);

        var escnull = Request("escnull");
        Assert.Equal("null-%00-null", escnull.To.Uri.User);
        Assert.Equal(["%00", "%00%00"], escnull.Contacts.Select(c => c.Uri.User));

        var esc02 = Request("esc02");
        Assert.Equal("RE%47IST%45R", esc02.Method);
        Assert.Equal("%Z%45", esc02.To.DisplayName);
        Assert.Equal("z9hG4bK209%fzsnel234", esc02.TopVia!.Branch);
        Assert.Equal(["alias1", "alias3"], esc02.Contacts.Select(c => c.Uri.User));
        Assert.Equal("<sip:alias2@host2.example.com>", esc02.Headers.GetFirst("C%6Fntact"));
    }

    [Fact]
    public void Long_values_and_many_vias()
    {
        var m = Request("longreq");

        Assert.Equal(34, m.Vias.Count);
        Assert.Equal("sip33.example.com", m.TopVia!.Host);
        Assert.Equal("192.0.2.5", m.Vias[^1].Received);
        Assert.Equal("very" + string.Concat(Enumerable.Repeat("long", 50)) + "branchvalue", m.Vias[^1].Branch);
        Assert.Equal("I have a user name of " + string.Concat(Enumerable.Repeat("extreme", 10)) + " proportion", m.To.DisplayName);
        Assert.Equal(6000, m.To.Uri.Port);
        Assert.Equal(3, m.To.Uri.Parameters.Count);
        Assert.Equal("12" + string.Concat(Enumerable.Repeat("982", 50)) + "424", m.From.Tag);
        Assert.Equal("longreq.one" + string.Concat(Enumerable.Repeat("really", 20)) + "longcallid", m.CallId);
        Assert.Equal(string.Concat(Enumerable.Repeat("amazinglylongcallername", 5)), m.Contact!.Uri.User);
    }

    [Fact]
    public void Display_name_without_lws_semicolon_user_and_transports()
    {
        Assert.Equal("caller", Request("lwsdisp").From.DisplayName);

        var semiuri = Request("semiuri");
        Assert.Equal("user;par=u%40example.net", semiuri.RequestUri.User);
        Assert.Empty(semiuri.RequestUri.Parameters);
        Assert.Equal(6, semiuri.Headers.GetAll(SipHeaderKind.Accept).Count);

        var transports = Request("transports");
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], transports.Vias.Select(v => v.Transport));
        Assert.Equal("transports.kijh4akdnaqjkwendsasfdj", transports.CallId);
    }

    [Fact]
    public void Multipart_body_with_nul_octets_is_framed_by_content_length()
    {
        var m = Request("mpart01");

        Assert.Equal(553, m.Body.Length);
        Assert.Contains((byte)0, m.Body.ToArray());
        Assert.EndsWith("--7a9cbec02ceef655--\r\n", System.Text.Encoding.Latin1.GetString(m.Body.Span), StringComparison.Ordinal);
        Assert.True(m.HasContentType("multipart/mixed"));
        Assert.True(m.TopVia!.HasRPort);
        Assert.Null(m.TopVia.RPort);
        Assert.Equal(("127.0.0.1", 5080), (m.Routes[0].Uri.Host, m.Routes[0].Uri.Port!.Value));
    }

    [Fact]
    public void Reason_phrases_unusual_and_empty()
    {
        var unreason = Response("unreason");
        Assert.Equal(200, unreason.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", unreason.ReasonPhrase);

        var noreason = Response("noreason");
        Assert.Equal(100, noreason.StatusCode);
        Assert.Equal(string.Empty, noreason.ReasonPhrase);
    }

    [Fact]
    public void Branch_that_is_only_the_magic_cookie_is_not_an_rfc3261_transaction_id()
    {
        var via = Request("badbranch").TopVia!;

        Assert.Equal(SipVia.MagicCookie, via.Branch);
        Assert.False(via.HasRfc3261Branch);
    }

    [Fact]
    public void Unknown_uri_schemes_are_kept_opaque()
    {
        var unkscm = Request("unkscm").RequestUri;
        Assert.False(unkscm.IsSip);
        Assert.Equal(("nobodyknowsthisscheme", "totallyopaquecontent"), (unkscm.Scheme, unkscm.Opaque));

        var novelsc = Request("novelsc").RequestUri;
        Assert.Equal(("soap.beep", "//192.0.2.103:3002"), (novelsc.Scheme, novelsc.Opaque));

        var unksm2 = Request("unksm2");
        Assert.Equal(("isbn", "2983792873"), (unksm2.To.Uri.Scheme, unksm2.To.Uri.Opaque));
        Assert.Equal("http", unksm2.From.Uri.Scheme);
        Assert.Equal("3234233", unksm2.From.Tag);
        Assert.Equal(("name", "John_Smith"), (unksm2.Contact!.Uri.Scheme, unksm2.Contact.Uri.Opaque));
    }

    [Fact]
    public void Application_layer_messages_parse_for_the_application_to_judge()
    {
        var bext01 = Request("bext01");
        Assert.Equal(["nothingSupportsThis", "nothingSupportsThisEither"], bext01.Headers.GetAll(SipHeaderKind.Require));
        Assert.Equal(["noProxiesSupportThis", "norDoAnyProxiesSupportThis"], bext01.Headers.GetAll(SipHeaderKind.ProxyRequire));

        var invut = Request("invut");
        Assert.Equal("application/unknownformat", invut.ContentType);
        Assert.Equal(40, invut.Body.Length);

        var bcast = Response("bcast");
        Assert.Equal(["192.0.2.198", "255.255.255.255"], bcast.Vias.Select(v => v.Host));

        Assert.Equal(0, Request("zeromf").MaxForwards);
        Assert.Equal("text/nobodyKnowsThis", Request("sdp01").Headers.GetFirst(SipHeaderKind.Accept));
    }

    [Fact]
    public void Unknown_authorization_scheme_is_read_and_challenged()
    {
        var m = Request("regaut01");

        var credentials = m.Authorization!;
        Assert.Equal("NoOneKnowsThisScheme", credentials.Scheme);
        Assert.Equal("here", credentials["opaque-data"]);
        var server = new DigestServer("example.com", new ManualTimeProvider());
        Assert.Equal(DigestVerdict.Missing, server.Verify(credentials, m.Method, "secret"));
    }

    [Fact]
    public void Contact_parameters_belong_to_the_header_in_addr_spec_form_and_to_the_uri_in_name_addr_form()
    {
        var cparam01 = Request("cparam01").Contact!;
        Assert.Empty(cparam01.Uri.Parameters);
        Assert.True(cparam01.Parameters.Contains("unknownparam"));
        Assert.Equal("+19725552222", cparam01.Uri.User);

        var cparam02 = Request("cparam02").Contact!;
        Assert.True(cparam02.Uri.Parameters.Contains("unknownparam"));
        Assert.Empty(cparam02.Parameters);

        var regescrt = Request("regescrt").Contact!;
        Assert.Equal("Route=%3Csip:sip.example.com%3E", regescrt.Uri.Headers);
    }

    [Fact]
    public void Rfc2543_request_without_branch_tags_or_max_forwards()
    {
        var m = Request("inv2543");

        Assert.Null(m.TopVia!.Branch);
        Assert.False(m.TopVia.HasRfc3261Branch);
        Assert.Null(m.From.Tag);
        Assert.Null(m.MaxForwards);
        Assert.Equal("+13035551111", m.From.Uri.User);
        Assert.Equal("phone", m.From.Uri.Parameters["user"]);
        Assert.Empty(m.To.Uri.Parameters);
        Assert.Equal("phone", m.To.Parameters["user"]); // addr-spec: the parameter is the header's
        Assert.Equal("ss1.example.com", m.RecordRoutes[0].Uri.Parameters["maddr"]);
    }

    private static SipRequest Request(string name) => Assert.IsType<SipRequest>(Parse(name));

    private static SipResponse Response(string name) => Assert.IsType<SipResponse>(Parse(name));

    private static SipMessage Parse(string name)
    {
        var result = SipMessageParser.Parse(SipVectors.Rfc4475(name + ".dat"));
        Assert.True(result.Success, result.Error);
        return result.Message!;
    }
}
