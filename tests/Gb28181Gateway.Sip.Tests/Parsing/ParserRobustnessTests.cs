using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Tests.Parsing;

/// <summary>
/// Random mutations of every vector (seeded, so a failure names a reproducible case): parsing and framing never
/// throw; a message that parses only ever throws <see cref="SipMessageException"/> from its accessors, and
/// serialises to bytes that parse again; a rejected request can always be answered.
/// </summary>
public sealed class ParserRobustnessTests
{
    private const int MutationsPerVector = 40;

    private static readonly byte[] Interesting =
        "\r\n \t:;,\"\\<>@=/?%[]09*"u8.ToArray().Concat(new byte[] { 0x00, 0x7F, 0x80, 0xC3, 0xFF }).ToArray();

    public static TheoryData<string> Vectors => [.. SipVectors.All().Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Mutations_never_escape_as_unexpected_exceptions(string name)
    {
        var original = SipVectors.All().Single(v => v.Name == name).Bytes;
        var random = new Random(HashCode(name));
        var parsed = 0;

        for (var i = 0; i < MutationsPerVector; i++)
        {
            var mutated = Mutate(original, random);
            try
            {
                parsed += Exercise(mutated) ? 1 : 0;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{name} case {i}: {ex.GetType().Name}: {ex.Message}\n{Escape(mutated)}\n{ex.StackTrace}");
            }
        }

        // The mutations are small enough that some still parse, so the accessors were exercised too.
        Assert.True(parsed > 0 || !SipMessageParser.Parse(original).Success, $"{name}: no mutation parsed");
    }

    /// <summary>Returns whether the bytes parsed.</summary>
    private static bool Exercise(byte[] data)
    {
        _ = SipFrameScanner.Scan(data.AsSpan());
        _ = SipFrameScanner.Scan(SipStreamFixtures.Segments(data.AsMemory(0, data.Length / 2), data.AsMemory(data.Length / 2)));

        var result = SipMessageParser.Parse(data);
        if (!result.Success)
        {
            Assert.NotNull(result.Error);
            if (result.Message is SipRequest partial)
            {
                Touch(partial);
                _ = SipResponse.CreateFor(partial, result.ErrorStatusCode, toTag: "t1").ToBytes();
            }

            return false;
        }

        var message = result.Message!;
        Touch(message);
        var again = SipMessageParser.Parse(message.ToBytes());
        Assert.True(again.Success, $"serialised form does not parse: {again.Error}");
        return true;
    }

    /// <summary>Reads everything a user of the message could read; only SipMessageException may come out.</summary>
    private static void Touch(SipMessage m)
    {
        Try(() => m.TopVia?.ToString() + m.TopVia?.Branch + m.TopVia?.RPort + m.TopVia?.Received + m.TopVia?.HasRfc3261Branch + m.TopVia?.PortOrDefault);
        Try(() => string.Join(",", m.Vias.Select(v => v.ToString() + v.MAddr + v.HasRPort)));
        Try(() => Address(m.From));
        Try(() => Address(m.To));
        Try(() => m.CallId);
        Try(() => m.CSeq.ToString());
        Try(() => m.Contact is { } c ? Address(c) : null);
        Try(() => string.Join(",", m.Contacts.Select(Address)));
        Try(() => string.Join(",", m.Routes.Select(Address)));
        Try(() => string.Join(",", m.RecordRoutes.Select(Address)));
        Try(() => $"{m.Expires}{m.MaxForwards}{m.ContentType}{m.UserAgent}{m.Subject}{m.Date}{m.HasContentType("application/sdp")}");
        Try(() => $"{m.Event}{m.SubscriptionState}");
        Try(() => string.Join(",", new[] { m.WwwAuthenticate, m.ProxyAuthenticate, m.Authorization, m.ProxyAuthorization }
            .Where(a => a is not null).Select(a => a!.ToString() + string.Join(";", a.Parameters))));
        Try(() => string.Join(",", m.Headers.Select(h => h.ToString())));
        Try(() => string.Join(",", Enum.GetValues<SipHeaderKind>().SelectMany(k => m.Headers.GetAll(k))));
        Try(() => string.Join(",", m.Headers.Select(h => m.Headers.GetFirst(h.Name))));
        switch (m)
        {
            case SipRequest request:
                Try(() => request.RequestLine + request.RequestUri.ToString() + request.RequestUri.Transport + request.RequestUri.IsSip);
                break;
            case SipResponse response:
                Try(() => response.ReasonPhrase + response.IsProvisional);
                break;
        }
    }

    private static string Address(SipNameAddress a) =>
        $"{a.DisplayName}|{a.Uri}|{a.Uri.User}|{a.Uri.Host}|{a.Uri.Port}|{a.Uri.Transport}|{a.Tag}|{a.Expires}|{a}";

    private static void Try(Func<object?> read)
    {
        try
        {
            _ = read();
        }
        catch (SipMessageException)
        {
            // the documented failure of a typed accessor
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        var count = random.Next(1, 4);
        for (var n = 0; n < count && data.Count > 0; n++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(random.Next(1, 17), data.Count - at));
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Range(0, random.Next(1, 5)).Select(_ => Interesting[random.Next(Interesting.Length)]));
                    break;
                case 4:
                    var from = random.Next(data.Count);
                    data.InsertRange(at, data.GetRange(from, Math.Min(random.Next(1, 40), data.Count - from)));
                    break;
                case 5:
                    data.RemoveRange(at, data.Count - at); // truncation
                    break;
                default:
                    var line = LineAt(data, at);
                    data.InsertRange(line.Start, data.GetRange(line.Start, line.Length)); // a repeated header line
                    break;
            }
        }

        return [.. data];
    }

    private static (int Start, int Length) LineAt(List<byte> data, int at)
    {
        var start = at;
        while (start > 0 && data[start - 1] != (byte)'\n')
        {
            start--;
        }

        var end = at;
        while (end < data.Count && data[end] != (byte)'\n')
        {
            end++;
        }

        return (start, Math.Min(end + 1, data.Count) - start);
    }

    private static int HashCode(string name) => name.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static string Escape(byte[] data)
    {
        var sb = new StringBuilder();
        foreach (var b in data)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : b == (byte)'\n' ? "\\n\n" : $"\\x{b:X2}");
        }

        return sb.ToString();
    }
}
