using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using static Gb28181Gateway.Sip.Tests.Transactions.TransactionTestHarness;

namespace Gb28181Gateway.Sip.Tests.Transactions;

public sealed class ServerTransactionTests
{
    private const string Invite = """
        INVITE sip:34020000001320000001@3402000000 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bK-peer-1
        From: <sip:34020000002000000001@3402000000>;tag=caller
        To: <sip:34020000001320000001@3402000000>
        Call-ID: invite-call
        CSeq: 20 INVITE
        Contact: <sip:34020000002000000001@10.0.0.2:5060>
        Max-Forwards: 70
        Content-Length: 0


        """;

    private const string Cancel = """
        CANCEL sip:34020000001320000001@3402000000 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bK-peer-1
        From: <sip:34020000002000000001@3402000000>;tag=caller
        To: <sip:34020000001320000001@3402000000>
        Call-ID: invite-call
        CSeq: 20 CANCEL
        Max-Forwards: 70
        Content-Length: 0


        """;

    private const string Message = """
        MESSAGE sip:34020000002000000001@3402000000 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;rport;branch=z9hG4bK-peer-2
        From: <sip:34020000001320000001@3402000000>;tag=device
        To: <sip:34020000002000000001@3402000000>
        Call-ID: message-call
        CSeq: 7 MESSAGE
        Max-Forwards: 70
        Content-Length: 0


        """;

    [Fact]
    public async Task An_invite_gets_100_trying_at_once_and_reaches_the_user_once_however_often_it_is_retransmitted()
    {
        var h = new TransactionTestHarness();
        h.Transport.Deliver(Invite, PeerUdp);

        var trying = Assert.Single(h.Transport.Sent);
        Assert.Equal(100, trying.Response.StatusCode);
        Assert.Null(trying.Response.To.Tag);
        Assert.Equal(0, (trying.At - h.Start).TotalSeconds);
        Assert.Single(h.Requests);

        h.Advance(0.5);
        h.Transport.Deliver(Invite, PeerUdp);
        Assert.Equal(2, h.Transport.SentResponses(100).Length);
        Assert.Single(h.Requests);

        var tx = h.Requests[0];
        await RespondAsync(tx, 180);
        h.Transport.Deliver(Invite, PeerUdp);
        var ringing = h.Transport.SentResponses(180);
        Assert.Equal(2, ringing.Length);
        Assert.Equal(ringing[0].Bytes, ringing[1].Bytes);
        Assert.Single(h.Requests);
    }

