using Gb28181Gateway.Sip.Messages;
using static Gb28181Gateway.Sip.Tests.Transactions.TransactionTestHarness;

namespace Gb28181Gateway.Sip.Tests.Transactions;

public sealed class InviteClientTransactionTests
{
    [Fact]
    public void Over_udp_the_invite_is_retransmitted_on_timer_A_doubling_until_timer_B_reports_408()
    {
        var h = new TransactionTestHarness();
        var invite = h.NewRequest(SipMethod.Invite, PeerUdp);
        h.Layer.StartClient(invite, PeerUdp, h);

        h.Advance(31.9);
        Assert.Empty(h.Finals);
        h.Advance(0.2);

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5], h.SendTimes(s => s.Message is SipRequest { Method: SipMethod.Invite }));
        Assert.All(h.Transport.Sent, s => Assert.Equal(h.Transport.Sent[0].Bytes, s.Bytes));
        var final = Assert.Single(h.Finals);
        Assert.Equal(408, final.StatusCode);
        Assert.Contains("no final response", final.ReasonPhrase, StringComparison.Ordinal);
        Assert.Equal(0, h.Layer.ClientTransactionCount);
        Assert.Equal(0, h.Time.ActiveTimerCount);
    }

    [Fact]
    public void A_provisional_stops_retransmission_and_the_transaction_then_waits_for_the_final_response()
    {
        var h = new TransactionTestHarness();
        var invite = h.NewRequest(SipMethod.Invite, PeerUdp);
        h.Layer.StartClient(invite, PeerUdp, h);
        h.Advance(0.2);
        h.Transport.Deliver(ResponseText(invite, 100), PeerUdp);
        h.Transport.Deliver(ResponseText(invite, 180), PeerUdp);

        h.Advance(120);

        Assert.Single(h.Transport.SentRequests(SipMethod.Invite));
        Assert.Equal([100, 180], h.Provisionals.Select(r => r.StatusCode));
        Assert.Empty(h.Finals);
    }

    [Fact]
    public void A_failure_response_is_acknowledged_with_the_invite_branch_and_its_retransmissions_get_the_same_ack_until_timer_D()
    {
        var h = new TransactionTestHarness();
        var invite = h.NewRequest(SipMethod.Invite, PeerUdp);
        h.Layer.StartClient(invite, PeerUdp, h);
        h.Advance(0.1);
        var busy = ResponseText(invite, 486);
        h.Transport.Deliver(busy, PeerUdp);

        var ack = Assert.Single(h.Transport.SentRequests(SipMethod.Ack));
        Assert.Equal("z9hG4bKclient1", ack.Request.TopVia!.Branch);
        Assert.Single(ack.Request.Vias);
        Assert.Equal(new SipCSeq(1, SipMethod.Ack), ack.Request.CSeq);
        Assert.Equal("peer", ack.Request.To.Tag);
        Assert.Equal("ours", ack.Request.From.Tag);
        Assert.Equal(invite.RequestUri, ack.Request.RequestUri);
        Assert.Equal(486, Assert.Single(h.Finals).StatusCode);

        h.Advance(10);
        h.Transport.Deliver(busy, PeerUdp);
        var acks = h.Transport.SentRequests(SipMethod.Ack);
        Assert.Equal(2, acks.Length);
        Assert.Equal(acks[0].Bytes, acks[1].Bytes);
        Assert.Single(h.Finals);

        h.Advance(22); // Timer D: 32 s after the final response
        Assert.Equal(0, h.Layer.ClientTransactionCount);
        h.Transport.Deliver(busy, PeerUdp);
        Assert.Equal(2, h.Transport.SentRequests(SipMethod.Ack).Length);
        Assert.Equal(486, Assert.Single(h.Stray).StatusCode);
    }

    [Fact]
    public void Over_tcp_nothing_is_retransmitted_timer_B_still_applies_and_timer_D_is_zero()
    {
        var h = new TransactionTestHarness();
        var invite = h.NewRequest(SipMethod.Invite, PeerTcp);
        h.Layer.StartClient(invite, PeerTcp, h);
        h.Advance(32);
        Assert.Single(h.Transport.SentRequests(SipMethod.Invite));
        Assert.Equal(408, Assert.Single(h.Finals).StatusCode);

        var h2 = new TransactionTestHarness();
        var invite2 = h2.NewRequest(SipMethod.Invite, PeerTcp);
        h2.Layer.StartClient(invite2, PeerTcp, h2);
        h2.Transport.Deliver(ResponseText(invite2, 404), PeerTcp);
        Assert.Single(h2.Transport.SentRequests(SipMethod.Ack));
        Assert.Equal(0, h2.Layer.ClientTransactionCount);
    }

    [Fact]
    public void A_2xx_moves_to_accepted_where_further_2xx_go_to_the_owner_for_their_own_ack_until_timer_M()
    {
        var h = new TransactionTestHarness();
        var invite = h.NewRequest(SipMethod.Invite, PeerUdp);
        h.Layer.StartClient(invite, PeerUdp, h);
        var ok = ResponseText(invite, 200);
        h.Transport.Deliver(ok, PeerUdp);
        h.Transport.Deliver(ok, PeerUdp);

        Assert.Equal(200, Assert.Single(h.Finals).StatusCode);
        Assert.Single(h.Additional2xx);
        Assert.Empty(h.Transport.SentRequests(SipMethod.Ack)); // the ACK for a 2xx is the user agent's
        h.Advance(2);
        Assert.Single(h.Transport.SentRequests(SipMethod.Invite));

        h.Advance(31);
        Assert.Equal(0, h.Layer.ClientTransactionCount);
        h.Transport.Deliver(ok, PeerUdp);
        Assert.Single(h.Stray);
    }

    [Fact]
    public void A_transport_error_fails_the_transaction_with_503_saying_why()
    {
        var h = new TransactionTestHarness();
        h.Transport.FailSends = "TCP connect to 10.0.0.2:5060 failed: ConnectionRefused";
        h.Layer.StartClient(h.NewRequest(SipMethod.Invite, PeerTcp), PeerTcp, h);

        var final = Assert.Single(h.Finals);
        Assert.Equal(503, final.StatusCode);
        Assert.Contains("ConnectionRefused", final.ReasonPhrase, StringComparison.Ordinal);
        Assert.Equal(0, h.Layer.ClientTransactionCount);
        h.Advance(40);
        Assert.Single(h.Finals);
    }

    [Fact]
    public void An_icmp_unreachable_for_the_target_fails_pending_transactions_towards_it_only()
    {
        var h = new TransactionTestHarness();
        h.Layer.StartClient(h.NewRequest(SipMethod.Invite, PeerUdp, "z9hG4bKa"), PeerUdp, h);
        var other = Gb28181Gateway.Sip.Transport.SipEndPoint.Udp(System.Net.IPAddress.Parse("10.0.0.3"), 5060);
        h.Layer.StartClient(h.NewRequest(SipMethod.Message, other, "z9hG4bKb"), other, h);

        h.Layer.OnUnreachable(PeerUdp, "ConnectionRefused");

        var final = Assert.Single(h.Finals);
        Assert.Equal(503, final.StatusCode);
        Assert.Equal(SipMethod.Invite, final.CSeq.Method);
        Assert.Equal(1, h.Layer.ClientTransactionCount);
    }

    [Fact]
    public void Responses_match_by_branch_and_cseq_method_so_a_cancel_response_does_not_complete_the_invite()
    {
        var h = new TransactionTestHarness();
        var invite = h.NewRequest(SipMethod.Invite, PeerUdp);
        h.Layer.StartClient(invite, PeerUdp, h);
        var cancel = h.NewRequest(SipMethod.Cancel, PeerUdp); // same branch, other method
        h.Transport.Deliver(ResponseText(cancel, 200), PeerUdp);

        Assert.Empty(h.Finals);
        Assert.Single(h.Stray);
    }
}
