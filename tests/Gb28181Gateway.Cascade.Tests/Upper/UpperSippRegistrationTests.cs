using System.Globalization;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>Registration against sipp as the platform: digest with and without qop (opaque echoed), keepalives, unregistration.</summary>
public sealed class UpperSippRegistrationTests
{
    [Theory]
    [InlineData(", qop=\"auth\"")]
    [InlineData(" ")]
    public async Task Registers_with_digest_sends_keepalives_and_unregisters(string challengeExtra)
    {
        var sippPort = LoopbackPorts.Next();
        await using var sipp = StartRegistrar(sippPort, challengeExtra, UpperTestGateway.Password);
        await using var gateway = await UpperTestGateway.StartAsync(sippPort);
        var session = gateway.Context.Session;

        await Wait.UntilAsync(() => session.IsRegistered || sipp.HasExited, "registration");
        Assert.True(session.IsRegistered, $"not registered: {session.State.LastError}\nsipp said:\n{sipp.Output}");
        await Wait.UntilAsync(() => session.State.LastKeepaliveAt is not null, "an answered keepalive");
        var first = session.State.LastKeepaliveAt;
        await Wait.UntilAsync(() => session.State.LastKeepaliveAt > first, "another answered keepalive");

        await gateway.Upper.StopAsync(TimeSpan.FromSeconds(5));

        var answers = gateway.RegisterAnswers.ToArray();
        var registered = answers.First(a => a.Expires > 0 && a.Answer.IsSuccess);
        Assert.True(registered.Answer.Expires == 3600, $"{registered.Answer} {registered.Answer.Expires}");
        Assert.Equal("2026-11-21T20:30:00.123", registered.Answer.Date);
        Assert.Equal(0, answers[^1].Expires);
        Assert.True(answers[^1].Answer.IsSuccess, $"unregister answered {answers[^1].Answer}\nsipp said:\n{sipp.Output}");
        Assert.Equal(PlatformSession.StateDisabled, session.State.State);
    }

    [Fact]
    public async Task A_wrong_password_is_retried_with_backoff_not_in_a_loop()
    {
        var sippPort = LoopbackPorts.Next();
        await using var sipp = StartRegistrar(sippPort, ", qop=\"auth\"", "not-the-password");
        await using var gateway = await UpperTestGateway.StartAsync(sippPort); // backoff 200 ms doubling to a 1 s cap

        await Wait.UntilAsync(() => gateway.RegisterAnswers.Count(a => a.Answer.StatusCode == 403) >= 3,
            "three rejected REGISTERs; got " + string.Join(", ", gateway.RegisterAnswers.Select(a => a.Answer)) + "\nsipp said:\n" + sipp.Output);
        var lastError = gateway.Context.Session.State.LastError;
        await gateway.Upper.StopAsync(TimeSpan.FromSeconds(1));

        // the first attempt may meet a sipp that is not listening yet (503); none may succeed, and every retry waited its backoff
        Assert.DoesNotContain(gateway.RegisterAnswers, a => a.Answer.IsSuccess);
        Assert.Equal("403 Forbidden", lastError);
        Assert.False(gateway.Context.Session.IsRegistered);
    }

    private static ExternalProcess StartRegistrar(int port, string challengeExtra, string password) => ExternalProcess.Start("sipp", [
        "-sf", UpperSipp.Scenario("platform-registrar.xml", ("device_id", UpperTestGateway.GatewayDeviceId)),
        "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
        "-key", "device_id", UpperTestGateway.GatewayDeviceId, "-key", "password", password, "-key", "challenge_extra", challengeExtra,
        "-nostdin", "-timeout", "60s", "-trace_err",
    ], Path.GetTempPath());
}
