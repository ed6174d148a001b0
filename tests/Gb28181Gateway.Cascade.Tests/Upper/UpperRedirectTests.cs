using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>302 to REGISTER (GB/T 28181-2022 registration redirect): sipp as the redirect server, the SIP-stack platform as the target.</summary>
public sealed class UpperRedirectTests
{
    private const string PlatformId = UpperTestGateway.PlatformId;

    [Fact]
    public async Task A_302_is_followed_to_its_best_contact_held_there_until_it_fails_then_the_configured_address_is_tried_again()
    {
        await using var target = new UpperTestPlatform();
        using var worse = new UdpClient(new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next())); // a contact with a lower q: never used
        var sippPort = LoopbackPorts.Next();
        var contact = $"<sip:{PlatformId}@127.0.0.1:{Port(worse)}>;q=0.2, <sip:{PlatformId}@127.0.0.1:{Str(target.Port)}>;q=0.8";
        await using var sipp = StartRedirector(sippPort, contact);
        await using var gateway = await UpperTestGateway.StartAsync(sippPort, p => p.Password = string.Empty); // keepalive every second

        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration at the redirect target; sipp said:\n" + sipp.Output);
        var first = target.RegisterRequests.First();
        Assert.True(first.CSeq >= 2, $"CSeq {first.CSeq}: the REGISTER before it went to sipp, in the same registration");
        Assert.Equal(3600, first.Expires);
        Assert.DoesNotContain(gateway.RegisterAnswers, a => a.Answer.StatusCode == SipStatus.MovedTemporarily); // followed within the attempt
        await Wait.UntilAsync(() => target.Received<KeepaliveNotify>().Any(), "a keepalive at the redirect target");
        Assert.Single(target.RegisterRequests.Select(r => r.CallId).Distinct());

        target.RegisterStatus = SipStatus.Forbidden; // the redirect target stops working: its keepalive answer and REGISTER fail
        target.MessageStatus = SipStatus.Forbidden;

        var exit = await sipp.WaitForExitAsync(TimeSpan.FromSeconds(30)); // sipp's call ends with the second REGISTER at the configured address
        Assert.True(exit == 0, $"no second REGISTER at the configured address ({exit}); answers: {Answers(gateway)}\nsipp said:\n{sipp.Output}");
        Assert.Contains(gateway.RegisterAnswers, a => a.Answer.StatusCode == SipStatus.Forbidden);
        Assert.Equal(0, worse.Available);
    }

    [Fact]
    public async Task A_302_pointing_back_at_the_same_address_is_not_followed_and_the_attempt_fails()
    {
        var sippPort = LoopbackPorts.Next();
        await using var sipp = StartRedirector(sippPort, $"<sip:{PlatformId}@127.0.0.1:{Str(sippPort)}>");
        await using var gateway = await UpperTestGateway.StartAsync(sippPort, p => p.Password = string.Empty); // back-off 200 ms to 1 s

        var exit = await sipp.WaitForExitAsync(TimeSpan.FromSeconds(30)); // two REGISTERs: one per attempt, not a loop of them
        Assert.True(exit == 0, $"sipp failed ({exit}); answers: {Answers(gateway)}\nsipp said:\n{sipp.Output}");

        var answer = gateway.RegisterAnswers.First(a => a.Answer.StatusCode != SipStatus.ServiceUnavailable).Answer; // not the one before sipp listened
        Assert.Equal(SipStatus.MovedTemporarily, answer.StatusCode);
        Assert.Contains("loop", answer.Reason, StringComparison.Ordinal);
        Assert.False(gateway.Context.Session.IsRegistered);
    }

    [Fact]
    public async Task A_chain_of_more_than_three_redirects_stops_at_the_fourth()
    {
        var chain = new List<UpperTestPlatform>();
        for (var i = 0; i < 5; i++)
        {
            chain.Add(new UpperTestPlatform());
        }

        try
        {
            for (var i = 0; i < 4; i++)
            {
                chain[i].RedirectTo = $"<sip:{PlatformId}@127.0.0.1:{Str(chain[i + 1].Port)}>";
            }

            await using var gateway = await UpperTestGateway.StartAsync(chain[0].Port, p => p.Password = string.Empty);

            await Wait.UntilAsync(() => !gateway.RegisterAnswers.IsEmpty, "the first attempt's answer");
            var answer = gateway.RegisterAnswers.First().Answer;
            Assert.Equal(SipStatus.MovedTemporarily, answer.StatusCode);
            Assert.Contains("more than 3 redirects", answer.Reason, StringComparison.Ordinal);
            Assert.All(chain.Take(4), p => Assert.True(p.Registers >= 1));
            Assert.Equal(0, chain[4].Registers);
        }
        finally
        {
            foreach (var platform in chain)
            {
                await platform.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("<sip:a@10.0.0.1>;q=0.5, <sip:b@10.0.0.2>;q=0.9, <sip:c@10.0.0.3>;q=0.7", "b")]
    [InlineData("<sip:a@10.0.0.1>, <sip:b@10.0.0.2>", "a")] // equal (absent) q: the first listed
    [InlineData("<tel:+861234>, <sip:b@10.0.0.2>;q=0.1", "b")] // only sip URIs are followed
    [InlineData("<sip:a@10.0.0.1>;q=high, <sip:b@10.0.0.2>;q=0.1", "b")] // an unreadable q ranks last
    public void The_contact_with_the_highest_q_is_chosen(string header, string user)
    {
        var response = new SipResponse(SipStatus.MovedTemporarily);
        response.Headers.Set(SipHeaderKind.Contact, header);

        Assert.Equal(user, PlatformRedirect.Choose(response.Contacts)?.Uri.User);
    }

    [Fact]
    public void A_3xx_without_a_followable_contact_chooses_nothing()
    {
        Assert.Null(PlatformRedirect.Choose([]));
        Assert.Null(PlatformRedirect.Choose([SipNameAddress.Wildcard]));
    }

    private static string Answers(UpperTestGateway gateway) => string.Join(", ", gateway.RegisterAnswers.Select(a => a.Answer));

    private static string Port(UdpClient client) => Str(((IPEndPoint)client.Client.LocalEndPoint!).Port);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static ExternalProcess StartRedirector(int port, string contact) => ExternalProcess.Start("sipp", [
        "-sf", RepositoryPaths.Path("tests", "Gb28181Gateway.Cascade.Tests", "Upper", "platform-redirect.sipp.xml"),
        "-i", "127.0.0.1", "-p", Str(port), "-m", "1", "-key", "contact", contact,
        "-nostdin", "-timeout", "60s", "-trace_err",
    ], Path.GetTempPath());
}
