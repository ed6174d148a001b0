using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Auth;

/// <summary>How a set of digest credentials fared.</summary>
public enum DigestVerdict
{
    /// <summary>Right password, fresh nonce.</summary>
    Valid,

    /// <summary>No usable credentials for this realm: challenge (401).</summary>
    Missing,

    /// <summary>Our nonce, but expired or already used: challenge again with stale=true.</summary>
    Stale,

    /// <summary>Wrong password (response mismatch) for a nonce we issued: 403.</summary>
    WrongPassword,

    /// <summary>A nonce we never issued, or credentials missing required parameters: challenge again.</summary>
    InvalidNonce,
}

/// <summary>
/// Server side of digest authentication (RFC 2617/7616, MD5): issues nonces, verifies credentials,
/// rejects expired nonces (stale=true) and replays. Nonces are self-validating (timestamp + random,
/// signed with a per-process key), so issuing one keeps no state; replay protection keeps the last nonce
/// count seen per nonce (with qop) or marks the nonce used (without qop) until it expires.
/// </summary>
public sealed class DigestServer
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, NonceUse> _used = new(StringComparer.Ordinal);
    private long _nextSweep;

    public DigestServer(string realm, TimeProvider timeProvider, TimeSpan? nonceLifetime = null, bool useQop = false, bool useOpaque = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(realm);
        Realm = realm;
        _time = timeProvider;
        NonceLifetime = nonceLifetime ?? TimeSpan.FromMinutes(5);
        UseQop = useQop;
        Opaque = useOpaque ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : null;
    }

    public string Realm { get; }

    public TimeSpan NonceLifetime { get; }

    /// <summary>Whether challenges offer qop="auth". Off by default: many GB28181 devices only do plain digest.</summary>
    public bool UseQop { get; }

    public string? Opaque { get; }

    /// <summary>A WWW-Authenticate value with a fresh nonce.</summary>
    public SipAuthHeader CreateChallenge(bool stale = false)
    {
        var header = new SipAuthHeader("Digest")
            .Set("realm", Realm, quoted: true)
            .Set("nonce", IssueNonce(), quoted: true);
        if (Opaque is not null)
        {
            header.Set("opaque", Opaque, quoted: true);
        }

        if (UseQop)
        {
            header.Set("qop", "auth", quoted: true);
        }

        header.Set("algorithm", "MD5", quoted: false);
        if (stale)
        {
            header.Set("stale", "true", quoted: false);
        }

        return header;
    }

    /// <summary>
    /// Verifies <paramref name="credentials"/> (may be null) for a request of <paramref name="method"/>.
    /// The digest uri is taken from the credentials, as devices compute it (they often differ from the
    /// Request-URI in host form). <paramref name="password"/> is the secret for the claimed identity.
    /// </summary>
    public DigestVerdict Verify(SipAuthHeader? credentials, string method, string password)
    {
        if (credentials is null || !credentials.Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return DigestVerdict.Missing;
        }

        var realm = credentials["realm"];
        if (!string.Equals(realm, Realm, StringComparison.Ordinal))
        {
            return DigestVerdict.Missing;
        }

        var username = credentials["username"];
        var nonce = credentials["nonce"];
        var uri = credentials["uri"];
        var response = credentials["response"];
        if (username is null || nonce is null || uri is null || response is null)
        {
            return DigestVerdict.InvalidNonce;
        }

        var algorithm = credentials["algorithm"];
        if (algorithm is not null && !algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return DigestVerdict.InvalidNonce;
        }

        if (!TryReadNonce(nonce, out var issuedAt))
        {
            return DigestVerdict.InvalidNonce;
        }

        var qop = credentials["qop"];
        var nc = credentials["nc"];
        var cnonce = credentials["cnonce"];
        if (qop is not null && (!qop.Equals("auth", StringComparison.OrdinalIgnoreCase) || cnonce is null
            || nc is not { Length: 8 } || !uint.TryParse(nc, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
        {
            return DigestVerdict.InvalidNonce;
        }

        Span<byte> expected = stackalloc byte[DigestCalculator.HexLength];
        DigestCalculator.Response(username, Realm, password, method, uri, nonce, qop, nc, cnonce, expected);
        if (!MatchesIgnoringCase(expected, response))
        {
            return DigestVerdict.WrongPassword;
        }

        var now = _time.GetUtcNow();
        if (now - issuedAt > NonceLifetime || issuedAt - now > TimeSpan.FromMinutes(1))
        {
            return DigestVerdict.Stale;
        }

        return RecordUse(nonce, qop is null ? null : nc, issuedAt) ? DigestVerdict.Valid : DigestVerdict.Stale;
    }

    /// <summary>The received response against the expected lower-case hex, case-insensitively, in fixed time for a response of the right length.</summary>
    private static bool MatchesIgnoringCase(ReadOnlySpan<byte> expected, string response)
    {
        if (response.Length != expected.Length)
        {
            return false;
        }

        Span<byte> received = stackalloc byte[DigestCalculator.HexLength];
        for (var i = 0; i < received.Length; i++)
        {
            var c = response[i];
            received[i] = c is >= 'A' and <= 'Z' ? (byte)(c | 0x20) : c < 0x80 ? (byte)c : (byte)'?';
        }

        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private string IssueNonce()
    {
        // 8 bytes issue time (unix ms) + 8 random bytes, then the first 8 bytes of HMAC-SHA256 over both.
        Span<byte> raw = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(raw.Slice(8, 8));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, raw[..16], mac);
        mac[..8].CopyTo(raw[16..]);
        return Convert.ToHexStringLower(raw);
    }

    private bool TryReadNonce(string nonce, out DateTimeOffset issuedAt)
    {
        issuedAt = default;
        if (nonce.Length != 48)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[24];
        if (Convert.FromHexString(nonce, raw, out _, out var written) != System.Buffers.OperationStatus.Done || written != 24)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, raw[..16], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..8], raw[16..]))
        {
            return false;
        }

        issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(raw));
        return true;
    }

    /// <summary>Records a use of a nonce; false when it is a replay (same or lower nc, or a second use without qop).</summary>
    private bool RecordUse(string nonce, string? ncText, DateTimeOffset issuedAt)
    {
        SweepExpired();
        var nc = ncText is null ? 0u : uint.Parse(ncText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        while (true) // AddOrUpdate without the closure and two delegates per REGISTER
        {
            if (_used.TryGetValue(nonce, out var previous))
            {
                if (ncText is null || nc <= previous.LastCount)
                {
                    return false;
                }

                if (_used.TryUpdate(nonce, previous with { LastCount = nc }, previous))
                {
                    return true;
                }
            }
            else if (_used.TryAdd(nonce, new NonceUse(issuedAt, nc)))
            {
                return true;
            }
        }
    }

    private void SweepExpired()
    {
        var now = _time.GetUtcNow();
        var next = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweep, now.UtcTicks + NonceLifetime.Ticks / 4, next) != next)
        {
            return;
        }

        foreach (var (nonce, use) in _used)
        {
            if (now - use.IssuedAt > NonceLifetime)
            {
                _used.TryRemove(nonce, out _);
            }
        }
    }

    private readonly record struct NonceUse(DateTimeOffset IssuedAt, uint LastCount);
}
