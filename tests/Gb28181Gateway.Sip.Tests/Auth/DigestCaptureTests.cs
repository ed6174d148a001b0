using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;
using Gb28181Gateway.Sip.Tests.Parsing;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Auth;

/// <summary>
/// Digest against the captured 401/REGISTER exchanges (tests/vectors/sip). Where the device's password
/// could be recovered (a common default), the captured response is recomputed from the captured challenge;
/// the Dahua capture's password is not known, so its fields and computation shape are checked instead.
/// </summary>
public sealed class DigestCaptureTests
{
    public static TheoryData<string, string, string> KnownPasswords => new()
    {
        // challenge, credentials, password
        { "001-04-401-register.sip", "001-05-register.sip", "12345678" },
        { "004-02-401-register.sip", "004-03-register.sip", "12345" },
        { "004-06-401-register.sip", "004-07-register.sip", "12345" },
    };

    [Theory]
    [MemberData(nameof(KnownPasswords))]
    public void Captured_response_without_qop_is_what_our_client_sends_for_the_captured_challenge(string challengeFile, string registerFile, string password)
    {
        var challenge = Parse(challengeFile).WwwAuthenticate!;
        var register = (SipRequest)Parse(registerFile);
        var captured = register.Authorization!;

        var ours = new DigestClient(captured["username"]!, password).CreateAuthorization(challenge, register.Method, captured["uri"]!);

        Assert.Null(captured["qop"]);
        Assert.Equal(captured["response"], ours["response"]);
        Assert.Equal(captured["nonce"], ours["nonce"]);
        Assert.Equal(captured["realm"], ours["realm"]);
        Assert.Equal(captured["opaque"], ours["opaque"]);
        Assert.NotEqual(captured["response"], new DigestClient(captured["username"]!, password + "0").CreateAuthorization(challenge, "REGISTER", captured["uri"]!)["response"]);
    }

    [Fact]
    public void Hikvision_opaque_from_the_challenge_is_echoed_quoted()
    {
        var challenge = Parse("004-02-401-register.sip").WwwAuthenticate!;
        var ours = new DigestClient("admin", "12345").CreateAuthorization(challenge, "REGISTER", "sip:130909115229300920@10.64.49.44:7100");

        Assert.Equal("a853e4f25298413f9bf3a9aa6767857d", ours["opaque"]);
        Assert.Contains("opaque=\"a853e4f25298413f9bf3a9aa6767857d\"", ours.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_003_qop_auth_response_is_recomputed_from_its_cnonce_and_nonce_count()
    {
        // The device sends qop, nc unquoted and no spaces after the commas; the challenge quoted qop="auth".
        var challenge = Parse("003-02-401-register.sip").WwwAuthenticate!;
        var register = (SipRequest)Parse("003-03-register.sip");
        var a = register.Authorization!;

        Assert.Equal("auth", challenge["qop"]);
        Assert.Equal(("auth", "00000001", "0a4f113b"), (a["qop"], a["nc"], a["cnonce"]));
        Assert.Equal(challenge["nonce"], a["nonce"]);
        Assert.False(a.IsQuoted("nc"));

        var response = DigestCalculator.Response(a["username"]!, a["realm"]!, "123456", register.Method, a["uri"]!, a["nonce"]!, a["qop"], a["nc"], a["cnonce"]);
        Assert.Equal(a["response"], response);

        // the qop form differs from the RFC 2069 form: a server ignoring qop would refuse this device
        Assert.NotEqual(a["response"], DigestCalculator.Response(a["username"]!, a["realm"]!, "123456", register.Method, a["uri"]!, a["nonce"]!));
    }

    [Fact]
    public void Dahua_credentials_echo_its_eight_digit_realm_and_numeric_nonce()
    {
        // Seed 000: the platform challenged with realm "34020000" (not the 10-digit domain) and a decimal nonce;
        // the Dahua camera echoes both. Its password is not in the write-up.
        var challenge = Parse("000-02-401-register.sip").WwwAuthenticate!;
        var a = Parse("000-03-register.sip").Authorization!;

        Assert.Equal("34020000", challenge["realm"]);
        Assert.Equal(("34020000", "1715926053", "MD5"), (a["realm"], a["nonce"], a["algorithm"]));
        Assert.Equal("34020000001320000002", a["username"]);
        Assert.Equal("sip:34020000002000000010@192.168.6.106:5062", a["uri"]);
        Assert.Null(a["qop"]);
        Assert.Matches("^[0-9a-f]{32}$", a["response"]!);
    }

    [Fact]
    public void A_server_with_the_dahua_realm_verifies_a_client_of_the_same_shape()
    {
        var time = new ManualTimeProvider();
        var server = new DigestServer("34020000", time);
        var challenge = server.CreateChallenge();
        const string Uri = "sip:34020000002000000010@192.168.6.106:5062";

        var credentials = new DigestClient("34020000001320000002", "12345678").CreateAuthorization(challenge, "REGISTER", Uri);
        var expected = DigestCalculator.Response("34020000001320000002", "34020000", "12345678", "REGISTER", Uri, challenge["nonce"]!);

        Assert.Equal(expected, credentials["response"]);
        Assert.Equal(DigestVerdict.Valid, server.Verify(credentials, "REGISTER", "12345678"));
    }

    private static SipMessage Parse(string file)
    {
        var result = SipMessageParser.Parse(SipVectors.Seed(file));
        Assert.True(result.Success, result.Error);
        return result.Message!;
    }
}
