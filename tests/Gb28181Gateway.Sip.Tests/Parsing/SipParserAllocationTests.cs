using System.Buffers;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>
/// The allocation budget (under 1 KB per parse), held as a regression guard: managed allocation
/// counts are exact, unlike timings (those are in tests/Gb28181Gateway.Benchmarks/Sip).
/// </summary>
public sealed class SipParserAllocationTests
{
    private const int Rounds = 200;

    [Fact]
    public void Parsing_a_register_with_authorization_and_reading_the_stack_keys_stays_under_1_kb()
    {
        ReadOnlyMemory<byte> register = SipVectors.Seed("004-03-register.sip");
        Assert.NotNull(SipMessageParser.Parse(register).Message!.Authorization);

        var parse = PerCall(() => SipMessageParser.Parse(register).Message!.Headers.Count);
        var parseAndKeys = PerCall(() =>
        {
            var m = SipMessageParser.Parse(register).Message!;
            return m.TopViaBranch!.Length + (int)m.CSeq.Number + m.CallId.Length + m.FromTag!.Length + (m.ToTag?.Length ?? 0);
        });

        Assert.InRange(parse, 1, 1023);
        Assert.InRange(parseAndKeys, parse + 1, 1023);
    }

    [Fact]
    public void Parsing_a_1_kb_message_does_not_copy_the_body_and_serialising_allocates_nothing()
    {
        ReadOnlyMemory<byte> message = SipVectors.Seed("001-21-message-response-catalog.sip");
        var parsed = SipMessageParser.Parse(message).Message!;
        Assert.True(parsed.Body.Length > 800);
        var output = new ArrayBufferWriter<byte>(4096);

        var parse = PerCall(() => SipMessageParser.Parse(message).Message!.Body.Length);
        var serialise = PerCall(() =>
        {
            output.ResetWrittenCount();
            parsed.WriteTo(output);
            return output.WrittenCount;
        });

        Assert.InRange(parse, 1, parsed.Body.Length - 1);
        Assert.Equal(0, serialise);
    }

    private static long PerCall(Func<int> action)
    {
        var sink = 0;
        for (var i = 0; i < Rounds; i++)
        {
            sink += action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            sink += action();
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
        Assert.True(sink > 0);
        return perCall;
    }
}
