using System.Globalization;
using System.Security.Cryptography;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Auth;

/// <summary>
/// Answers a 401/407 challenge (RFC 3261 §22.2): builds the Authorization (or Proxy-Authorization) value
/// for a request, with qop=auth (cnonce, nc) when the challenge offers it and echoing opaque.
/// One instance per credential and peer keeps the nonce count across requests that reuse a nonce.
/// </summary>
public sealed class DigestClient
{
    private readonly string _username;
    private readonly string _password;
    private string? _lastNonce;
    private uint _nonceCount;

    public DigestClient(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        _username = username;
        _password = password;
    }

    /// <summary>
    /// Credentials for <paramref name="method"/> to <paramref name="uri"/> answering <paramref name="challenge"/>.
    /// Throws <see cref="NotSupportedException"/> for a scheme or algorithm other than Digest/MD5.
    /// </summary>
    public SipAuthHeader CreateAuthorization(SipAuthHeader challenge, string method, string uri)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!challenge.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"authentication scheme '{challenge.Scheme}' is not supported");
        }

        var algorithm = challenge["algorithm"];
        if (algorithm is not null && !algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"digest algorithm '{algorithm}' is not supported");
        }

        var realm = challenge["realm"] ?? string.Empty;
        var nonce = challenge["nonce"] ?? throw new FormatException("digest challenge without nonce");
        var qop = SelectQop(challenge["qop"]);

        var header = new SipAuthHeader("Digest")
            .Set("username", _username, quoted: true)
            .Set("realm", realm, quoted: true)
            .Set("nonce", nonce, quoted: true)
            .Set("uri", uri, quoted: true);

        string response;
        if (qop is null)
        {
            response = DigestCalculator.Response(_username, realm, _password, method, uri, nonce);
            header.Set("response", response, quoted: true);
        }
        else
        {
            if (!string.Equals(nonce, _lastNonce, StringComparison.Ordinal))
            {
                _lastNonce = nonce;
                _nonceCount = 0;
            }

            var nc = (++_nonceCount).ToString("x8", CultureInfo.InvariantCulture);
            var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            response = DigestCalculator.Response(_username, realm, _password, method, uri, nonce, qop, nc, cnonce);
            header.Set("response", response, quoted: true)
                .Set("cnonce", cnonce, quoted: true)
                .Set("qop", qop, quoted: false)
                .Set("nc", nc, quoted: false);
        }

        header.Set("algorithm", "MD5", quoted: false);
        if (challenge["opaque"] is { } opaque)
        {
            header.Set("opaque", opaque, quoted: true);
        }

        return header;
    }

    private static string? SelectQop(string? offered)
    {
        if (string.IsNullOrEmpty(offered))
        {
            return null;
        }

        foreach (var option in offered.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (option.Equals("auth", StringComparison.OrdinalIgnoreCase))
            {
                return "auth";
            }
        }

        throw new NotSupportedException($"digest qop '{offered}' is not supported (only auth)");
    }
}
