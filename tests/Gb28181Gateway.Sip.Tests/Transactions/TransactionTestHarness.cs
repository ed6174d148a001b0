using System.Net;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Sip.Tests.Transactions;

/// <summary>A transaction layer over an in-memory transport, with a recording transaction user and owner.</summary>
internal sealed class TransactionTestHarness : ISipTransactionUser, ISipClientTransactionOwner
{
    public static readonly SipEndPoint PeerUdp = SipEndPoint.Udp(IPAddress.Parse("10.0.0.2"), 5060);
    public static readonly SipEndPoint PeerTcp = SipEndPoint.Tcp(IPAddress.Parse("10.0.0.2"), 5060);

    public TransactionTestHarness(TimeSpan? cancelAnswerTimeout = null)
    {
        Time = new ManualTimeProvider();
        Transport = new InMemoryTransport(Time);
        Start = Time.GetUtcNow();
        Layer = new SipTransactionLayer(Transport, SipTimers.Default, cancelAnswerTimeout ?? TimeSpan.FromSeconds(1), Time, NullLogger.Instance, SipMetrics.Default);
        Layer.Attach(this);
    }

    public ManualTimeProvider Time { get; }

    public InMemoryTransport Transport { get; }

    public SipTransactionLayer Layer { get; }

    public DateTimeOffset Start { get; }

    public List<SipServerTransaction> Requests { get; } = [];

    public List<SipRequest> Acks { get; } = [];

    public List<SipRequest> Cancels { get; } = [];

    public List<SipResponse> Stray { get; } = [];

    public List<SipResponse> Provisionals { get; } = [];

    public List<SipResponse> Finals { get; } = [];

    public List<SipResponse> Additional2xx { get; } = [];

    /// <summary>Seconds since the harness started, for each message that matches.</summary>
    public double[] SendTimes(Func<SentMessage, bool> match) =>
        [.. Transport.Sent.Where(match).Select(s => (s.At - Start).TotalSeconds)];

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public SipRequest NewRequest(string method, SipEndPoint target, string branch = "z9hG4bKclient1")
    {
        var request = new SipRequest(method, SipUri.Parse("sip:34020000001320000001@3402000000"));
        request.Headers.Add(SipHeaderKind.Via, new SipVia(target.ViaTransport, "192.0.2.1", 5060, SipParameters.Of(new SipParameter("branch", branch))));
        request.Headers.Add(SipHeaderKind.From, SipNameAddress.Parse("<sip:34020000002000000001@3402000000>;tag=ours"));
        request.Headers.Add(SipHeaderKind.To, SipNameAddress.Parse("<sip:34020000001320000001@3402000000>"));
        request.Headers.Add(SipHeaderKind.CallId, "call-1");
        request.Headers.Add(SipHeaderKind.CSeq, new SipCSeq(1, method));
        request.Headers.Add(SipHeaderKind.MaxForwards, 70);
        return request;
    }

    /// <summary>A response from the peer to our request, as text for <see cref="InMemoryTransport.Deliver"/>.</summary>
    public static string ResponseText(SipRequest request, int status, string? toTag = "peer")
    {
        var response = SipResponse.CreateFor(request, status, toTag: status == 100 ? null : toTag);
        return response.ToString();
    }

    public void OnRequest(SipServerTransaction transaction) => Requests.Add(transaction);

    public void OnAck(SipRequest ack, SipEndPoint source) => Acks.Add(ack);

    public void OnCancelled(InviteServerTransaction invite, SipRequest cancel) => Cancels.Add(cancel);

    public void OnStrayResponse(SipResponse response, SipEndPoint source) => Stray.Add(response);

    public void OnProvisional(SipClientTransaction transaction, SipResponse response) => Provisionals.Add(response);

    public void OnFinal(SipClientTransaction transaction, SipResponse response) => Finals.Add(response);

    public void OnAdditional2xx(SipClientTransaction transaction, SipResponse response) => Additional2xx.Add(response);
}
