using System.Collections.Concurrent;
using System.Net;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// The real host with simulated devices below and a simulated platform above that SUBSCRIBEs to the gateway's
/// catalog: the initial NOTIFYs carry every channel below (what a Catalog query returns), split with SumNum.
/// The platform's back-off keys are set too, so the host binds and validates them.
/// </summary>
public sealed class UpperCatalogSubscriptionSystemTests : IAsyncLifetime
{
    private const string PlatformId = "41010500002000000001";
    private const string GatewayId = "34020000002000000002";
    private const string Password = "12345678";
    private const int DeviceCount = 2;
    private const int ChannelsPerDevice = 3;

    private readonly ConcurrentQueue<(string State, ManscdpMessage? Body)> _notifies = new();
    private SimulatedPlatform _platform = null!;
    private GatewayHost _gateway = null!;
    private DeviceFarm _devices = null!;

    public async Task InitializeAsync()
    {
        var platformPort = LoopbackPorts.Next();
        var mediaPorts = LoopbackPorts.NextRange(20);
        _platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, platformPort),
            ServerId = PlatformId,
            Password = Password,
            QueryTimeout = TimeSpan.FromSeconds(30),
        });
        _platform.Start();
        _platform.Agent.Handle(SipMethod.Notify, async r =>
        {
            _notifies.Enqueue((r.Request.Headers.GetFirst(SipHeaderKind.SubscriptionState) ?? string.Empty,
                r.Request.Body.IsEmpty ? null : ManscdpCodec.Parse(r.Request.Body.Span)));
            await r.RespondAsync(SipStatus.Ok);
        });

        _gateway = await GatewayHost.StartAsync(SystemTestSupport.OnePlatform(platformPort, Password, mediaPorts, 20,
            ("Gateway:Platforms:0:Catalog:ItemsPerMessage", "2"),
            ("Gateway:Platforms:0:RetryMinSeconds", "1"),
            ("Gateway:Platforms:0:RetryMaxSeconds", "10")));

        _devices = new DeviceFarm(SystemTestSupport.Devices(_gateway.SipPort, DeviceCount, ChannelsPerDevice, Password));
        _devices.Start();
    }

    public async Task DisposeAsync()
    {
        await _devices.DisposeAsync();
        await _gateway.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Fact]
    public async Task A_catalog_subscription_starts_with_every_channel_below_in_notifies_with_the_subscribe_sn()
    {
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        var deviceIds = _devices.Devices.Select(d => d.Id).ToList();
        await SystemTestSupport.WaitUntilAsync(() => SystemTestSupport.AllOnlineWithChannelsAsync(http, deviceIds, ChannelsPerDevice), "the devices and their channels");
        var client = await _platform.WaitForClientAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var request = _platform.Agent.CreateRequest(SipMethod.Subscribe, SipUri.Create(GatewayId, "3402000000"),
            new SipNameAddress(SipUri.Create(PlatformId, "4101050000")), new SipNameAddress(SipUri.Create(GatewayId, "3402000000")), client.Source);
        request.Headers.Set(SipHeaderKind.Event, "Catalog;id=901");
        request.Expires = 600;
        request.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        request.Body = ManscdpCodec.Encode(new CatalogQuery { Sn = 901, DeviceId = GatewayId }, GbCharset.Gb2312);
        var subscribed = await _platform.Agent.SubscribeAsync(request, client.Source);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");

        const int All = DeviceCount * ChannelsPerDevice;
        await SystemTestSupport.WaitUntilAsync(() => Items().Count() >= All, $"{All} channels in NOTIFYs");
        var parts = _notifies.Where(n => n.Body is CatalogNotify).ToList();
        Assert.InRange(parts.Count, All / 2, All); // at most ItemsPerMessage (2) per NOTIFY, fewer when a UDP body would grow past ~1000 bytes
        Assert.All(parts, p => Assert.StartsWith("active;expires=", p.State, StringComparison.Ordinal));
        Assert.All(parts.Select(p => (CatalogNotify)p.Body!), n => Assert.Equal((901L, GatewayId, All), (n.Sn, n.DeviceId, n.SumNum ?? -1)));
        var below = _devices.Devices.SelectMany(d => d.ChannelIds).Order(StringComparer.Ordinal);
        Assert.Equal(below, Items().Select(i => i.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(Items(), i => Assert.Equal((CatalogEvent.Add, GatewayId), (i.EventKind, i.ParentId)));
    }

    private IEnumerable<CatalogItem> Items() => _notifies.Select(n => n.Body).OfType<CatalogNotify>().SelectMany(n => n.Items);
}
