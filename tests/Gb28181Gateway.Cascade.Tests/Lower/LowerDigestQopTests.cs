using System.Net;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// <c>Sip:DigestQop</c>: "none" challenges with plain digest; "auth" offers qop="auth", requires it, and checks the
/// nonce count (RFC 2617 §3.2.2, RFC 7616 §3.4): each use of a nonce must carry a higher nc, a replay is refused.
/// </summary>
public sealed class LowerDigestQopTests
{
    private const string CameraId = "34020000001320000001";
    private const string DigestUri = "sip:" + LowerHarness.ServerId + "@" + LowerHarness.Domain;

    [Fact]
    public async Task By_default_the_challenge_offers_no_qop()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);

        var challenge = (await camera.RegisterWithAsync(null)).WwwAuthenticate!;

        Assert.Null(challenge["qop"]);
        Assert.Equal(SipStatus.Ok, (await camera.RegisterWithAsync(Plain(challenge))).StatusCode);
    }

    [Fact]
    public async Task With_auth_the_challenge_offers_qop_and_a_device_answering_with_it_registers()
    {
        await using var gateway = await LowerHarness.StartAsync(Options("auth"));
        await using var camera = new LowerTestDevice(gateway, CameraId);

        var challenge = (await camera.RegisterWithAsync(null)).WwwAuthenticate!;
        Assert.Equal("auth", challenge["qop"]);

        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync()).StatusCode); // the stack's DigestClient answers with qop
        Assert.True(gateway.Directory.FindDevice(CameraId)!.Online);
    }

    [Fact]
    public async Task The_nonce_count_must_increase_and_a_replay_is_refused_as_stale()
    {
        await using var gateway = await LowerHarness.StartAsync(Options("auth"));
        await using var camera = new LowerTestDevice(gateway, CameraId);
        var challenge = (await camera.RegisterWithAsync(null)).WwwAuthenticate!;
        var first = WithQop(challenge, "00000001", "0a4f113b");

        Assert.Equal(SipStatus.Ok, (await camera.RegisterWithAsync(first)).StatusCode);

        var replay = await camera.RegisterWithAsync(first); // same credentials, a new transaction
        Assert.Equal(SipStatus.Unauthorized, replay.StatusCode);
        Assert.Equal("true", replay.WwwAuthenticate!["stale"]);
        Assert.NotEqual(challenge["nonce"], replay.WwwAuthenticate["nonce"]);

        var sameCount = await camera.RegisterWithAsync(WithQop(challenge, "00000001", "77aa0c11")); // a new cnonce does not reset nc
        Assert.Equal(SipStatus.Unauthorized, sameCount.StatusCode);

        Assert.Equal(SipStatus.Ok, (await camera.RegisterWithAsync(WithQop(challenge, "00000002", "77aa0c11"))).StatusCode);
    }

    [Fact]
    public async Task With_auth_plain_digest_gets_a_fresh_challenge_and_counts_as_a_failed_authentication()
    {
        await using var gateway = await LowerHarness.StartAsync(Options("auth"));
        await using var camera = new LowerTestDevice(gateway, CameraId);
        var challenge = (await camera.RegisterWithAsync(null)).WwwAuthenticate!;

        var refused = await camera.RegisterWithAsync(Plain(challenge)); // right password, but no qop/cnonce/nc

        Assert.Equal(SipStatus.Unauthorized, refused.StatusCode);
        Assert.Equal("auth", refused.WwwAuthenticate!["qop"]);
        Assert.NotEqual(challenge["nonce"], refused.WwwAuthenticate["nonce"]);
        Assert.Null(refused.WwwAuthenticate["stale"]);
        Assert.Null(gateway.Directory.FindDevice(CameraId));
        Assert.Equal(1, gateway.Registrar.Throttle.Failures(IPAddress.Loopback));
    }

    [Fact]
    public async Task A_wrong_password_with_qop_is_still_403()
    {
        await using var gateway = await LowerHarness.StartAsync(Options("auth"));
        await using var camera = new LowerTestDevice(gateway, CameraId, password: "wrong");

        Assert.Equal(SipStatus.Forbidden, (await camera.RegisterAsync()).StatusCode);
    }

    [Theory]
    [InlineData("none", true)]
    [InlineData("auth", true)]
    [InlineData("AUTH", true)]
    [InlineData("auth-int", false)]
    [InlineData("", false)]
    public void DigestQop_is_validated_at_start(string value, bool valid)
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.DigestQop = value;

        var problems = GatewayOptionsValidator.Validate(options);

        if (valid)
        {
            Assert.DoesNotContain(problems, p => p.Key == "Gateway:Sip:DigestQop");
        }
        else
        {
            var problem = Assert.Single(problems, p => p.Key == "Gateway:Sip:DigestQop");
            Assert.Equal($"Gateway:Sip:DigestQop: must be none or auth (got '{value}')", problem.ToString());
        }
    }

    private static GatewayOptions Options(string qop)
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.DigestQop = qop;
        return options;
    }

    private static SipAuthHeader Plain(SipAuthHeader challenge) => new SipAuthHeader("Digest")
        .Set("username", CameraId, quoted: true)
        .Set("realm", LowerHarness.Domain, quoted: true)
        .Set("nonce", challenge["nonce"]!, quoted: true)
        .Set("uri", DigestUri, quoted: true)
        .Set("response", DigestCalculator.Response(CameraId, LowerHarness.Domain, LowerHarness.Password, SipMethod.Register, DigestUri, challenge["nonce"]!), quoted: true)
        .Set("algorithm", "MD5", quoted: false);

    private static SipAuthHeader WithQop(SipAuthHeader challenge, string nc, string cnonce)
    {
        var nonce = challenge["nonce"]!;
        var response = DigestCalculator.Response(CameraId, LowerHarness.Domain, LowerHarness.Password, SipMethod.Register, DigestUri, nonce, "auth", nc, cnonce);
        return new SipAuthHeader("Digest")
            .Set("username", CameraId, quoted: true)
            .Set("realm", LowerHarness.Domain, quoted: true)
            .Set("nonce", nonce, quoted: true)
            .Set("uri", DigestUri, quoted: true)
            .Set("response", response, quoted: true)
            .Set("cnonce", cnonce, quoted: true)
            .Set("qop", "auth", quoted: false)
            .Set("nc", nc, quoted: false)
            .Set("algorithm", "MD5", quoted: false);
    }
}
