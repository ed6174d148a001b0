using System.Collections.Concurrent;
using System.Net;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Interop;

/// <summary>The stack against the real sipp over loopback (scenarios in tests/sipp/stack/).</summary>
public sealed class SippInteropTests
{
    private const string Password = "12345678";
    private static readonly TimeSpan SippDeadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sipp_device_registers_with_digest_authentication(bool tcp)
    {
        await using var stack = await StackPeer.StartAsync();
        var digest = new DigestServer("3402000000", TimeProvider.System);
        var seen = new ConcurrentQueue<(DigestVerdict Verdict, SipEndPoint Source, SipRequest Request)>();
        stack.UserAgent.Handle(SipMethod.Register, async request =>
        {
            var verdict = digest.Verify(request.Request.Authorization, request.Method, Password);
            seen.Enqueue((verdict, request.Source, request.Request));
            if (verdict == DigestVerdict.Valid)
            {
                var ok = request.CreateResponse(SipStatus.Ok);
                ok.Headers.Add(SipHeaderKind.Contact, request.Request.Contact!);
                ok.Headers.Add(SipHeaderKind.Expires, "3600");
                await request.RespondAsync(ok);
                return;
            }

            var challenge = request.CreateResponse(SipStatus.Unauthorized);
            challenge.Headers.Add(SipHeaderKind.WwwAuthenticate, digest.CreateChallenge(verdict == DigestVerdict.Stale));
            await request.RespondAsync(challenge);
        });

        await using var sipp = Sipp.Start("stack/register_digest_uac.xml", stack.Port, tcp,
            extraArguments: ["-au", "34020000001320000001", "-ap", Password]);
        await sipp.AssertSucceededAsync(SippDeadline);

        Assert.Equal([DigestVerdict.Missing, DigestVerdict.Valid], seen.Select(s => s.Verdict));
        var kind = tcp ? SipTransportKind.Tcp : SipTransportKind.Udp;
        Assert.All(seen, s => Assert.Equal(kind, s.Source.Transport));
        var registered = seen.Last();
        Assert.Equal(2u, registered.Request.CSeq.Number);
        if (!tcp)
        {
            // sipp sends from its -p port: responses went back to it (rport filled with the source port)
            Assert.Equal(sipp.LocalPort, registered.Source.Address.Port);
            Assert.Equal(sipp.LocalPort, registered.Request.TopVia!.RPort);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_stack_invites_a_sipp_device_acks_the_200_and_hangs_up(bool tcp)
    {
        await using var stack = await StackPeer.StartAsync();
        await using var sipp = Sipp.Start("stack/invite_uas.xml", remotePort: null, tcp);
        await sipp.WaitUntilListeningAsync(tcp, SippDeadline);

        var provisional = new ConcurrentQueue<int>();
        var (dialog, response) = await stack.InviteAsync(sipp, tcp, new SipRequestOptions { OnProvisional = r => provisional.Enqueue(r.StatusCode) });

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        Assert.Contains(180, provisional);
        Assert.Equal(SipDialogState.Confirmed, dialog.State);
        Assert.True(dialog.IsUac);
        Assert.Equal($"sip:34020000001320000001@127.0.0.1:{sipp.LocalPort}", dialog.RemoteTarget.ToString().Split(';')[0]);

        var bye = await dialog.ByeAsync();

        Assert.Equal(SipStatus.Ok, bye.StatusCode);
        Assert.Equal(SipDialogState.Terminated, dialog.State);
        await sipp.AssertSucceededAsync(SippDeadline);
    }

    [Fact]
    public async Task The_stack_retransmits_an_invite_until_the_sipp_device_answers()
    {
        await using var stack = await StackPeer.StartAsync();
        await using var sipp = Sipp.Start("stack/invite_uas_ignore_first.xml", remotePort: null, tcp: false);
        await sipp.WaitUntilListeningAsync(tcp: false, SippDeadline);

        var (dialog, response) = await stack.InviteAsync(sipp, tcp: false);

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        Assert.Equal(SipStatus.Ok, (await dialog.ByeAsync()).StatusCode);
        await sipp.AssertSucceededAsync(SippDeadline);

        // sipp received the INVITE more than once before it answered, always in the same transaction (one
        // branch): the stack retransmitted it on Timer A (0.5 s, 1.5 s, ...) rather than sending a new request
        var trace = sipp.Messages;
        var beforeAnswer = trace[..trace.IndexOf("SIP/2.0 100 Trying", StringComparison.Ordinal)];
        var branches = beforeAnswer.Split("INVITE sip:").Skip(1).Select(m => Between(m, ";branch=", "\n").Trim()).ToArray();
        Assert.True(branches.Length >= 2, "the INVITE was not retransmitted:\n" + trace);
        Assert.Single(branches.Distinct());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sipp_platform_cancels_its_invite_and_the_handler_sees_the_cancellation(bool tcp)
    {
        await using var stack = await StackPeer.StartAsync();
        var cancelled = new TaskCompletionSource<SipIncomingRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        stack.UserAgent.Handle(SipMethod.Invite, async request =>
        {
            await request.RespondAsync(SipStatus.Ringing);
            try
            {
                await Task.Delay(Timeout.Infinite, request.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                await request.RespondAsync(SipStatus.RequestTerminated);
                cancelled.SetResult(request);
            }
        });

        await using var sipp = Sipp.Start("stack/invite_cancel_uac.xml", stack.Port, tcp);
        await sipp.AssertSucceededAsync(SippDeadline);

        var invite = await cancelled.Task.WaitAsync(SippDeadline);
        Assert.True(invite.IsCancelled);
        Assert.Equal(SipDialogState.Terminated, invite.Dialog!.State); // the early dialog of the 180 ended with the 487
        Assert.Empty(stack.UserAgent.Dialogs);
    }

    private static string Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            return string.Empty;
        }

        i += start.Length;
        var j = text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? text[i..] : text[i..j];
    }

    /// <summary>The stack on a loopback port (UDP and TCP) with a user agent.</summary>
    private sealed class StackPeer : IAsyncDisposable
    {
        private StackPeer(SipTransport transport, SipUserAgent userAgent)
        {
            Transport = transport;
            UserAgent = userAgent;
        }

        public SipTransport Transport { get; }

        public SipUserAgent UserAgent { get; }

        public int Port => Transport.LocalEndPoint.Port;

        public static Task<StackPeer> StartAsync()
        {
            var transport = new SipTransport(new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = 0 });
            transport.Start();
            return Task.FromResult(new StackPeer(transport, new SipUserAgent(transport, new SipUserAgentOptions { UserAgent = "Gb28181Gateway-test" })));
        }

        public async Task<(SipDialog Dialog, SipResponse Response)> InviteAsync(Sipp sipp, bool tcp, SipRequestOptions? options = null)
        {
            var target = tcp ? SipEndPoint.Tcp(IPAddress.Loopback, sipp.LocalPort) : SipEndPoint.Udp(IPAddress.Loopback, sipp.LocalPort);
            var invite = UserAgent.CreateRequest(SipMethod.Invite,
                SipUri.Parse("sip:34020000001320000001@3402000000"),
                SipNameAddress.Parse("<sip:34020000002000000001@3402000000>"),
                SipNameAddress.Parse("<sip:34020000001320000001@3402000000>"),
                target);
            var result = await UserAgent.InviteAsync(invite, target, options).WaitAsync(SippDeadline);
            Assert.True(result.IsSuccess, $"INVITE failed: {result.Response.StatusCode} {result.Response.ReasonPhrase}\n{sipp.Messages}");
            return (result.Dialog!, result.Response);
        }

        public async ValueTask DisposeAsync()
        {
            await UserAgent.DisposeAsync();
            await Transport.DisposeAsync();
        }
    }
}
