using System.Text;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Auth;

/// <summary>
/// The forms of a received digest response the server compares without making strings: hex in any case, a
/// response of the wrong length or with non-ASCII characters, and credentials longer than the stack buffer.
/// </summary>
public sealed class DigestResponseFormTests
{
    private const string Realm = "3402000000";
    private const string Uri = "sip:34020000002000000001@3402000000";

    [Theory]
    [InlineData("upper", DigestVerdict.Valid)]
    [InlineData("short", DigestVerdict.WrongPassword)]
    [InlineData("long", DigestVerdict.WrongPassword)]
    [InlineData("non-ascii", DigestVerdict.WrongPassword)]
    public void A_response_in_upper_case_is_valid_and_one_of_another_length_or_alphabet_is_refused(string form, DigestVerdict expected)
    {
        var server = new DigestServer(Realm, new ManualTimeProvider());
        var answer = Answer(server, "34020000001320000001", "12345678");
        var response = answer["response"]!;
        var sent = form switch
        {
            "upper" => response.ToUpperInvariant(),
            "short" => response[..^1],
            "long" => response + "0",
            _ => response[..^1] + "\u00e9",
        };

        Assert.Equal(expected, server.Verify(answer.Set("response", sent, quoted: true), "REGISTER", "12345678"));
    }

    [Fact]
    public void Credentials_longer_than_the_stack_buffer_give_the_textbook_response_and_verify()
    {
        var user = "34020000001320000001" + new string('u', 300);
        var password = "密码" + new string('p', 400); // multi-byte UTF-8 too
        const string Nonce = "b7b9f68d8c1d4f6f90c0";

        var response = DigestCalculator.Response(user, Realm, password, "REGISTER", Uri, Nonce);

        var ha1 = DigestCalculator.Ha1(user, Realm, password);
        Assert.Equal(DigestCalculator.ResponseFromHashes(ha1, Nonce, DigestCalculator.Ha2("REGISTER", Uri)), response);
        Assert.Equal(DigestCalculator.ResponseFromHashes(ha1, Nonce, DigestCalculator.Ha2("REGISTER", Uri), "auth", "00000001", "7a1b2c3d"),
            DigestCalculator.Response(user, Realm, password, "REGISTER", Uri, Nonce, "auth", "00000001", "7a1b2c3d"));
        var server = new DigestServer(Realm, new ManualTimeProvider());
        Assert.Equal(DigestVerdict.Valid, server.Verify(Answer(server, user, password), "REGISTER", password));
    }

    private static SipAuthHeader Answer(DigestServer server, string user, string password)
    {
        var text = new DigestClient(user, password).CreateAuthorization(server.CreateChallenge(), "REGISTER", Uri).ToString();
        Assert.True(SipAuthHeader.TryParse(Encoding.UTF8.GetBytes(text), out var parsed), text);
        return parsed;
    }
}
