using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Tests.Transactions;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.UserAgent;

/// <summary>A user agent on the in-memory transport with a manual clock: for dialog and user agent timer behaviour.</summary>
internal sealed class UserAgentHarness : IAsyncDisposable
{
    public static readonly SipEndPoint Peer = TransactionTestHarness.PeerUdp;

    public UserAgentHarness(SipUserAgentOptions? options = null)
    {
        Time = new ManualTimeProvider();
        Transport = new InMemoryTransport(Time);
        Start = Time.GetUtcNow();
        UserAgent = new SipUserAgent(Transport, options, Time, loggerFactory: null, SipMetrics.Default);
    }

    public ManualTimeProvider Time { get; }

    public InMemoryTransport Transport { get; }

    public SipUserAgent UserAgent { get; }

    public DateTimeOffset Start { get; }

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public double[] SendTimes(Func<SentMessage, bool> match) =>
        [.. Transport.Sent.Where(match).Select(s => (s.At - Start).TotalSeconds)];

    public Task<SentMessage> WaitForResponseAsync(int status, string method) =>
        Transport.WaitForAsync(s => s.Message is SipResponse r && r.StatusCode == status && r.CSeq.Method == method, $"{status} to {method}");

    /// <summary>The <paramref name="count"/>-th request of this method sent (waiting for it).</summary>
    public async Task<SentMessage> WaitForRequestAsync(string method, int count = 1)
    {
        await Transport.WaitForAsync(_ => Transport.SentRequests(method).Length >= count, $"{method} #{count}");
        return Transport.SentRequests(method)[count - 1];
    }

    public SipRequest NewRequest(string method) => UserAgent.CreateRequest(method,
        SipUri.Parse("sip:34020000001320000001@3402000000"),
        SipNameAddress.Parse("<sip:34020000002000000001@3402000000>"),
        SipNameAddress.Parse("<sip:34020000001320000001@3402000000>"),
        Peer);

    /// <summary>The peer's response to a request we sent, with its tag, Contact and optional Record-Route.</summary>
    public void Answer(SipRequest sent, int status, string toTag = "peer", params string[] recordRoutes)
    {
        var response = SipResponse.CreateFor(sent, status, toTag: status == 100 ? null : toTag);
        foreach (var rr in recordRoutes)
        {
            response.Headers.Add(SipHeaderKind.RecordRoute, SipNameAddress.Parse(rr));
        }

        if (status is > 100 and < 300)
        {
            response.Headers.Add(SipHeaderKind.Contact, SipNameAddress.Parse("<sip:34020000001320000001@10.0.0.2:5062>"));
        }

        Transport.Deliver(response.ToString(), Peer);
    }

    public ValueTask DisposeAsync() => UserAgent.DisposeAsync();
}
