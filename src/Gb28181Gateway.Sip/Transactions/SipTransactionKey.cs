using System.Globalization;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Transactions;

/// <summary>
/// What identifies a transaction. Client side (§17.1.3): the branch we put in the top Via and the CSeq
/// method. Server side (§17.2.3): the top Via branch, its sent-by and the method, with ACK matching its
/// INVITE. For a branch without the RFC 3261 magic cookie (RFC 2543 peers), the branch part is built from
/// Call-ID, CSeq number, From tag and the top Via, which is what RFC 2543 matching compares.
/// </summary>
internal readonly record struct SipTransactionKey(string Branch, string SentBy, string Method)
{
    public static SipTransactionKey ForClient(string branch, string method) => new(branch, string.Empty, method);

    /// <summary>The key of the server transaction <paramref name="request"/> belongs to; false when the request has no usable top Via.</summary>
    public static bool TryForServer(SipRequest request, out SipTransactionKey key)
    {
        key = default;
        var via = request.TopVia;
        if (via is null)
        {
            return false;
        }

        var method = request.Method == SipMethod.Ack ? SipMethod.Invite : request.Method;
        var sentBy = via.Host.ToLowerInvariant() + ":" + via.PortOrDefault.ToString(CultureInfo.InvariantCulture);
        if (via.HasRfc3261Branch)
        {
            key = new SipTransactionKey(via.Branch!, sentBy, method);
            return true;
        }

        var branch = "rfc2543|" + request.CallId + "|" + request.CSeq.Number.ToString(CultureInfo.InvariantCulture) + "|"
            + request.From.Tag + "|" + via.Branch;
        key = new SipTransactionKey(branch, sentBy, method);
        return true;
    }

    public SipTransactionKey WithMethod(string method) => this with { Method = method };

    public override string ToString() => SentBy.Length == 0 ? Branch + " " + Method : Branch + " " + SentBy + " " + Method;
}
