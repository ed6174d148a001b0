using System.Buffers;
using System.Globalization;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

internal static class MessageAssert
{
    /// <summary>Parses bytes that must hold a valid message.</summary>
    public static SipMessage Parses(ReadOnlyMemory<byte> bytes, string? what = null)
    {
        var result = SipMessageParser.Parse(bytes);
        Assert.True(result.Success, $"{what}: {result.Error}");
        return result.Message!;
    }

    /// <summary>Serialises into a fresh buffer.</summary>
    public static byte[] Serialise(SipMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        message.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Same start line, same headers in the same order with the same (unfolded) values, same body bytes.</summary>
    public static void Equivalent(SipMessage expected, SipMessage actual, string? what = null)
    {
        switch (expected)
        {
            case SipRequest request:
                var other = Assert.IsType<SipRequest>(actual);
                Assert.Equal(request.RequestLine, other.RequestLine);
                break;
            case SipResponse response:
                var otherResponse = Assert.IsType<SipResponse>(actual);
                Assert.Equal((response.StatusCode, response.ReasonPhrase), (otherResponse.StatusCode, otherResponse.ReasonPhrase));
                break;
        }

        // The writer always sends a Content-Length (RFC 3261 §20.14: required on streams): when the original had
        // none, it is the one extra header, last, and says the body length.
        var count = expected.Headers.Count;
        if (!expected.Headers.Contains(SipHeaderKind.ContentLength))
        {
            Assert.Equal(new SipHeader(SipHeaderKind.ContentLength, "Content-Length", expected.Body.Length.ToString(CultureInfo.InvariantCulture)),
                actual.Headers[^1]);
            count++;
        }

        Assert.True(count == actual.Headers.Count, $"{what}: {expected.Headers.Count} headers became {actual.Headers.Count}");
        for (var i = 0; i < expected.Headers.Count; i++)
        {
            Assert.Equal(expected.Headers[i], actual.Headers[i]);
        }

        Assert.True(expected.Body.Span.SequenceEqual(actual.Body.Span), $"{what}: body differs");
    }
}
