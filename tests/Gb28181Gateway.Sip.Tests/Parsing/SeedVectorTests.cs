using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>The real device captures (tests/vectors/sip/&lt;seed&gt;-*.sip) parse, survive a round trip and read right.</summary>
public sealed class SeedVectorTests
{
    public static TheoryData<string> Seeds => SipVectors.Seeds;

    public static TheoryData<string> AcceptedVectors =>
    [
        .. SipVectors.All().Where(v => SipMessageParser.Parse(v.Bytes).Success).Select(v => v.Name),
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_capture_parses_with_its_whole_body(string name)
    {
        var bytes = SipVectors.Seed(name);

        var message = MessageAssert.Parses(bytes, name);

        var declared = message.Headers.GetFirst(SipHeaderKind.ContentLength);
        Assert.Equal(declared is null ? 0 : int.Parse(declared.Trim()), message.Body.Length);
        Assert.Equal(bytes.Length, bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4 + message.Body.Length);
    }

    [Theory]
    [MemberData(nameof(AcceptedVectors))]
    public void Serialising_and_parsing_again_gives_an_equivalent_message(string name)
    {
        var original = MessageAssert.Parses(Load(name), name);

        var written = MessageAssert.Serialise(original);
        var reparsed = MessageAssert.Parses(written, name);

        MessageAssert.Equivalent(original, reparsed, name);
        Assert.Equal(written, MessageAssert.Serialise(reparsed)); // the writer's output is a fixed point
    }

    [Fact]
    public void Dahua_register_with_ip_style_addresses_and_a_route()
    {
        var m = Request("000-01-register.sip");

        Assert.Equal(("34020000002000000010", "192.168.6.106", 5062), (m.RequestUri.User, m.RequestUri.Host, m.RequestUri.Port));
        var via = m.TopVia!;
        Assert.Equal(("UDP", "192.168.6.71", 5060), (via.Transport, via.Host, via.Port));
        Assert.Equal("z9hG4bK1251336551", via.Branch);
        Assert.True(via.HasRfc3261Branch);
        Assert.True(via.HasRPort);
        Assert.Null(via.RPort);
        Assert.Null(via.Received);
        Assert.Equal(("34020000001320000002", "192.168.6.71", 5060), (m.From.Uri.User, m.From.Uri.Host, m.From.Uri.Port));
        Assert.Equal("2088733642", m.From.Tag);
        Assert.Null(m.To.Tag);
        Assert.Equal("1881196343@192.168.6.71", m.CallId);
        Assert.Equal(new SipCSeq(1, SipMethod.Register), m.CSeq);
        Assert.Equal("sip:34020000001320000002@192.168.6.71:5060", m.Contact!.Uri.ToString());
        Assert.True(m.Routes.Single().Uri.Parameters.Contains("lr"));
        Assert.Equal(70, m.MaxForwards);
        Assert.Equal(3600, m.Expires);
        Assert.Equal("SIP UAS V3.0.0.675168", m.UserAgent);
    }

    [Fact]
    public void Dahua_challenge_and_credentials_with_the_eight_digit_realm()
    {
        var challenge = Response("000-02-401-register.sip");
        Assert.Equal(401, challenge.StatusCode);
        Assert.Equal(5060, challenge.TopVia!.RPort);
        Assert.Equal("3241172924", challenge.To.Tag);
        Assert.Equal("2024-05-17T14:07:33.232", challenge.Date);
        var www = challenge.WwwAuthenticate!;
        Assert.Equal(("Digest", "34020000", "1715926053", "MD5"), (www.Scheme, www["realm"], www["nonce"], www["algorithm"]));
        Assert.False(www.IsQuoted("algorithm"));

        var credentials = Request("000-03-register.sip").Authorization!;
        Assert.Equal("34020000001320000002", credentials["username"]);
        Assert.Equal("34020000", credentials["realm"]);
        Assert.Equal("sip:34020000002000000010@192.168.6.106:5062", credentials["uri"]);
        Assert.Equal("fa983ee8abd2b6ff36b857c660b06f67", credentials["response"]);
    }

    [Fact]
    public void Manscdp_keepalive_and_sdp_invite_bodies()
    {
        var keepalive = Request("000-05-message-notify-keepalive.sip");
        Assert.Equal("Application/MANSCDP+xml", keepalive.ContentType);
        Assert.True(keepalive.HasContentType("application/manscdp+xml"));
        Assert.Equal(180, keepalive.Body.Length);
        Assert.Contains("<CmdType>Keepalive</CmdType>", Encoding.ASCII.GetString(keepalive.Body.Span), StringComparison.Ordinal);

        var invite = Request("000-19-invite.sip");
        Assert.Equal("34020000001320000002:04020000001320000002,34020000002000000010:1002", invite.Subject);
        Assert.True(invite.HasContentType("application/sdp"));
        Assert.StartsWith("v=0\r\no=34020000002000000010 0 0 IN IP4 192.168.6.106\r\n", Encoding.ASCII.GetString(invite.Body.Span), StringComparison.Ordinal);
        Assert.Equal("sip:34020000002000000010@192.168.6.106:5062", invite.Contact!.Uri.ToString());
    }

    [Fact]
    public void Hikvision_register_with_domain_style_addresses()
    {
        var m = Request("001-01-register.sip");

        Assert.Equal(("34020000002000000001", "3402000000"), (m.RequestUri.User, m.RequestUri.Host));
        Assert.Null(m.RequestUri.Port);
        Assert.Equal(("34020000001320000002", "3402000000"), (m.From.Uri.User, m.From.Uri.Host));
        Assert.Null(m.From.Uri.Port);
        Assert.Equal("33226951", m.From.Tag);
        Assert.Equal("sip:34020000001320000002@3402000000", m.To.Uri.ToString());
        Assert.Equal("IP Camera", m.UserAgent);
    }

    [Fact]
    public void Redirect_subscribe_and_tcp_talk_invite()
    {
        var redirect = Response("001-07-302-register.sip");
        Assert.Equal(302, redirect.StatusCode);
        Assert.Equal(("TCP", "192.168.0.65", 49983), (redirect.TopVia!.Transport, redirect.TopVia.Host, redirect.TopVia.Port));
        Assert.Equal(("192.168.0.110", 15066), (redirect.Contact!.Uri.Host, redirect.Contact.Uri.Port!.Value));
        Assert.Equal(3600, redirect.Expires);

        var subscribe = Request("001-32-subscribe.sip");
        Assert.Equal("presence", subscribe.Event!.Value);
        Assert.Equal(90, subscribe.Expires);
        Assert.Null(subscribe.TopVia!.HasRPort ? "rport" : null);

        var talk = Request("001-56-invite.sip");
        Assert.Equal("tcp", talk.Contact!.Uri.Transport);
        Assert.Equal(250, talk.Body.Length);
        Assert.Equal("34020000002000000001:1,34020000001320000099:2", talk.Subject);

        var answer = Response("001-57-200-invite.sip");
        Assert.Equal(("192.168.0.65", 57527), (answer.TopVia!.Received, answer.TopVia.RPort!.Value));
        Assert.True(answer.HasContentType("application/sdp"));
    }

    [Fact]
    public void Qop_auth_challenge_and_credentials()
    {
        var challenge = Response("003-02-401-register.sip");
        var www = challenge.WwwAuthenticate!;
        Assert.Equal(("4101050000", "auth"), (www["realm"], www["qop"]));
        Assert.True(www.IsQuoted("qop"));
        Assert.Equal("LHY-SIP", challenge.UserAgent);

        var register = Request("003-03-register.sip");
        Assert.Equal(("192.168.31.68", 5060), (register.TopVia!.Received, register.TopVia.RPort!.Value));
        var credentials = register.Authorization!;
        Assert.Equal(("0a4f113b", "auth", "00000001"), (credentials["cnonce"], credentials["qop"], credentials["nc"]));
        Assert.False(credentials.IsQuoted("qop"));
        Assert.False(credentials.IsQuoted("nc"));
    }

    [Fact]
    public void Hikvision_2013_challenge_with_opaque_and_padded_content_length()
    {
        var challenge = Response("004-02-401-register.sip");
        Assert.Equal(("hik", "a853e4f25298413f9bf3a9aa6767857d"), (challenge.WwwAuthenticate!["realm"], challenge.WwwAuthenticate["opaque"]));
        Assert.Equal(7200, challenge.Expires);

        var keepalive = Request("004-09-message-notify-keepalive.sip");
        Assert.Equal("150", keepalive.Headers.GetFirst(SipHeaderKind.ContentLength));
        Assert.Equal(150, keepalive.Body.Length);
    }

    private static byte[] Load(string name) =>
        name.StartsWith("rfc4475/", StringComparison.Ordinal) ? SipVectors.Rfc4475(name[8..]) : SipVectors.Seed(name);

    private static SipRequest Request(string name) => Assert.IsType<SipRequest>(MessageAssert.Parses(SipVectors.Seed(name), name));

    private static SipResponse Response(string name) => Assert.IsType<SipResponse>(MessageAssert.Parses(SipVectors.Seed(name), name));
}
