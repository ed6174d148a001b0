using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Tests.UserAgent;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Sip.Tests.Dialogs;

public sealed class InviteDialogTests
{
    internal const string Invite = """
        INVITE sip:34020000001320000001@3402000000 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bK-inv-1
        Record-Route: <sip:10.0.0.9;lr>
        From: <sip:34020000002000000001@3402000000>;tag=platform
        To: <sip:34020000001320000001@3402000000>
        Call-ID: play-1
        CSeq: 20 INVITE
        Contact: <sip:34020000002000000001@10.0.0.2:5060>
        Max-Forwards: 70
        Subject: 34020000001320000001:0200000001,34020000002000000001:0
        Content-Length: 0


        """;

    [Fact]
    public async Task The_uas_2xx_is_retransmitted_from_T1_doubling_to_T2_until_the_ack_arrives()
    {
        await using var h = new UserAgentHarness();
        var answered = new TaskCompletionSource<SipIncomingRequest>();
        h.UserAgent.Handle(SipMethod.Invite, async request =>
        {
            await request.RespondAsync(200);
            answered.SetResult(request);
        });
        h.Transport.Deliver(Invite, UserAgentHarness.Peer);
        var incoming = await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var dialog = incoming.Dialog!;

        h.Advance(8);
        h.Transport.Deliver(AckFor(incoming.LocalTag), UserAgentHarness.Peer);
        h.Advance(30);

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5], h.SendTimes(s => s.Message is SipResponse { StatusCode: 200 }));
        Assert.True(await dialog.Acknowledged.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SipDialogState.Confirmed, dialog.State);
        Assert.False(dialog.IsUac);
        Assert.Equal(new SipDialogId("play-1", incoming.LocalTag, "platform"), dialog.Id);
        Assert.Equal("sip:34020000002000000001@10.0.0.2:5060", dialog.RemoteTarget.ToString());
        Assert.Equal("<sip:10.0.0.9;lr>", Assert.Single(dialog.RouteSet).ToString());
        var ok = h.Transport.SentResponses(200)[0].Response;
        Assert.Equal("<sip:10.0.0.9;lr>", Assert.Single(ok.RecordRoutes).ToString());
        Assert.Equal("sip:34020000001320000001@192.0.2.1:5060", ok.Contact!.Uri.ToString());
    }

    [Fact]
    public async Task Without_an_ack_the_uas_is_told_after_64_T1_and_retransmission_stops()
    {
        await using var h = new UserAgentHarness();
        var answered = new TaskCompletionSource<SipDialog>();
        h.UserAgent.Handle(SipMethod.Invite, async request =>
        {
            await request.RespondAsync(200);
            answered.SetResult(request.Dialog!);
        });
        h.Transport.Deliver(Invite, UserAgentHarness.Peer);
        var dialog = await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        h.Advance(31.9);
        Assert.False(dialog.Acknowledged.IsCompleted);
        h.Advance(0.1);

        Assert.False(await dialog.Acknowledged.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SendTimes(s => s.Message is SipResponse { StatusCode: 200 }));
        h.Advance(60);
        Assert.Equal(11, h.Transport.SentResponses(200).Length);
        Assert.Equal(SipDialogState.Confirmed, dialog.State); // ending the call is the application's decision
    }

    [Fact]
    public async Task The_uac_acks_the_2xx_with_the_invite_cseq_and_a_new_branch_and_acks_every_retransmission_the_same()
    {
        await using var h = new UserAgentHarness();
        var invite = h.NewRequest(SipMethod.Invite);
        var call = h.UserAgent.InviteAsync(invite, UserAgentHarness.Peer);
        var sent = (await h.WaitForRequestAsync(SipMethod.Invite)).Request;
        h.Answer(sent, 100);
        h.Answer(sent, 180);
        var early = Assert.Single(h.UserAgent.Dialogs);
        Assert.Equal(SipDialogState.Early, early.State);

        h.Answer(sent, 200, "peer", "<sip:10.0.0.8;lr>", "<sip:10.0.0.9;lr>");
        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));
        h.Answer(sent, 200, "peer", "<sip:10.0.0.8;lr>", "<sip:10.0.0.9;lr>");

        Assert.True(result.IsSuccess);
        var dialog = result.Dialog!;
        Assert.Same(early, dialog);
        Assert.Equal(SipDialogState.Confirmed, dialog.State);
        Assert.True(await dialog.Acknowledged);
        var acks = h.Transport.SentRequests(SipMethod.Ack);
        Assert.Equal(2, acks.Length);
        Assert.Equal(acks[0].Bytes, acks[1].Bytes);
        var ack = acks[0].Request;
        Assert.Equal(new SipCSeq(sent.CSeq.Number, SipMethod.Ack), ack.CSeq);
        Assert.NotEqual(sent.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal("sip:34020000001320000001@10.0.0.2:5062", ack.RequestUri.ToString());
        Assert.Equal(["<sip:10.0.0.9;lr>", "<sip:10.0.0.8;lr>"], ack.Routes.Select(r => r.ToString()));
        Assert.Equal("peer", ack.To.Tag);

        var bye = h.UserAgent.Dialogs.Single().ByeAsync();
        var byeSent = (await h.WaitForRequestAsync(SipMethod.Bye)).Request;
        Assert.Equal(sent.CSeq.Number + 1, byeSent.CSeq.Number);
        Assert.Equal(sent.CallId, byeSent.CallId);
        Assert.Equal(["<sip:10.0.0.9;lr>", "<sip:10.0.0.8;lr>"], byeSent.Routes.Select(r => r.ToString()));
        h.Answer(byeSent, 200);
        Assert.Equal(200, (await bye.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(SipDialogEndReason.ByeSent, dialog.EndReason);
        Assert.Empty(h.UserAgent.Dialogs);
    }

    [Fact]
    public async Task A_failure_ends_the_early_dialog_and_returns_no_dialog()
    {
        await using var h = new UserAgentHarness();
        var call = h.UserAgent.InviteAsync(h.NewRequest(SipMethod.Invite), UserAgentHarness.Peer);
        var sent = (await h.WaitForRequestAsync(SipMethod.Invite)).Request;
        h.Answer(sent, 183);
        var early = Assert.Single(h.UserAgent.Dialogs);
        h.Answer(sent, 486);

        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(result.IsSuccess);
        Assert.Equal(486, result.StatusCode);
        Assert.Equal(SipDialogEndReason.Rejected, early.EndReason);
        Assert.Empty(h.UserAgent.Dialogs);
    }

    [Fact]
    public async Task Cancelling_before_any_provisional_sends_cancel_only_once_one_arrives()
    {
        await using var h = new UserAgentHarness();
        using var cts = new CancellationTokenSource();
        var call = h.UserAgent.InviteAsync(h.NewRequest(SipMethod.Invite), UserAgentHarness.Peer, cancellationToken: cts.Token);
        var sent = (await h.WaitForRequestAsync(SipMethod.Invite)).Request;

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Empty(h.Transport.SentRequests(SipMethod.Cancel));

        h.Answer(sent, 180);
        var cancel = (await h.WaitForRequestAsync(SipMethod.Cancel)).Request;
        Assert.Equal(sent.TopVia!.Branch, cancel.TopVia!.Branch);
        Assert.Equal(new SipCSeq(sent.CSeq.Number, SipMethod.Cancel), cancel.CSeq);
        Assert.Equal(sent.RequestUri, cancel.RequestUri);
        Assert.Null(cancel.To.Tag);

        h.Answer(cancel, 200);
        h.Answer(sent, 487);
        var ack = Assert.Single(h.Transport.SentRequests(SipMethod.Ack)).Request;
        Assert.Equal(sent.TopVia!.Branch, ack.TopVia!.Branch); // the transaction's ACK for a non-2xx
        Assert.Empty(h.UserAgent.Dialogs);
    }

    [Fact]
    public async Task A_2xx_that_arrives_after_the_caller_gave_up_is_acked_and_ended_with_bye()
    {
        await using var h = new UserAgentHarness();
        using var cts = new CancellationTokenSource();
        var call = h.UserAgent.InviteAsync(h.NewRequest(SipMethod.Invite), UserAgentHarness.Peer, cancellationToken: cts.Token);
        var sent = (await h.WaitForRequestAsync(SipMethod.Invite)).Request;
        h.Answer(sent, 180);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await h.WaitForRequestAsync(SipMethod.Cancel);

        h.Answer(sent, 200);

        await h.WaitForRequestAsync(SipMethod.Ack);
        var bye = (await h.WaitForRequestAsync(SipMethod.Bye)).Request;
        Assert.Equal("peer", bye.To.Tag);
    }

    [Fact]
    public async Task An_invite_without_final_response_in_time_is_cancelled_and_reported_as_408()
    {
        await using var h = new UserAgentHarness();
        var call = h.UserAgent.InviteAsync(h.NewRequest(SipMethod.Invite), UserAgentHarness.Peer, new SipRequestOptions { InviteTimeout = TimeSpan.FromSeconds(60) });
        var sent = (await h.WaitForRequestAsync(SipMethod.Invite)).Request;
        h.Answer(sent, 180);

        h.Advance(60);

        var result = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(408, result.StatusCode);
        Assert.Null(result.Dialog);
        await h.WaitForRequestAsync(SipMethod.Cancel);
    }

    [Fact]
    public async Task A_cancelled_invite_handler_sees_its_token_and_its_487_is_acknowledged_by_the_transaction()
    {
        await using var h = new UserAgentHarness();
        var cancelSeen = new TaskCompletionSource();
        h.UserAgent.Handle(SipMethod.Invite, async request =>
        {
            await request.RespondAsync(180);
            await Task.Delay(Timeout.Infinite, request.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            await request.RespondAsync(487);
            cancelSeen.SetResult();
        });
        h.Transport.Deliver(Invite, UserAgentHarness.Peer);
        var ringing = await h.WaitForResponseAsync(180, SipMethod.Invite);

        h.Transport.Deliver(Invite.Replace("INVITE sip", "CANCEL sip", StringComparison.Ordinal).Replace("20 INVITE", "20 CANCEL", StringComparison.Ordinal), UserAgentHarness.Peer);
        await cancelSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(SipMethod.Cancel, (await h.WaitForResponseAsync(200, SipMethod.Cancel)).Response.CSeq.Method);
        var terminated = (await h.WaitForResponseAsync(487, SipMethod.Invite)).Response;
        Assert.Equal(ringing.Response.To.Tag, terminated.To.Tag);
        Assert.Empty(h.UserAgent.Dialogs); // the early dialog of the 180 ended with the 487

        h.Transport.Deliver(Invite.Replace("INVITE sip", "ACK sip", StringComparison.Ordinal).Replace("20 INVITE", "20 ACK", StringComparison.Ordinal)
            .Replace("To: <sip:34020000001320000001@3402000000>", "To: <sip:34020000001320000001@3402000000>;tag=" + terminated.To.Tag, StringComparison.Ordinal), UserAgentHarness.Peer);
        h.Advance(5);
        Assert.Single(h.Transport.SentResponses(487)); // Timer G stopped by the absorbed ACK
    }

    internal static string AckFor(string toTag) => Invite
        .Replace("INVITE sip:", "ACK sip:", StringComparison.Ordinal)
        .Replace("CSeq: 20 INVITE", "CSeq: 20 ACK", StringComparison.Ordinal)
        .Replace("branch=z9hG4bK-inv-1", "branch=z9hG4bK-ack-1", StringComparison.Ordinal)
        .Replace("To: <sip:34020000001320000001@3402000000>", "To: <sip:34020000001320000001@3402000000>;tag=" + toTag, StringComparison.Ordinal);
}
