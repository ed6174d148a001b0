using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Parsing;

/// <summary>
/// Checks, over the received bytes and without building typed values, the headers the stack relies on, so
/// that a message that parses never makes the stack's own accessors throw. Decisions where RFC 4475 leaves
/// a choice (the test vectors of tests/vectors/sip/rfc4475 pin each one):
/// <list type="bullet">
/// <item>Rejected (400): a malformed top Via, From, To, Call-ID or CSeq; more than one of From, To, Call-ID,
/// CSeq; a CSeq method other than the request's; a Max-Forwards that is not 0-255; a malformed Expires in a
/// request; any malformed Contact, Route or Record-Route element (RFC 4475 §3.1.2.13 regbadct: the stack
/// routes and registers with these, so an unusable one is refused up front rather than at first use).</item>
/// <item>Accepted: a Date that is not RFC 1123 (§3.1.2.12 baddate; GB28181 itself sends
/// <c>yyyy-MM-ddTHH:mm:ss.SSS</c>), headers the stack does not interpret, Expires in a response (its
/// accessor throws <see cref="SipMessageException"/> if asked), a branch that is only the magic cookie
/// (§3.2.1 badbranch: <see cref="SipVia.HasRfc3261Branch"/> is then false, so RFC 2543 matching applies).</item>
/// </list>
/// </summary>
internal static class SipMessageValidator
{
    /// <summary>Returns what is wrong, or null.</summary>
    public static string? Validate(SipMessage message)
    {
        var h = message.Headers;
        var via = h.IndexOf(SipHeaderKind.Via);
        if (via < 0)
        {
            return "missing Via header";
        }

        if (!SipVia.IsValid(h.FirstElement(via)))
        {
            return "malformed Via header";
        }

        var error = CheckSingle(h, SipHeaderKind.From, out var from);
        if (error is not null)
        {
            return error;
        }

        if ((error = CheckSingle(h, SipHeaderKind.To, out var to)) is not null
            || (error = CheckSingle(h, SipHeaderKind.CallId, out var callId)) is not null
            || (error = CheckSingle(h, SipHeaderKind.CSeq, out _)) is not null)
        {
            return error;
        }

        if (!SipNameAddress.IsValid(h.FirstElement(from)))
        {
            return "malformed From header";
        }

        if (!SipNameAddress.IsValid(h.FirstElement(to)))
        {
            return "malformed To header";
        }

        var callIdText = h.FirstElement(callId);
        if (callIdText.IsEmpty || callIdText.ContainsAny(SipSyntax.LwsBytes))
        {
            return "malformed Call-ID header";
        }

        SipCSeq cseq;
        try
        {
            cseq = message.CSeq;
        }
        catch (SipMessageException ex)
        {
            return ex.Message;
        }

        if (message is SipRequest request)
        {
            if (!string.Equals(cseq.Method, request.Method, StringComparison.Ordinal))
            {
                return $"CSeq method {cseq.Method} does not match request method {request.Method}";
            }

            if (!IsNumber(h, SipHeaderKind.MaxForwards, 255))
            {
                return "malformed Max-Forwards header";
            }

            if (!IsNumber(h, SipHeaderKind.Expires, int.MaxValue))
            {
                return "malformed Expires header";
            }
        }

        return CheckAddresses(h, SipHeaderKind.Contact) ?? CheckAddresses(h, SipHeaderKind.Route) ?? CheckAddresses(h, SipHeaderKind.RecordRoute);
    }

    private static string? CheckSingle(SipHeaders headers, SipHeaderKind kind, out int index)
    {
        index = headers.IndexOf(kind);
        if (index < 0)
        {
            return $"missing {SipHeaderNames.GetName(kind)} header";
        }

        for (var i = index + 1; i < headers.Count; i++)
        {
            if (headers.EntryAt(i).Kind == kind)
            {
                return $"more than one {SipHeaderNames.GetName(kind)} header";
            }
        }

        return null;
    }

    private static bool IsNumber(SipHeaders headers, SipHeaderKind kind, int max)
    {
        var i = headers.IndexOf(kind);
        return i < 0 || (SipSyntax.TryParseInt32(headers.FirstElement(i), out var n) && n <= max);
    }

    /// <summary>Every comma-separated element of every header of this kind must be a name-addr or addr-spec.</summary>
    private static string? CheckAddresses(SipHeaders headers, SipHeaderKind kind)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (headers.EntryAt(i).Kind != kind)
            {
                continue;
            }

            var text = headers.ValueBytes(i);
            while (true)
            {
                var comma = SipSyntax.IndexOfUnquoted(text, (byte)',');
                var element = comma < 0 ? text : text[..comma];
                if (!SipNameAddress.IsValid(element))
                {
                    return $"malformed {SipHeaderNames.GetName(kind)} header";
                }

                if (comma < 0)
                {
                    break;
                }

                text = text[(comma + 1)..];
            }
        }

        return null;
    }
}
