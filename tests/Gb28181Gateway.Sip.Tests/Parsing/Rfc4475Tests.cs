using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>
/// What the parser does with each RFC 4475 message (tests/vectors/sip/rfc4475). Where the RFC lets the
/// implementation choose, the choice is written next to the file and asserted here.
/// </summary>
public sealed class Rfc4475Tests
{
    /// <summary>Accepted messages have a null error; rejected ones the status a request gets and a piece of the reason.</summary>
    private static readonly Dictionary<string, (string Section, int Status, string? Error)> Outcomes = new()
    {
        // §3.1.1 valid messages: all must parse.
        ["wsinv"] = ("3.1.1.1", 0, null),
        ["intmeth"] = ("3.1.1.2", 0, null),
        ["esc01"] = ("3.1.1.3", 0, null),
        ["escnull"] = ("3.1.1.4", 0, null),
        ["esc02"] = ("3.1.1.5", 0, null),
        ["lwsdisp"] = ("3.1.1.6", 0, null),
        ["longreq"] = ("3.1.1.7", 0, null),
        ["dblreq"] = ("3.1.1.8", 0, null),
        ["semiuri"] = ("3.1.1.9", 0, null),
        ["transports"] = ("3.1.1.10", 0, null),
        ["mpart01"] = ("3.1.1.11", 0, null),
        ["unreason"] = ("3.1.1.12", 0, null),
        ["noreason"] = ("3.1.1.13", 0, null),

        // §3.1.2 invalid messages.
        ["badinv01"] = ("3.1.2.1", 400, "malformed Via header"),
        ["clerr"] = ("3.1.2.2", 400, "Content-Length 9999 exceeds the 154 body bytes"),
        ["ncl"] = ("3.1.2.3", 400, "malformed Content-Length header '-999'"),
        ["scalar02"] = ("3.1.2.4", 400, "malformed CSeq header"),
        ["scalarlg"] = ("3.1.2.5", 400, "malformed CSeq header"), // a response: dropped
        ["quotbal"] = ("3.1.2.6", 400, "malformed To header"),
        ["ltgtruri"] = ("3.1.2.7", 400, "malformed Request-URI"),
        ["lwsruri"] = ("3.1.2.8", 400, "whitespace in the Request-URI"),
        ["lwsstart"] = ("3.1.2.9", 400, "more than one space between request-line elements"),
        ["trws"] = ("3.1.2.10", 400, "whitespace after the SIP version"),
        ["escruri"] = ("3.1.2.11", 400, "URI headers"), // choice: refused rather than headers ignored
        ["baddate"] = ("3.1.2.12", 0, null), // choice: accepted, Date is not interpreted (GB28181 sends its own format)
        ["regbadct"] = ("3.1.2.13", 400, "malformed Contact header"), // choice: refused, the angle brackets are not inferred
        ["badaspec"] = ("3.1.2.14", 400, "malformed To header"), // choice: refused, spaces inside <> are not skipped
        ["baddn"] = ("3.1.2.15", 400, "no empty line after the headers"), // the archive file also lacks its final CRLF
        ["badvers"] = ("3.1.2.16", 505, "SIP version SIP/7.0 not supported"),
        ["mismatch01"] = ("3.1.2.17", 400, "CSeq method INVITE does not match request method OPTIONS"),
        ["mismatch02"] = ("3.1.2.18", 400, "CSeq method INVITE does not match request method NEWMETHOD"),
        ["bigcode"] = ("3.1.2.19", 400, "malformed status code"), // a response: dropped

        // §3.2 transaction layer: a parser must not break; the empty branch falls back to RFC 2543 matching.
        ["badbranch"] = ("3.2.1", 0, null),

        // §3.3 application layer: parsing decisions only (415, 416, 420 ... are the application's).
        ["insuf"] = ("3.3.1", 400, "missing From header"),
        ["unkscm"] = ("3.3.2", 0, null),
        ["novelsc"] = ("3.3.3", 0, null),
        ["unksm2"] = ("3.3.4", 0, null),
        ["bext01"] = ("3.3.5", 0, null),
        ["invut"] = ("3.3.6", 0, null),
        ["regaut01"] = ("3.3.7", 0, null),
        ["multi01"] = ("3.3.8", 400, "more than one From header"),
        ["mcl01"] = ("3.3.9", 400, "conflicting Content-Length headers"),
        ["bcast"] = ("3.3.10", 0, null),
        ["zeromf"] = ("3.3.11", 0, null),
        ["cparam01"] = ("3.3.12", 0, null),
        ["cparam02"] = ("3.3.13", 0, null),
        ["regescrt"] = ("3.3.14", 0, null),
        ["sdp01"] = ("3.3.15", 0, null),

        // §3.4 backward compatibility: RFC 2543 syntax (no branch, no tags, no Max-Forwards, no Content-Length).
        ["inv2543"] = ("3.4.1", 0, null),
    };

