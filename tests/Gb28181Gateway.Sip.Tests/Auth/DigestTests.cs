using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Auth;

public sealed class DigestTests
{
    private const string User = "34020000001320000001";
    private const string Realm = "3402000000";
    private const string Password = "12345678";
    private const string Uri = "sip:34020000002000000001@3402000000";

    [Fact]
    public void Response_matches_the_protocol_reference_vector_without_qop()
    {
        var response = DigestCalculator.Response(User, Realm, Password, "REGISTER", Uri, "b7b9f68d8c1d4f6f90c0");
        Assert.Equal("0f6e9450ddd6ea840f314b6c7f9e42da", response);
    }

    [Fact]
    public void Response_matches_the_protocol_reference_vector_with_qop_auth()
    {
        var response = DigestCalculator.Response(User, Realm, Password, "REGISTER", Uri, "b7b9f68d8c1d4f6f90c0", "auth", "00000001", "7a1b2c3d");
        Assert.Equal("73c592989b1004347d71d1e3694428de", response);
    }

    [Fact]
    public void Client_answer_to_a_server_challenge_is_valid_once_and_a_replay_is_stale()
    {
        var time = new ManualTimeProvider();
        var server = new DigestServer(Realm, time);
        var challenge = server.CreateChallenge();
        var client = new DigestClient(User, Password);

        var credentials = Reparse(client.CreateAuthorization(challenge, "REGISTER", Uri));

        Assert.Equal(DigestVerdict.Valid, server.Verify(credentials, "REGISTER", Password));
        Assert.Equal(DigestVerdict.Stale, server.Verify(credentials, "REGISTER", Password));
    }

    [Fact]
    public void With_qop_each_request_needs_a_higher_nonce_count()
    {
        var time = new ManualTimeProvider();
        var server = new DigestServer(Realm, time, useQop: true, useOpaque: true);
        var challenge = server.CreateChallenge();
        var client = new DigestClient(User, Password);

        var first = Reparse(client.CreateAuthorization(challenge, "REGISTER", Uri));
        var second = Reparse(client.CreateAuthorization(challenge, "REGISTER", Uri));

        Assert.Equal("00000001", first["nc"]);
        Assert.Equal("00000002", second["nc"]);
        Assert.Equal(server.Opaque, first["opaque"]);
        Assert.Equal(DigestVerdict.Valid, server.Verify(first, "REGISTER", Password));
        Assert.Equal(DigestVerdict.Valid, server.Verify(second, "REGISTER", Password));
        Assert.Equal(DigestVerdict.Stale, server.Verify(first, "REGISTER", Password));
    }

    [Fact]
    public void Wrong_password_is_told_apart_from_an_expired_nonce()
    {
        var time = new ManualTimeProvider();
        var server = new DigestServer(Realm, time, nonceLifetime: TimeSpan.FromMinutes(5));
        var challenge = server.CreateChallenge();

        var wrong = Reparse(new DigestClient(User, "wrong").CreateAuthorization(challenge, "REGISTER", Uri));
        Assert.Equal(DigestVerdict.WrongPassword, server.Verify(wrong, "REGISTER", Password));

        var right = Reparse(new DigestClient(User, Password).CreateAuthorization(challenge, "REGISTER", Uri));
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(DigestVerdict.Stale, server.Verify(right, "REGISTER", Password));
        Assert.Equal("true", server.CreateChallenge(stale: true)["stale"]);
    }

    [Fact]
    public void A_nonce_this_server_never_issued_is_refused()
    {
        var server = new DigestServer(Realm, new ManualTimeProvider());
        var forged = new SipAuthHeader("Digest").Set("realm", Realm, quoted: false);
        var credentials = Reparse(new DigestClient(User, Password).CreateAuthorization(
            forged.Set("nonce", new string('a', 48), quoted: true), "REGISTER", Uri));

        Assert.Equal(DigestVerdict.InvalidNonce, server.Verify(credentials, "REGISTER", Password));
        Assert.Equal(DigestVerdict.Missing, server.Verify(null, "REGISTER", Password));
    }

    [Fact]
    public void Hikvision_credentials_with_opaque_and_a_foreign_username_verify()
    {
        // seed 004: username "admin", realm "hik", opaque echoed; the response is MD5 over what the device sent.
        var header = Reparse("Digest username=\"admin\", realm=\"hik\", nonce=\"a8afe6fcbee6331d89d3eb0d3d19ce39\", " +
            "uri=\"sip:130909115229300920@10.64.49.44:7100\", response=\"907ddb1bcc25174d7de4a96c947fb066\", algorithm=MD5, " +
            "opaque=\"a853e4f25298413f9bf3a9aa6767857d\"");
        Assert.Equal("admin", header["username"]);
        Assert.Equal("sip:130909115229300920@10.64.49.44:7100", header["uri"]);
        Assert.True(header.IsQuoted("opaque"));
        Assert.False(header.IsQuoted("algorithm"));

        // the captured response is MD5 digest with the device's password "12345"
        var expected = DigestCalculator.Response("admin", "hik", "12345", "REGISTER", header["uri"]!, header["nonce"]!);
        Assert.Equal(header["response"], expected);
    }

    private static SipAuthHeader Reparse(SipAuthHeader header) => Reparse(header.ToString());

    private static SipAuthHeader Reparse(string text)
    {
        Assert.True(SipAuthHeader.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out var parsed), text);
        return parsed;
    }
}