    [Fact]
    public async Task A_failure_response_is_retransmitted_on_timer_G_capped_at_T2_until_timer_H()
    {
        var (h, tx) = ReceiveInvite();
        await RespondAsync(tx, 486);

        h.Advance(32);

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SendTimes(s => s.Message is SipResponse { StatusCode: 486 }));
        Assert.Equal(0, h.Layer.ServerTransactionCount);
        Assert.Equal(0, h.Time.ActiveTimerCount);
        Assert.Empty(h.Acks);
    }

    [Fact]
    public async Task The_ack_for_a_failure_response_is_absorbed_stops_timer_G_and_timer_I_ends_the_transaction()
    {
        var (h, tx) = ReceiveInvite();
        await RespondAsync(tx, 486);
        h.Advance(0.6);
        var ack = AckFor(Invite, tx.LocalTag);
        h.Transport.Deliver(ack, PeerUdp);
        h.Transport.Deliver(ack, PeerUdp);

        h.Advance(4.8);
        Assert.Equal(2, h.Transport.SentResponses(486).Length);
        Assert.Empty(h.Acks);
        Assert.Equal(1, h.Layer.ServerTransactionCount);

        h.Advance(0.2); // Timer I = T4 after the ACK
        Assert.Equal(0, h.Layer.ServerTransactionCount);
    }

    [Fact]
    public async Task Cancel_is_answered_200_the_invite_is_told_and_487_goes_out_when_the_user_does_not_answer()
    {
        var (h, invite) = ReceiveInvite(cancelAnswerTimeout: TimeSpan.FromSeconds(1));
        await RespondAsync(invite, 180);
        h.Transport.Deliver(Cancel, PeerUdp);

        var ok = Assert.Single(h.Transport.SentResponses(200));
        Assert.Equal(SipMethod.Cancel, ok.Response.CSeq.Method);
        Assert.Equal(invite.LocalTag, ok.Response.To.Tag);
        Assert.True(invite.CancellationToken.IsCancellationRequested);
        Assert.Single(h.Cancels);
        Assert.Single(h.Requests); // the CANCEL is not a request for the user
        Assert.Empty(h.Transport.SentResponses(487));

        h.Transport.Deliver(Cancel, PeerUdp); // retransmitted CANCEL: same 200
        Assert.Equal(2, h.Transport.SentResponses(200).Length);
        Assert.Single(h.Cancels);

        h.Advance(1);
        var terminated = Assert.Single(h.Transport.SentResponses(487));
        Assert.Equal(SipMethod.Invite, terminated.Response.CSeq.Method);
        Assert.Equal(invite.LocalTag, terminated.Response.To.Tag);

        h.Transport.Deliver(AckFor(Invite, invite.LocalTag), PeerUdp);
        Assert.Empty(h.Acks);
        h.Advance(5);
        Assert.Single(h.Transport.SentResponses(487)); // the ACK stopped Timer G
        await Assert.ThrowsAsync<InvalidOperationException>(() => RespondAsync(invite, 200));
    }

    [Fact]
    public async Task A_user_answering_the_cancelled_invite_in_time_stops_the_stack_answer()
    {
        var (h, invite) = ReceiveInvite(cancelAnswerTimeout: TimeSpan.FromSeconds(1));
        h.Transport.Deliver(Cancel, PeerUdp);
        await RespondAsync(invite, 487);

        h.Advance(1.2);

        // the user's 487 and its Timer G retransmission; none made by the stack at 1 s
        Assert.Equal([0, 0.5], h.SendTimes(s => s.Message is SipResponse { StatusCode: 487 }));
        Assert.All(h.Transport.SentResponses(487), s => Assert.Equal(h.Transport.SentResponses(487)[0].Bytes, s.Bytes));
    }

    [Fact]
    public async Task A_cancel_matching_nothing_gets_481_and_one_after_the_final_response_gets_200_without_effect()
    {
        var h = new TransactionTestHarness();
        h.Transport.Deliver(Cancel, PeerUdp);
        Assert.Equal(SipMethod.Cancel, Assert.Single(h.Transport.SentResponses(481)).Response.CSeq.Method);

        var (h2, invite) = ReceiveInvite();
        await RespondAsync(invite, 603);
        h2.Transport.Deliver(Cancel, PeerUdp);
        Assert.Single(h2.Transport.SentResponses(200));
        Assert.False(invite.CancellationToken.IsCancellationRequested);
        Assert.Empty(h2.Cancels);
    }

    [Fact]
    public async Task After_a_2xx_retransmitted_invites_are_absorbed_and_the_ack_with_a_new_branch_goes_to_the_user()
    {
        var (h, tx) = ReceiveInvite();
        await RespondAsync(tx, 200);
        h.Transport.Deliver(Invite, PeerUdp);

        Assert.Single(h.Transport.SentResponses(200)); // the 2xx is resent by the user agent, not here
        Assert.Single(h.Requests);

        h.Transport.Deliver(AckFor(Invite, tx.LocalTag).Replace("z9hG4bK-peer-1", "z9hG4bK-peer-ack", StringComparison.Ordinal), PeerUdp);
        Assert.Single(h.Acks);
        await Assert.ThrowsAsync<InvalidOperationException>(() => RespondAsync(tx, 486));

        h.Advance(32); // Timer L
        Assert.Equal(0, h.Layer.ServerTransactionCount);
    }

    [Fact]
    public async Task A_non_invite_request_is_answered_from_the_transaction_on_retransmission_until_timer_J()
    {
        var h = new TransactionTestHarness();
        h.Transport.Deliver(Message, PeerUdp);
        h.Transport.Deliver(Message, PeerUdp);
        Assert.Empty(h.Transport.Sent); // Trying: nothing to resend yet
        Assert.Single(h.Requests);

        var tx = h.Requests[0];
        await RespondAsync(tx, 200);
        h.Advance(31.9);
        h.Transport.Deliver(Message, PeerUdp);
        var oks = h.Transport.SentResponses(200);
        Assert.Equal(2, oks.Length);
        Assert.Equal(oks[0].Bytes, oks[1].Bytes);
        Assert.Single(h.Requests);

        h.Advance(0.1); // Timer J = 64*T1
        Assert.Equal(0, h.Layer.ServerTransactionCount);
        h.Transport.Deliver(Message, PeerUdp);
        Assert.Equal(2, h.Requests.Count); // a new transaction now
    }

    [Fact]
    public async Task A_completed_non_invite_transaction_lets_go_of_its_request_and_still_resends_its_final_with_the_same_tag()
    {
        var h = new TransactionTestHarness();
        h.Transport.Deliver(Message, PeerUdp);
        var tx = h.Requests[0];
        var tag = tx.LocalTag;
        await RespondAsync(tx, 200);

        // Timer J keeps only the response's bytes: neither the request nor the parsed response is held
        var ex = Assert.Throws<InvalidOperationException>(() => tx.Request);
        Assert.Null(tx.FinalResponse);
        Assert.True(tx.HasFinalResponse);
        Assert.Contains("MESSAGE", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SipMethod.Message, tx.Method);
        Assert.Equal(tag, tx.LocalTag);

        h.Transport.Deliver(Message, PeerUdp);
        var oks = h.Transport.SentResponses(200);
        Assert.Equal(2, oks.Length);
        Assert.Equal(oks[0].Bytes, oks[1].Bytes);
        Assert.Single(h.Requests);
        var again = Assert.Throws<InvalidOperationException>(() => tx.SendResponseAsync(new SipResponse(SipStatus.Ok)).AsTask().GetAwaiter().GetResult());
        Assert.Contains("200", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_tcp_a_non_invite_transaction_ends_with_its_final_response()
    {
        var h = new TransactionTestHarness();
        h.Transport.Deliver(Message.Replace("UDP", "TCP", StringComparison.Ordinal), PeerTcp);
        var tx = h.Requests[0];
        await RespondAsync(tx, 200);
        Assert.Equal(0, h.Layer.ServerTransactionCount);
        Assert.Equal(PeerTcp, h.Transport.Sent[0].Target);
    }

    [Fact]
    public async Task Responses_go_to_the_received_address_and_rport_and_without_rport_to_the_sent_by_port()
    {
        var h = new TransactionTestHarness();
        var natted = Gb28181Gateway.Sip.Transport.SipEndPoint.Udp(System.Net.IPAddress.Parse("203.0.113.9"), 40000);
        h.Transport.Deliver(Message, natted);
        var tx = h.Requests[0];
        Assert.Equal("203.0.113.9", tx.Request.TopVia!.Received);
        Assert.Equal(40000, tx.Request.TopVia!.RPort);
        await RespondAsync(tx, 200);
        Assert.Equal(natted, h.Transport.Sent[0].Target);

        var h2 = new TransactionTestHarness();
        h2.Transport.Deliver(Message.Replace(";rport", string.Empty, StringComparison.Ordinal), natted);
        var tx2 = h2.Requests[0];
        await RespondAsync(tx2, 200);
        Assert.Equal(Gb28181Gateway.Sip.Transport.SipEndPoint.Udp(System.Net.IPAddress.Parse("203.0.113.9"), 5060), h2.Transport.Sent[0].Target);
    }

    [Fact]
    public void Rfc2543_requests_without_the_magic_cookie_are_matched_by_call_id_cseq_from_tag_and_via()
    {
        var h = new TransactionTestHarness();
        var old = Message.Replace(";branch=z9hG4bK-peer-2", string.Empty, StringComparison.Ordinal);
        h.Transport.Deliver(old, PeerUdp);
        h.Transport.Deliver(old, PeerUdp);
        Assert.Single(h.Requests);
        h.Transport.Deliver(old.Replace("CSeq: 7", "CSeq: 8", StringComparison.Ordinal), PeerUdp);
        Assert.Equal(2, h.Requests.Count);
    }

    /// <summary>A harness whose user has received <see cref="Invite"/> over UDP, and the INVITE's server transaction.</summary>
    private static (TransactionTestHarness H, InviteServerTransaction Invite) ReceiveInvite(TimeSpan? cancelAnswerTimeout = null)
    {
        var h = new TransactionTestHarness(cancelAnswerTimeout);
        h.Transport.Deliver(Invite, PeerUdp);
        return (h, (InviteServerTransaction)Assert.Single(h.Requests));
    }

    /// <summary>The user's response with the transaction's To tag.</summary>
    private static Task RespondAsync(SipServerTransaction tx, int statusCode) =>
        tx.SendResponseAsync(SipResponse.CreateFor(tx.Request, statusCode, toTag: tx.LocalTag)).AsTask();

    private static string AckFor(string invite, string toTag) => invite
        .Replace("INVITE sip:", "ACK sip:", StringComparison.Ordinal)
        .Replace("CSeq: 20 INVITE", "CSeq: 20 ACK", StringComparison.Ordinal)
        .Replace("To: <sip:34020000001320000001@3402000000>", "To: <sip:34020000001320000001@3402000000>;tag=" + toTag, StringComparison.Ordinal);
}
