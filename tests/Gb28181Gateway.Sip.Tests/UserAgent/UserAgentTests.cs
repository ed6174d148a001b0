using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Tests.Dialogs;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Sip.Tests.UserAgent;

public sealed class UserAgentTests
{
    private const string Info = """
        INFO sip:34020000001320000001@3402000000 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bK-info-CSEQ
        From: <sip:34020000002000000001@3402000000>;tag=platform
        To: <sip:34020000001320000001@3402000000>;tag=TOTAG
        Call-ID: play-1
        CSeq: CSEQ INFO
        Max-Forwards: 70
        Content-Type: Application/MANSRTSP
        Content-Length: 0


        """;

    [Fact]
    public async Task A_method_without_handler_gets_405_with_allow_and_options_gets_200_with_allow()
    {
        await using var h = new UserAgentHarness();
        h.UserAgent.Handle(SipMethod.Message, r => r.RespondAsync(200));

        h.Transport.Deliver(Request("SUBSCRIBE", "z9hG4bK-sub-1"), UserAgentHarness.Peer);
        h.Transport.Deliver(Request("OPTIONS", "z9hG4bK-opt-1"), UserAgentHarness.Peer);

        var refused = (await h.WaitForResponseAsync(405, SipMethod.Subscribe)).Response;
        Assert.Equal("ACK, BYE, CANCEL, MESSAGE, OPTIONS", refused.Headers.GetFirst(SipHeaderKind.Allow));
        var options = (await h.WaitForResponseAsync(200, SipMethod.Options)).Response;
        Assert.Equal("ACK, BYE, CANCEL, MESSAGE, OPTIONS", options.Headers.GetFirst(SipHeaderKind.Allow));
    }

    [Fact]
    public async Task A_handler_that_throws_or_returns_without_answering_leads_to_500_and_a_retransmission_is_not_dispatched_again()
    {
        await using var h = new UserAgentHarness();
        var calls = 0;
        h.UserAgent.Handle(SipMethod.Message, _ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("bug in the handler");
        });

        h.Transport.Deliver(Request("MESSAGE", "z9hG4bK-msg-1"), UserAgentHarness.Peer);
        await h.WaitForResponseAsync(500, SipMethod.Message);
        h.Transport.Deliver(Request("MESSAGE", "z9hG4bK-msg-1"), UserAgentHarness.Peer);
        await h.Transport.WaitForAsync(_ => h.Transport.SentResponses(500).Length == 2, "the 500 again");

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_request_claiming_an_unknown_dialog_gets_481()
    {
        await using var h = new UserAgentHarness();
        h.UserAgent.Handle(SipMethod.Info, r => r.RespondAsync(200));

        h.Transport.Deliver(InfoIn("no-such-tag", 21), UserAgentHarness.Peer);

        await h.WaitForResponseAsync(481, SipMethod.Info);
    }

