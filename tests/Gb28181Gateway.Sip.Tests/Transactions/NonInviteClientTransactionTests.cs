using Gb28181Gateway.Sip.Messages;
using static Gb28181Gateway.Sip.Tests.Transactions.TransactionTestHarness;

namespace Gb28181Gateway.Sip.Tests.Transactions;

public sealed class NonInviteClientTransactionTests
{
    [Fact]
    public void Over_udp_timer_E_doubles_up_to_T2_and_timer_F_reports_408_after_64_T1()
    {
        var h = new TransactionTestHarness();
        h.Layer.StartClient(h.NewRequest(SipMethod.Message, PeerUdp), PeerUdp, h);

        h.Advance(32);

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SendTimes(_ => true));
        Assert.Equal(408, Assert.Single(h.Finals).StatusCode);
        Assert.Equal(0, h.Layer.ClientTransactionCount);
        Assert.Equal(0, h.Time.ActiveTimerCount);
    }

    [Fact]
    public void After_a_provisional_timer_E_fires_every_T2()
    {
        var h = new TransactionTestHarness();
        var request = h.NewRequest(SipMethod.Register, PeerUdp);
        h.Layer.StartClient(request, PeerUdp, h);
        h.Advance(0.2);
        h.Transport.Deliver(ResponseText(request, 100), PeerUdp);

        h.Advance(13);

        Assert.Equal([0, 0.5, 4.5, 8.5, 12.5], h.SendTimes(_ => true));
        Assert.Equal(100, Assert.Single(h.Provisionals).StatusCode);
    }

    [Fact]
    public void Retransmitted_final_responses_are_absorbed_until_timer_K()
    {
        var h = new TransactionTestHarness();
        var request = h.NewRequest(SipMethod.Message, PeerUdp);
        h.Layer.StartClient(request, PeerUdp, h);
        var ok = ResponseText(request, 200);
        h.Transport.Deliver(ok, PeerUdp);
        h.Advance(4.9);
        h.Transport.Deliver(ok, PeerUdp);

        Assert.Single(h.Finals);
        Assert.Empty(h.Stray);
        Assert.Single(h.Transport.Sent); // no retransmission after the final response
        Assert.Equal(1, h.Layer.ClientTransactionCount);

        h.Advance(0.1); // Timer K = T4
        Assert.Equal(0, h.Layer.ClientTransactionCount);
        h.Transport.Deliver(ok, PeerUdp);
        Assert.Single(h.Stray);
    }

    [Fact]
    public void Over_tcp_there_is_no_retransmission_and_the_transaction_ends_with_the_final_response()
    {
        var h = new TransactionTestHarness();
        var request = h.NewRequest(SipMethod.Message, PeerTcp);
        h.Layer.StartClient(request, PeerTcp, h);
        h.Advance(20);
        Assert.Single(h.Transport.Sent);
        h.Transport.Deliver(ResponseText(request, 200), PeerTcp);
        Assert.Equal(0, h.Layer.ClientTransactionCount);

        var h2 = new TransactionTestHarness();
        h2.Layer.StartClient(h2.NewRequest(SipMethod.Message, PeerTcp), PeerTcp, h2);
        h2.Advance(32);
        Assert.Equal(408, Assert.Single(h2.Finals).StatusCode);
    }

    [Fact]
    public void A_second_transaction_with_the_same_branch_is_refused()
    {
        var h = new TransactionTestHarness();
        h.Layer.StartClient(h.NewRequest(SipMethod.Message, PeerUdp), PeerUdp, h);
        Assert.Throws<InvalidOperationException>(() => h.Layer.StartClient(h.NewRequest(SipMethod.Message, PeerUdp), PeerUdp, h));
        Assert.Throws<ArgumentException>(() => h.Layer.StartClient(h.NewRequest(SipMethod.Message, PeerUdp, "1234"), PeerUdp, h));
    }
}