    public static TheoryData<string> Files => [.. SipVectors.Rfc4475Names.Select(n => n[..^4])];

    [Fact]
    public void Every_archive_message_is_present_and_has_a_decided_outcome()
    {
        Assert.Equal(Outcomes.Keys.Order(StringComparer.Ordinal), SipVectors.Rfc4475Names.Select(n => n[..^4]));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Outcome_is_the_one_decided_for_the_message(string name)
    {
        var (section, status, error) = Outcomes[name];
        var result = SipMessageParser.Parse(SipVectors.Rfc4475(name + ".dat"));

        if (error is null)
        {
            Assert.True(result.Success, $"§{section} {name}: {result.Error}");
            Assert.NotNull(result.Message);
            return;
        }

        Assert.False(result.Success, $"§{section} {name} was accepted");
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
        if (result.Message is SipRequest request)
        {
            Assert.Equal(status, result.ErrorStatusCode);

            // A rejected request can still be answered statelessly: its Via lines go back unchanged.
            var response = SipResponse.CreateFor(request, result.ErrorStatusCode);
            Assert.Equal(request.Headers.GetAll(SipHeaderKind.Via), response.Headers.GetAll(SipHeaderKind.Via));
            Assert.Equal(request.Headers.GetFirst(SipHeaderKind.CallId), response.Headers.GetFirst(SipHeaderKind.CallId));
        }
    }

    [Fact]
    public void Unsupported_version_is_answerable_with_505_carrying_the_request_identifiers()
    {
        var result = SipMessageParser.Parse(SipVectors.Rfc4475("badvers.dat"));

        var request = Assert.IsType<SipRequest>(result.Message);
        Assert.Equal(SipStatus.VersionNotSupported, result.ErrorStatusCode);
        var response = SipResponse.CreateFor(request, result.ErrorStatusCode, toTag: "gw1");
        var reparsed = Assert.IsType<SipResponse>(SipMessageParser.Parse(response.ToBytes()).Message);
        Assert.Equal(505, reparsed.StatusCode);
        Assert.Equal("Version Not Supported", reparsed.ReasonPhrase);
        Assert.Equal("c.example.com", reparsed.TopVia!.Host);
        Assert.Equal("SIP/7.0", reparsed.TopVia.Protocol);
        Assert.Equal("qweoiqpe", reparsed.From.Tag);
        Assert.Equal("gw1", reparsed.To.Tag);
        Assert.Equal("badvers.31417@c.example.com", reparsed.CallId);
        Assert.Equal(new SipCSeq(1, SipMethod.Options), reparsed.CSeq);
    }

    [Fact]
    public void Unquoted_display_name_with_separators_is_refused_once_the_message_is_framed()
    {
        // baddn's intended error (§3.1.2.15), with the empty line the archive file lacks.
        var bytes = SipVectors.Rfc4475("baddn.dat").Concat("\r\n"u8.ToArray()).ToArray();

        var result = SipMessageParser.Parse(bytes);

        Assert.Equal("malformed From header", result.Error);
        Assert.Equal(SipStatus.BadRequest, result.ErrorStatusCode);
    }

    [Fact]
    public void Extra_datagram_octets_after_content_length_are_not_part_of_the_message()
    {
        // dblreq (§3.1.1.8): a REGISTER with Content-Length 0 followed by an INVITE in the same datagram.
        var bytes = SipVectors.Rfc4475("dblreq.dat");

        var request = Assert.IsType<SipRequest>(SipMessageParser.Parse(bytes).Message);

        Assert.Equal(SipMethod.Register, request.Method);
        Assert.True(request.Body.IsEmpty);
        var frame = SipFrameScanner.Scan(bytes.AsSpan());
        Assert.Equal(SipFrameStatus.Complete, frame.Status);
        Assert.Equal(bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4, frame.Length);
    }

    [Fact]
    public void Without_content_length_a_datagram_body_is_the_rest_of_the_datagram()
    {
        var bytes = SipVectors.Rfc4475("inv2543.dat");

        var request = Assert.IsType<SipRequest>(SipMessageParser.Parse(bytes).Message);

        Assert.False(request.Headers.Contains(SipHeaderKind.ContentLength));
        Assert.StartsWith("v=0\r\n", Encoding.ASCII.GetString(request.Body.Span), StringComparison.Ordinal);
        Assert.EndsWith("m=audio 49217 RTP/AVP 0\r\n", Encoding.ASCII.GetString(request.Body.Span), StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {request.Body.Length}\r\n", Encoding.ASCII.GetString(request.ToBytes()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mcl01")]
    [InlineData("ncl")]
    public void Unframeable_content_length_makes_a_stream_invalid(string name)
    {
        var frame = SipFrameScanner.Scan(SipVectors.Rfc4475(name + ".dat").AsSpan());

        Assert.Equal(SipFrameStatus.Invalid, frame.Status);
        Assert.Contains("Content-Length", frame.Error, StringComparison.Ordinal);
    }
}
