using System.Security.Cryptography;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>Random identifiers: Via branches (with the RFC 3261 magic cookie), From/To tags and Call-IDs.</summary>
public static class SipIdentifiers
{
    /// <summary>"z9hG4bK" followed by 16 hex digits (64 random bits).</summary>
    public static string NewBranch() => SipVia.MagicCookie + RandomHex(8);

    /// <summary>16 hex digits. Short enough for devices with fixed tag buffers, random enough to be unique.</summary>
    public static string NewTag() => RandomHex(8);

    /// <summary>32 hex digits (128 random bits).</summary>
    public static string NewCallId() => RandomHex(16);

    private static string RandomHex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[16];
        RandomNumberGenerator.Fill(buffer[..bytes]);
        return Convert.ToHexStringLower(buffer[..bytes]);
    }
}
