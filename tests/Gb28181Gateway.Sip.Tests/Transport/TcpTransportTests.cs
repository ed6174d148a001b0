using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Transport;

public sealed class TcpTransportTests
{
    [Fact]
    public async Task Several_messages_in_one_write_are_each_dispatched_and_answered_on_the_connection()
    {
        await using var stack = TransportHarness.Start();
        using var device = await RawTcpPeer.ConnectAsync(stack.Port);
        var sentBy = "127.0.0.1:" + device.LocalPort;

        await device.WriteAsync(
            TransportHarness.Request("MESSAGE", "TCP", sentBy, "z9hG4bK-t1", callId: "a", body: "<?xml version=\"1.0\"?><Notify/>")
            + TransportHarness.Request("MESSAGE", "TCP", sentBy, "z9hG4bK-t2", callId: "b")
            + TransportHarness.Request("REGISTER", "TCP", sentBy, "z9hG4bK-t3", callId: "c"));
        var responses = new[] { await device.ReadMessageAsync(), await device.ReadMessageAsync(), await device.ReadMessageAsync() };

        Assert.Equal(["a", "b", "c"], responses.Select(r => r.CallId).Order(StringComparer.Ordinal));
        Assert.All(responses, r => Assert.Equal(200, ((SipResponse)r).StatusCode));
        await stack.WaitForRequestAsync(3);
        var a = stack.Received.Single(r => r.Request.CallId == "a");
        Assert.Equal("<?xml version=\"1.0\"?><Notify/>", Encoding.UTF8.GetString(a.Request.Body.Span));
        Assert.Equal(SipTransportKind.Tcp, a.Source.Transport);
        Assert.Equal(device.LocalPort, a.Source.Address.Port);
    }

    [Fact]
    public async Task A_message_written_a_few_bytes_at_a_time_is_reassembled_once()
    {
        await using var stack = TransportHarness.Start();
        using var device = await RawTcpPeer.ConnectAsync(stack.Port);
        var bytes = Encoding.UTF8.GetBytes(TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + device.LocalPort, "z9hG4bK-slow",
            body: "<?xml version=\"1.0\" encoding=\"GB2312\"?><Notify><CmdType>Keepalive</CmdType></Notify>"));

        for (var i = 0; i < bytes.Length; i += 7)
        {
            await device.WriteAsync(bytes[i..Math.Min(i + 7, bytes.Length)]);
        }

