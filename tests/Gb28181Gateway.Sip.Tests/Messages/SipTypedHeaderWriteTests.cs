using System.Text;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Tests.Messages;

/// <summary>
/// Typed header values (name-addresses, Via, digest challenges, CSeq, numbers) are written straight into the
/// output; the bytes must be exactly those of the same message with each value given as its text.
/// </summary>
public sealed class SipTypedHeaderWriteTests
{
    [Fact]
    public void Typed_values_are_written_as_their_text()
    {
        var to = new SipNameAddress(SipUri.Create("34020000001320000001", "3402000000"), "Camera \"1\"").WithTag("a;b");
        var contact = new SipNameAddress(SipUri.Create("34020000001320000001", "192.168.1.64", 5060), parameters: SipParameters.Of(new SipParameter("expires", "3600")));
        var via = new SipVia("UDP", "192.168.1.64", 5060, SipParameters.Of(new SipParameter("rport", "5060"), new SipParameter("branch", "z9hG4bK1"), new SipParameter("received", "10.0.0.1")));
        var challenge = new SipAuthHeader("Digest").Set("realm", "3402000000", quoted: true).Set("nonce", "6f1c\"x", quoted: true).Set("algorithm", "MD5", quoted: false);
        var cseq = new SipCSeq(4294967295, "MESSAGE");
        var wildcard = SipNameAddress.Parse("*");
        var longName = new SipNameAddress(SipUri.Create("u", "h"), new string('名', 2000)); // larger than the kept builder

        var typed = Build(to, contact, via, challenge, cseq, 3600, wildcard, longName);
        var text = Build(to.ToString(), contact.ToString(), via.ToString(), challenge.ToString(), cseq.ToString(), "3600", wildcard.ToString(), longName.ToString());

        Assert.Equal(Encoding.UTF8.GetString(text.ToBytes()), Encoding.UTF8.GetString(typed.ToBytes()));
        Assert.Equal(text.ToBytes(), typed.ToBytes()); // and again: reused buffers hold nothing from before
        Assert.Contains("To: \"Camera \\\"1\\\"\" <sip:34020000001320000001@3402000000>;tag=a;b\r\n", Encoding.UTF8.GetString(typed.ToBytes()), StringComparison.Ordinal);
    }

    private static SipResponse Build(object to, object contact, object via, object challenge, object cseq, object expires, object wildcard, object longName)
    {
        var response = new SipResponse(401);
        response.Headers.Add(SipHeaderKind.Via, via);
        response.Headers.Add(SipHeaderKind.To, to);
        response.Headers.Add(SipHeaderKind.CSeq, cseq);
        response.Headers.Add(SipHeaderKind.WwwAuthenticate, challenge);
        response.Headers.Add(SipHeaderKind.Contact, contact);
        response.Headers.Add(SipHeaderKind.Contact, wildcard);
        response.Headers.Add(SipHeaderKind.Expires, expires);
        response.Headers.Add(SipHeaderKind.From, longName);
        return response;
    }
}
