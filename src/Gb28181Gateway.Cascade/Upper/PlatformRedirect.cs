using System.Globalization;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// A REGISTER redirect (3xx, GB/T 28181-2022 registration redirect): which Contact to follow. The highest
/// <c>q</c> wins (absent = 1.0), the first listed among equals; only sip/sips URIs with a host are followed.
/// </summary>
internal static class PlatformRedirect
{
    /// <summary>How many redirects one REGISTER attempt follows before it gives up (a longer chain is a misconfiguration).</summary>
    public const int MaxHops = 3;

    public static bool IsRedirect(int statusCode) => statusCode is >= 300 and < 400;

    /// <summary>The contact to follow, or null when the 3xx names none that can be followed.</summary>
    public static SipNameAddress? Choose(IReadOnlyList<SipNameAddress> contacts)
    {
        SipNameAddress? best = null;
        var bestQ = double.MinValue;
        foreach (var contact in contacts)
        {
            if (contact.IsWildcard || !contact.Uri.IsSip || contact.Uri.Host.Length == 0)
            {
                continue;
            }

            var q = Q(contact);
            if (q > bestQ)
            {
                (best, bestQ) = (contact, q);
            }
        }

        return best;
    }

    /// <summary>The contact's <c>q</c> (0-1); 1.0 when absent, 0 when unreadable (followed only when nothing better is offered).</summary>
    internal static double Q(SipNameAddress contact) => contact.Parameters["q"] is not { } text ? 1.0
        : double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) && q is >= 0 and <= 1 ? q
        : 0;
}