    [Fact]
    public async Task In_dialog_requests_reach_the_handler_with_their_dialog_and_a_lower_cseq_gets_500()
    {
        await using var h = new UserAgentHarness();
        var infos = new List<SipIncomingRequest>();
        h.UserAgent.Handle(SipMethod.Invite, r => r.RespondAsync(200));
        h.UserAgent.Handle(SipMethod.Info, r =>
        {
            lock (infos)
            {
                infos.Add(r);
            }

            return r.RespondAsync(200);
        });
        h.Transport.Deliver(InviteDialogTests.Invite, UserAgentHarness.Peer);
        var ok = (await h.WaitForResponseAsync(200, SipMethod.Invite)).Response;
        var tag = ok.To.Tag!;
        h.Transport.Deliver(InviteDialogTests.AckFor(tag), UserAgentHarness.Peer);

        h.Transport.Deliver(InfoIn(tag, 21), UserAgentHarness.Peer);
        await h.WaitForResponseAsync(200, SipMethod.Info);
        h.Transport.Deliver(InfoIn(tag, 20), UserAgentHarness.Peer);
        var rejected = (await h.WaitForResponseAsync(500, SipMethod.Info)).Response;

        var info = Assert.Single(infos);
        var dialog = Assert.Single(h.UserAgent.Dialogs);
        Assert.Same(dialog, info.Dialog);
        Assert.Equal(21u, dialog.RemoteCSeq);
        Assert.StartsWith("Server Internal Error", rejected.ReasonPhrase, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_is_answered_once_with_digest_credentials_cseq_plus_one_same_call_id_and_a_new_branch()
    {
        await using var h = new UserAgentHarness();
        var server = new DigestServer("3402000000", h.Time);
        var register = h.NewRequest(SipMethod.Register);
        register.Headers.Add(SipHeaderKind.Expires, "3600");

        var pending = h.UserAgent.SendRequestAsync(register, UserAgentHarness.Peer,
            new SipRequestOptions { Credentials = new DigestClient("34020000002000000001", "12345678") });
        var first = (await h.WaitForRequestAsync(SipMethod.Register)).Request;
        var challenge = SipResponse.CreateFor(first, 401, toTag: "r");
        challenge.Headers.Add(SipHeaderKind.WwwAuthenticate, server.CreateChallenge());
        h.Transport.Deliver(challenge.ToString(), UserAgentHarness.Peer);
        var second = (await h.WaitForRequestAsync(SipMethod.Register, 2)).Request;
        h.Transport.Deliver(SipResponse.CreateFor(second, 200, toTag: "r").ToString(), UserAgentHarness.Peer);

        Assert.Equal(200, (await pending.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(first.CSeq.Number + 1, second.CSeq.Number);
        Assert.Equal(first.CallId, second.CallId);
        Assert.Equal(first.From.Tag, second.From.Tag);
        Assert.NotEqual(first.TopVia!.Branch, second.TopVia!.Branch);
        Assert.Null(first.Authorization);
        Assert.Equal(DigestVerdict.Valid, server.Verify(second.Authorization, SipMethod.Register, "12345678"));
        Assert.Equal("3600", second.Headers.GetFirst(SipHeaderKind.Expires));
    }

    [Fact]
    public async Task A_second_401_without_stale_is_returned_instead_of_retrying_forever()
    {
        await using var h = new UserAgentHarness();
        var server = new DigestServer("3402000000", h.Time);
        var pending = h.UserAgent.SendRequestAsync(h.NewRequest(SipMethod.Register), UserAgentHarness.Peer,
            new SipRequestOptions { Credentials = new DigestClient("34020000002000000001", "wrong") });

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var sent = (await h.WaitForRequestAsync(SipMethod.Register, attempt)).Request;
            var challenge = SipResponse.CreateFor(sent, 401, toTag: "r");
            challenge.Headers.Add(SipHeaderKind.WwwAuthenticate, server.CreateChallenge());
            h.Transport.Deliver(challenge.ToString(), UserAgentHarness.Peer);
        }

        Assert.Equal(401, (await pending.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(2, h.Transport.SentRequests(SipMethod.Register).Length);
    }

    [Fact]
    public async Task A_subscription_dialog_receives_its_notify_and_refreshes_in_the_dialog()
    {
        await using var h = new UserAgentHarness();
        var notified = new TaskCompletionSource<SipIncomingRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.UserAgent.Handle(SipMethod.Notify, async r =>
        {
            await r.RespondAsync(200);
            notified.TrySetResult(r);
        });
        var subscribe = h.NewRequest(SipMethod.Subscribe);
        subscribe.Headers.Add(SipHeaderKind.Event, "Catalog");
        subscribe.Headers.Add(SipHeaderKind.Expires, "3600");

        var pending = h.UserAgent.SubscribeAsync(subscribe, UserAgentHarness.Peer);
        var sent = (await h.WaitForRequestAsync(SipMethod.Subscribe)).Request;
        h.Answer(sent, 200, toTag: "dev");
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        var dialog = Assert.IsType<SipDialog>(result.Dialog);

        var notify = $"""
            NOTIFY sip:34020000002000000001@192.0.2.1:5060 SIP/2.0
            Via: SIP/2.0/UDP 10.0.0.2:5062;rport;branch=z9hG4bK-notify-1
            From: <sip:34020000001320000001@3402000000>;tag=dev
            To: {sent.Headers.GetFirst(SipHeaderKind.From)}
            Call-ID: {sent.CallId}
            CSeq: 1 NOTIFY
            Event: Catalog
            Subscription-State: active;expires=3600
            Max-Forwards: 70
            Content-Length: 0


            """;
        h.Transport.Deliver(notify, UserAgentHarness.Peer);
        var incoming = await notified.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var refresh = dialog.CreateRequest(SipMethod.Subscribe);

        Assert.Same(dialog, incoming.Dialog);
        Assert.Equal(SipDialogState.Confirmed, dialog.State);
        Assert.Equal("sip:34020000001320000001@10.0.0.2:5062", refresh.RequestUri.ToString());
        Assert.Equal(sent.CallId, refresh.CallId);
        Assert.Equal("dev", refresh.To.Tag);
        Assert.Equal(sent.From.Tag, refresh.From.Tag);
        Assert.Equal(sent.CSeq.Number + 1, refresh.CSeq.Number);
    }

    private static string Request(string method, string branch) => $"""
        {method} sip:34020000001320000001@3402000000 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;rport;branch={branch}
        From: <sip:34020000002000000001@3402000000>;tag=platform
        To: <sip:34020000001320000001@3402000000>
        Call-ID: {branch}
        CSeq: 1 {method}
        Max-Forwards: 70
        Content-Length: 0


        """;

    private static string InfoIn(string toTag, int cseq) => Info
        .Replace("TOTAG", toTag, StringComparison.Ordinal)
        .Replace("CSEQ", cseq.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
