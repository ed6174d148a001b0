using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Lower;

public sealed class LowerPresenceTests
{
    private const string CameraId = LowerVectors.SeedCameraId;

    [Fact]
    public async Task Keepalives_keep_the_device_online_and_their_absence_takes_it_and_its_channels_offline()
    {
        await using var gateway = await LowerHarness.StartAsync(); // keepalive timeout 180 s
        await using var camera = new LowerTestDevice(gateway, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync()).StatusCode);
        await LowerHarness.UntilAsync(() => gateway.Directory.GetChannels(CameraId).Count == 2, "the catalog arrived");

        gateway.Time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(SipStatus.Ok, (await camera.KeepaliveAsync()).StatusCode);
        gateway.Time.Advance(TimeSpan.FromSeconds(179)); // 279 s after registration, 179 s after the keepalive
        Assert.True(gateway.Directory.FindDevice(CameraId)!.Online);
        Assert.Equal(gateway.Time.GetUtcNow().AddSeconds(-179), gateway.Directory.FindDevice(CameraId)!.LastKeepaliveAt);

        gateway.Time.Advance(TimeSpan.FromSeconds(1));

        var offline = await gateway.NextEventAsync<DeviceOfflineEvent>();
        Assert.Equal(DeviceOfflineReason.KeepaliveTimeout, offline.Reason);
        var off = await gateway.NextEventAsync<ChannelsChangedEvent>(e => e.Changes.All(c => c.Event == "OFF"));
        Assert.Equal(["34020000001310000001", "34020000001340000001"], off.Changes.Select(c => c.DeviceId).Order());
        Assert.False(gateway.Directory.FindDevice(CameraId)!.Online);
        Assert.All(gateway.Directory.GetChannels(CameraId), c => Assert.Equal("OFF", c.Status));
        Assert.False((await gateway.Store.LoadDevicesAsync()).Single().Online);
    }

    [Fact]
    public async Task A_keepalive_after_the_keepalive_timeout_brings_a_still_registered_device_back_online()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);
        await camera.RegisterAsync();
        await gateway.NextEventAsync<DeviceOnlineEvent>();
        gateway.Time.Advance(TimeSpan.FromSeconds(181));
        await gateway.NextEventAsync<DeviceOfflineEvent>();

        Assert.Equal(SipStatus.Ok, (await camera.KeepaliveAsync()).StatusCode);

        await gateway.NextEventAsync<DeviceOnlineEvent>();
        Assert.True(gateway.Directory.FindDevice(CameraId)!.Online);
    }

    [Fact]
    public async Task The_registration_expiring_takes_the_device_offline_even_with_keepalives()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);
        await camera.RegisterAsync(expires: 60);
        await gateway.NextEventAsync<DeviceOnlineEvent>();
        gateway.Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(SipStatus.Ok, (await camera.KeepaliveAsync()).StatusCode);

        gateway.Time.Advance(TimeSpan.FromSeconds(10));

        var offline = await gateway.NextEventAsync<DeviceOfflineEvent>();
        Assert.Equal(DeviceOfflineReason.RegistrationExpired, offline.Reason);
        Assert.Equal(SipStatus.NotFound, (await camera.KeepaliveAsync()).StatusCode);
        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync(expires: 60)).StatusCode);
        await gateway.NextEventAsync<DeviceOnlineEvent>();
    }

    [Fact]
    public async Task A_keepalive_from_an_unknown_device_is_answered_404_and_registers_nothing()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);

        var response = await camera.SendAsync(LowerVectors.Manscdp("000-dahua-keepalive.xml"));

        Assert.Equal(SipStatus.NotFound, response.StatusCode);
        Assert.Equal("Device not registered", response.ReasonPhrase);
        Assert.Null(gateway.Directory.FindDevice(CameraId));
        Assert.Empty(gateway.DrainEvents());
    }

    [Fact]
    public async Task After_a_restart_a_device_known_from_the_store_is_accepted_at_once_with_its_channels()
    {
        var store = new InMemoryStateStore();
        var time = new ManualTimeProvider();
        var options = LowerHarness.DefaultOptions();
        await using (var before = await LowerHarness.StartAsync(options, time, store))
        {
            await using var camera = new LowerTestDevice(before, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
            await camera.RegisterAsync();
            await LowerHarness.UntilAsync(() => before.Directory.GetChannels(CameraId).Count == 2, "the catalog arrived");
            await camera.KeepaliveAsync();
        }

        time.Advance(TimeSpan.FromSeconds(30));
        options.Sip.Port = LoopbackPorts.Next();
        await using var after = await LowerHarness.StartAsync(options, time, store);
        await using var same = new LowerTestDevice(after, CameraId);

        Assert.True(after.Directory.FindDevice(CameraId)!.Online);
        Assert.Equal(2, after.Directory.GetChannels(CameraId).Count);
        Assert.Equal([new ChannelRef(CameraId, "34020000001310000001")], after.Directory.FindChannel("34020000001310000001"));
        Assert.Equal(SipStatus.Ok, (await same.KeepaliveAsync()).StatusCode);

        time.Advance(TimeSpan.FromSeconds(151)); // 181 s after the keepalive before the restart, but the one after it counts
        Assert.True(after.Directory.FindDevice(CameraId)!.Online);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(DeviceOfflineReason.KeepaliveTimeout, (await after.NextEventAsync<DeviceOfflineEvent>()).Reason);
    }

    [Fact]
    public async Task After_a_restart_a_device_whose_keepalives_stopped_meanwhile_is_offline_with_its_channels_off()
    {
        var store = new InMemoryStateStore();
        var time = new ManualTimeProvider();
        var options = LowerHarness.DefaultOptions();
        await using (var before = await LowerHarness.StartAsync(options, time, store))
        {
            await using var camera = new LowerTestDevice(before, CameraId) { Answer = LowerVectors.Camera(LowerVectors.HikvisionCatalog) };
            await camera.RegisterAsync();
            await LowerHarness.UntilAsync(() => before.Directory.GetChannels(CameraId).Count == 2, "the catalog arrived");
        }

        time.Advance(TimeSpan.FromSeconds(600)); // the gateway was down for 10 minutes
        options.Sip.Port = LoopbackPorts.Next();
        await using var after = await LowerHarness.StartAsync(options, time, store);

        Assert.False(after.Directory.FindDevice(CameraId)!.Online);
        Assert.Equal(2, after.Directory.GetChannels(CameraId).Count);
        Assert.All(after.Directory.GetChannels(CameraId), c => Assert.Equal("OFF", c.Status));
    }
}
