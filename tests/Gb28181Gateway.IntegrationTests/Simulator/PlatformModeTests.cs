using System.Net;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Sip.Auth;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary><c>gbsim platform</c> against a minimal in-test virtual NVR, asserting what crossed the wire.</summary>
public sealed class PlatformModeTests
{
    private const string PlatformId = "41010500002000000001";
    private const string Password = "platform-secret";

    private static (SimulatedPlatform Platform, SipEndPoint EndPoint) StartPlatform(SipTransportKind kind, TimeProvider time)
    {
        var platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0), ServerId = PlatformId, Password = Password, QueryTimeout = TimeSpan.FromSeconds(10),
        }, time);
        platform.Start();
        return (platform, new SipEndPoint(kind, platform.Agent.Transport.LocalEndPoint));
    }

    [Fact]
    public async Task Registration_is_challenged_then_accepted_with_a_gb_date_and_a_wrong_password_is_forbidden()
    {
        var (platform, endPoint) = StartPlatform(SipTransportKind.Udp, TimeProvider.System);
        await using var owned = platform;
        await using var nvr = new TestVirtualNvr(endPoint, PlatformId);

        Assert.Equal(SipStatus.NotFound, await nvr.SendKeepaliveAsync(1)); // unknown: register first

        var challenge = await nvr.RegisterAsync(credentials: null);
        Assert.Equal(SipStatus.Unauthorized, challenge.StatusCode);
        Assert.Equal("4101050000", challenge.WwwAuthenticate!["realm"]);
        Assert.False(string.IsNullOrEmpty(challenge.WwwAuthenticate["nonce"]));

        Assert.Equal(SipStatus.Forbidden, (await nvr.RegisterAsync(new DigestClient(TestVirtualNvr.Id, "wrong"))).StatusCode);
        Assert.Empty(platform.Clients);

        var accepted = await nvr.RegisterAsync(new DigestClient(TestVirtualNvr.Id, Password));
        Assert.Equal(SipStatus.Ok, accepted.StatusCode);
        Assert.True(GbTime.TryParseDateHeader(accepted.Date, out _), $"Date '{accepted.Date}' is not the GB form");
        Assert.Equal(3600, accepted.Expires);
        Assert.True(platform.Clients.ContainsKey(TestVirtualNvr.Id));
        Assert.Equal(1, platform.Forbidden);

        Assert.Equal(SipStatus.Ok, await nvr.SendKeepaliveAsync(2));
        Assert.Equal(1, platform.KeepalivesReceived);
    }

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task A_catalog_split_over_messages_is_aggregated_by_sn_until_SumNum(SipTransportKind kind)
    {
        var (platform, endPoint) = StartPlatform(kind, TimeProvider.System);
        await using var owned = platform;
        await using var nvr = new TestVirtualNvr(endPoint, PlatformId);
        var items = Enumerable.Range(1, 5).Select(static n => new CatalogItem
        {
            DeviceId = DeviceId.Create("3402000000", 131, n).Value, Name = $"大门{n}", ParentId = TestVirtualNvr.Id, Status = "ON",
        }).ToArray();
        nvr.CatalogSumNum = 5;
        nvr.CatalogMessages = [items[..2], items[1..3], items[3..]]; // item 2 twice, as a retransmitting device would
        Assert.Equal(SipStatus.Ok, (await nvr.RegisterAsync(new DigestClient(TestVirtualNvr.Id, Password))).StatusCode);
        var client = await platform.WaitForClientAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var catalog = await platform.QueryCatalogAsync(client, CancellationToken.None);

        var query = Assert.IsType<CatalogQuery>(ManscdpCodec.Parse((await TestRegistrar.NextAsync(nvr.Queries)).Body.Span));
        Assert.Equal(TestVirtualNvr.Id, query.DeviceId);
        Assert.Equal(query.Sn, catalog.Sn);
        Assert.True(catalog.IsComplete);
        Assert.Equal(5, catalog.SumNum);
        Assert.Equal(3, catalog.Messages);
        Assert.Equal(1, catalog.Duplicates);
        Assert.Equal(items.Select(static i => i.DeviceId), catalog.Items.Select(static i => i.DeviceId).Order());
        Assert.Equal(items.Select(static i => i.Name), catalog.Items.OrderBy(static i => i.DeviceId, StringComparer.Ordinal).Select(static i => i.Name));
    }

    [Fact]
    public async Task An_answer_short_of_SumNum_is_reported_incomplete_with_what_arrived()
    {
        var time = new ManualTimeProvider();
        var (platform, endPoint) = StartPlatform(SipTransportKind.Udp, time);
        await using var owned = platform;
        await using var nvr = new TestVirtualNvr(endPoint, PlatformId);
        nvr.CatalogSumNum = 3;
        nvr.CatalogMessages = [[new CatalogItem { DeviceId = "34020000001310000001", Name = "一" }]];
        await nvr.RegisterAsync(new DigestClient(TestVirtualNvr.Id, Password));
        var client = await platform.WaitForClientAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var querying = platform.QueryCatalogAsync(client, CancellationToken.None);
        await TestRegistrar.NextAsync(nvr.CatalogAnswered);
        await DeviceModeTests.WaitUntilAsync(() => time.ActiveTimerCount >= 1); // the platform waits for the rest
        time.Advance(TimeSpan.FromSeconds(10)); // QueryTimeout
        var catalog = await querying.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(catalog.IsComplete);
        Assert.Equal(3, catalog.SumNum);
        Assert.Equal("34020000001310000001", Assert.Single(catalog.Items).DeviceId);
    }

    [Fact]
    public async Task Play_invites_the_channel_counts_rtp_of_the_answered_ssrc_and_ends_with_bye()
    {
        var time = new ManualTimeProvider();
        var (platform, endPoint) = StartPlatform(SipTransportKind.Udp, time);
        await using var owned = platform;
        await using var nvr = new TestVirtualNvr(endPoint, PlatformId);
        await nvr.RegisterAsync(new DigestClient(TestVirtualNvr.Id, Password));
        var client = await platform.WaitForClientAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string Channel = "34020000001310000001";

        var playing = PlatformPlayer.PlayAsync(platform, client, Channel, rtpPort: 0, TimeSpan.FromSeconds(10), CancellationToken.None,
            onPacket: n => { if (n == 23) all.TrySetResult(); });
        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(10)); // the listening window ends
        var result = await playing.WaitAsync(TimeSpan.FromSeconds(10));

        var (invite, dialog) = await TestRegistrar.NextAsync(nvr.Invites);
        Assert.Equal(Channel, invite.RequestUri.User);
        Assert.Equal($"{Channel}:{result.Ssrc},{PlatformId}:0", invite.Subject);
        Assert.Equal(result.Ssrc, Simulator_MediaOffer(invite).Ssrc);
        Assert.Equal((SipStatus.Ok, 20L, 3L, 20L * 188), (result.StatusCode, result.Packets, result.ForeignSsrcPackets, result.Bytes));
        await dialog.Terminated.WaitAsync(TimeSpan.FromSeconds(10)); // the platform's BYE
    }

    private static Gb28181Gateway.Simulator.Media.MediaOffer Simulator_MediaOffer(SipRequest invite) =>
        Gb28181Gateway.Simulator.Media.MediaOffer.Parse(invite.Body.Span);
}