        var response = (SipResponse)await device.ReadMessageAsync();
        Assert.Equal(200, response.StatusCode);
        var request = await stack.WaitForRequestAsync();
        Assert.EndsWith("<CmdType>Keepalive</CmdType></Notify>", Encoding.UTF8.GetString(request.Request.Body.Span), StringComparison.Ordinal);
        Assert.Single(stack.Received);
    }

    [Fact]
    public async Task A_request_to_a_device_goes_down_the_connection_the_device_opened()
    {
        await using var stack = TransportHarness.Start();
        var deviceListener = new TcpListener(IPAddress.Loopback, 0);
        deviceListener.Start();
        try
        {
            var devicePort = ((IPEndPoint)deviceListener.LocalEndpoint).Port;
            using var device = await RawTcpPeer.ConnectAsync(stack.Port);

            // the device registers from an ephemeral port and names its listening port in Via, as devices do
            await device.WriteAsync(TransportHarness.Request("REGISTER", "TCP", "127.0.0.1:" + devicePort, "z9hG4bK-reg"));
            Assert.Equal(200, ((SipResponse)await device.ReadMessageAsync()).StatusCode);

            var target = SipEndPoint.Tcp(IPAddress.Loopback, devicePort);
            var query = NewMessage(stack, target);
            var pending = stack.UserAgent.SendRequestAsync(query, target);
            var received = (SipRequest)await device.ReadMessageAsync();
            await device.WriteAsync(SipResponse.CreateFor(received, 200, toTag: "d").ToString());

            Assert.Equal(200, (await pending.WaitAsync(TransportHarness.Deadline)).StatusCode);
            Assert.Equal("TCP", received.TopVia!.Transport);
            Assert.False(deviceListener.Pending()); // no second connection was opened
            Assert.Equal(1, stack.Transport.TcpConnectionCount);
        }
        finally
        {
            deviceListener.Stop();
        }
    }

    [Fact]
    public async Task Requests_to_a_peer_share_the_one_connection_the_stack_opened()
    {
        await using var stack = TransportHarness.Start();
        var platformListener = new TcpListener(IPAddress.Loopback, 0);
        platformListener.Start();
        try
        {
            var target = SipEndPoint.Tcp(IPAddress.Loopback, ((IPEndPoint)platformListener.LocalEndpoint).Port);
            var first = stack.UserAgent.SendRequestAsync(NewMessage(stack, target), target);
            using var platform = RawTcpPeer.FromAccepted(await platformListener.AcceptTcpClientAsync().WaitAsync(TransportHarness.Deadline));
            var r1 = (SipRequest)await platform.ReadMessageAsync();
            await platform.WriteAsync(SipResponse.CreateFor(r1, 200, toTag: "p").ToString());
            Assert.Equal(200, (await first.WaitAsync(TransportHarness.Deadline)).StatusCode);

            var second = stack.UserAgent.SendRequestAsync(NewMessage(stack, target), target);
            var r2 = (SipRequest)await platform.ReadMessageAsync();
            await platform.WriteAsync(SipResponse.CreateFor(r2, 200, toTag: "p").ToString());

            Assert.Equal(200, (await second.WaitAsync(TransportHarness.Deadline)).StatusCode);
            Assert.NotEqual(r1.TopVia!.Branch, r2.TopVia!.Branch);
            Assert.False(platformListener.Pending());
            Assert.Equal(1, stack.Transport.TcpConnectionCount);
        }
        finally
        {
            platformListener.Stop();
        }
    }

    [Fact]
    public async Task A_refused_connect_fails_the_request_with_503_saying_why()
    {
        await using var stack = TransportHarness.Start();
        var target = SipEndPoint.Tcp(IPAddress.Loopback, LoopbackPorts.Next()); // free: nothing listens

        var response = await stack.UserAgent.SendRequestAsync(NewMessage(stack, target), target).WaitAsync(TransportHarness.Deadline);

        Assert.Equal(503, response.StatusCode);
        Assert.Contains("ConnectionRefused", response.ReasonPhrase, StringComparison.Ordinal);
        Assert.Equal(0, stack.Transport.TcpConnectionCount);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_idle_timeout_and_not_before()
    {
        await using var stack = TransportHarness.Start(o => o.TcpIdleTimeout = TimeSpan.FromSeconds(30));
        using var device = await RawTcpPeer.ConnectAsync(stack.Port);
        await device.WriteAsync(TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + device.LocalPort, "z9hG4bK-idle-1"));
        _ = await device.ReadMessageAsync();

        stack.Time.Advance(TimeSpan.FromSeconds(20));
        await device.WriteAsync(TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + device.LocalPort, "z9hG4bK-idle-2", callId: "call-2"));
        Assert.Equal(200, ((SipResponse)await device.ReadMessageAsync()).StatusCode); // traffic restarted the idle time
        stack.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, stack.Transport.TcpConnectionCount);

        stack.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(await device.ClosedByPeerAsync());
        await WaitUntilAsync(() => stack.Transport.TcpConnectionCount == 0);
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_closes_the_connection_without_dispatching()
    {
        await using var stack = TransportHarness.Start(o => o.MaxMessageSize = 1024);
        using var device = await RawTcpPeer.ConnectAsync(stack.Port);

        var huge = TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + device.LocalPort, "z9hG4bK-huge", body: new string('x', 4000));
        await device.WriteAsync(huge);

        Assert.True(await device.ClosedByPeerAsync());
        Assert.Empty(stack.Received);
        await WaitUntilAsync(() => stack.Transport.TcpConnectionCount == 0);
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_refused_and_the_first_keeps_working()
    {
        await using var stack = TransportHarness.Start(o => o.MaxTcpConnections = 1);
        using var first = await RawTcpPeer.ConnectAsync(stack.Port);
        await first.WriteAsync(TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + first.LocalPort, "z9hG4bK-lim-1"));
        _ = await first.ReadMessageAsync();

        using var second = await RawTcpPeer.ConnectAsync(stack.Port);

        Assert.True(await second.ClosedByPeerAsync());
        await first.WriteAsync(TransportHarness.Request("MESSAGE", "TCP", "127.0.0.1:" + first.LocalPort, "z9hG4bK-lim-2", callId: "call-2"));
        Assert.Equal(200, ((SipResponse)await first.ReadMessageAsync()).StatusCode);
    }

    private static SipRequest NewMessage(TransportHarness stack, SipEndPoint target) => stack.UserAgent.CreateRequest(SipMethod.Message,
        SipUri.Parse("sip:34020000001320000001@3402000000"),
        SipNameAddress.Parse("<sip:34020000002000000001@3402000000>"),
        SipNameAddress.Parse("<sip:34020000001320000001@3402000000>"),
        target);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TransportHarness.Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not reached");
            await Task.Delay(10);
        }
    }
}
