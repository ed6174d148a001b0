using System.Runtime.InteropServices;
using System.Text;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Sip.Tests.Transport;

public sealed class UdpTransportTests
{
    [Fact]
    public async Task A_request_is_answered_to_its_source_port_with_received_and_rport_filled()
    {
        await using var stack = TransportHarness.Start();
        using var device = new RawUdpPeer();

        // the device writes a private address and another port in Via (NAT): rport makes the answer come back here
        await device.SendAsync(TransportHarness.Request("MESSAGE", "UDP", "192.0.2.7:5060;rport", "z9hG4bK-udp-1"), stack.Port);
        var response = (SipResponse)await device.ReceiveAsync();

        Assert.Equal(200, response.StatusCode);
        var via = response.TopVia!;
        Assert.Equal("127.0.0.1", via.Received);
        Assert.Equal(device.Port, via.RPort);
        Assert.Equal("z9hG4bK-udp-1", via.Branch);
        var request = await stack.WaitForRequestAsync();
        Assert.Equal(device.EndPoint, request.Source);
        Assert.Equal("127.0.0.1", request.Request.TopVia!.Received);
    }

    [Fact]
    public async Task Without_rport_the_response_goes_to_the_received_address_and_the_sent_by_port()
    {
        await using var stack = TransportHarness.Start();
        using var sender = new RawUdpPeer();
        using var listener = new RawUdpPeer();

        // sent from one socket, Via naming another port on the same host (no rport): §18.2.2 answers the Via port
        await sender.SendAsync(TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + listener.Port, "z9hG4bK-udp-2"), stack.Port);
        var response = (SipResponse)await listener.ReceiveAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.TopVia!.Received); // sent-by already is the source address
        Assert.False(response.TopVia.HasRPort);
    }

    [Fact]
    public async Task A_malformed_request_with_usable_headers_gets_400_saying_what_was_wrong()
    {
        await using var stack = TransportHarness.Start();
        using var device = new RawUdpPeer();

        var bad = TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-bad-1")
            .Replace("Max-Forwards: 70", "Max-Forwards: seventy", StringComparison.Ordinal);
        await device.SendAsync(bad, stack.Port);
        var response = (SipResponse)await device.ReceiveAsync();

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Bad Request (malformed Max-Forwards header)", response.ReasonPhrase);
        Assert.Equal("z9hG4bK-bad-1", response.TopVia!.Branch);
        Assert.Equal("call-1", response.CallId);
        Assert.Empty(stack.Received);
    }

    [Fact]
    public async Task A_request_with_another_sip_version_gets_505()
    {
        await using var stack = TransportHarness.Start();
        using var device = new RawUdpPeer();

        var request = TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-ver-1")
            .Replace("@3402000000 SIP/2.0\r\n", "@3402000000 SIP/3.0\r\n", StringComparison.Ordinal);
        await device.SendAsync(request, stack.Port);
        var response = (SipResponse)await device.ReceiveAsync();

        Assert.Equal(505, response.StatusCode);
    }

    [Fact]
    public async Task Unanswerable_garbage_and_malformed_responses_are_dropped_and_the_next_request_is_served()
    {
        await using var stack = TransportHarness.Start();
        using var device = new RawUdpPeer();

        await device.SendAsync("MESSAGE sip:x@y SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\n\r\n", stack.Port); // no Via: cannot be answered
        await device.SendAsync("SIP/2.0 abc OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK-x\r\n\r\n", stack.Port);
        await device.SendAsync("\r\n\r\n", stack.Port); // keep-alive
        await device.SendAsync(TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-after"), stack.Port);

        // the first datagram back is the answer to the good request: nothing was sent for the others
        var response = (SipResponse)await device.ReceiveAsync();
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("z9hG4bK-after", response.TopVia!.Branch);
        Assert.Single(stack.Received);
    }

    [Fact]
    public async Task A_datagram_over_the_size_limit_gets_513_and_is_not_dispatched()
    {
        await using var stack = TransportHarness.Start(o => o.MaxMessageSize = 1024);
        using var device = new RawUdpPeer();

        var body = new string('x', 2000);
        await device.SendAsync(TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-big", body: body), stack.Port);
        var response = (SipResponse)await device.ReceiveAsync();

        Assert.Equal(513, response.StatusCode);
        Assert.Empty(stack.Received);
    }

    [Fact]
    public async Task Each_received_message_owns_an_array_of_its_exact_size_that_later_receives_do_not_touch()
    {
        await using var stack = TransportHarness.Start();
        using var device = new RawUdpPeer();

        // bodies of different sizes and fill bytes: a later, shorter datagram received into a shared buffer
        // would overwrite the start of an earlier message's body
        var bodies = new[] { new string('a', 30000), new string('b', 20), new string('c', 4000) };
        var sent = new byte[bodies.Length][];
        for (var i = 0; i < bodies.Length; i++)
        {
            var text = TransportHarness.Request("MESSAGE", "UDP", "127.0.0.1:" + device.Port, "z9hG4bK-own-" + i, callId: "own-" + i, body: bodies[i]);
            sent[i] = Encoding.UTF8.GetBytes(text);
            await device.SendAsync(text, stack.Port);
            _ = await device.ReceiveAsync();
        }

        await stack.WaitForRequestAsync(bodies.Length);
        var received = stack.Received.OrderBy(r => r.Request.CallId, StringComparer.Ordinal).Select(r => r.Request).ToArray();
        for (var i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(bodies[i], Encoding.UTF8.GetString(received[i].Body.Span));
            Assert.True(MemoryMarshal.TryGetArray(received[i].Body, out var segment));
            Assert.Equal(sent[i].Length, segment.Array!.Length);
            Assert.Equal(sent[i].Length - bodies[i].Length, segment.Offset);
        }

        Assert.Equal(3, received.Select(r => MemoryMarshal.TryGetArray(r.Body, out var s) ? s.Array : null).Distinct().Count());
    }

    [Fact]
    public async Task The_stack_sends_a_request_to_an_explicit_udp_target_with_its_own_via()
    {
        await using var stack = TransportHarness.Start();
        using var platform = new RawUdpPeer();
        var request = stack.UserAgent.CreateRequest(SipMethod.Message, global::Gb28181Gateway.Sip.Messages.SipUri.Parse("sip:34020000002000000001@3402000000"),
            SipNameAddress.Parse("<sip:34020000001320000001@3402000000>"), SipNameAddress.Parse("<sip:34020000002000000001@3402000000>"), platform.EndPoint);

        var pending = stack.UserAgent.SendRequestAsync(request, platform.EndPoint);
        var sent = (SipRequest)await platform.ReceiveAsync();
        var ok = SipResponse.CreateFor(sent, 200, toTag: "p");
        await platform.SendAsync(ok.ToString(), stack.Port);

        Assert.Equal(200, (await pending.WaitAsync(TransportHarness.Deadline)).StatusCode);
        Assert.Equal("UDP", sent.TopVia!.Transport);
        Assert.Equal("127.0.0.1", sent.TopVia.Host);
        Assert.Equal(stack.Port, sent.TopVia.Port);
        Assert.True(sent.TopVia.HasRPort);
        Assert.StartsWith("z9hG4bK", sent.TopVia.Branch, StringComparison.Ordinal);
        Assert.StartsWith("MESSAGE sip:34020000002000000001@3402000000 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + stack.Port + ";rport;branch=z9hG4bK",
            Encoding.ASCII.GetString(sent.ToBytes()), StringComparison.Ordinal);
    }
}
