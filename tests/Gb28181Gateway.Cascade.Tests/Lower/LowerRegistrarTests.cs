using System.Net;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;

namespace Gb28181Gateway.Cascade.Tests.Lower;

public sealed class LowerRegistrarTests
{
    private const string CameraId = "34020000001320000001";

    [Fact]
    public async Task A_register_without_credentials_is_challenged_with_the_domain_as_realm()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId, password: null);

        var response = await camera.RegisterAsync();

        Assert.Equal(SipStatus.Unauthorized, response.StatusCode);
        var challenge = response.WwwAuthenticate!;
        Assert.Equal("Digest", challenge.Scheme);
        Assert.Equal(LowerHarness.Domain, challenge["realm"]);
        Assert.False(string.IsNullOrEmpty(challenge["nonce"]));
        Assert.Null(gateway.Directory.FindDevice(CameraId));
    }

    [Fact]
    public async Task The_right_password_registers_and_the_200_carries_gb_date_expires_and_contact()
    {
        var time = new Testing.ManualTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));
        await using var gateway = await LowerHarness.StartAsync(time: time);
        await using var camera = new LowerTestDevice(gateway, CameraId);

        var response = await camera.RegisterAsync(expires: 3600);

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        Assert.Equal("2026-03-04T05:06:07.890", response.Date); // the manual clock's local zone is UTC
        Assert.Equal(3600, response.Expires);
        Assert.Equal(CameraId, response.Contact!.Uri.User);
        Assert.Equal(3600, response.Contact.Expires);
        var online = await gateway.NextEventAsync<DeviceOnlineEvent>();
        Assert.Equal(CameraId, online.DeviceId);
        var record = gateway.Directory.FindDevice(CameraId)!;
        Assert.True(record.Online);
        Assert.Equal(time.GetUtcNow().AddSeconds(3600), record.ExpiresAt);
        Assert.Equal("LowerTestDevice", record.UserAgent);
        Assert.StartsWith("udp:127.0.0.1:", record.SignallingEndPoint, StringComparison.Ordinal);
        Assert.NotNull((await gateway.Store.LoadDevicesAsync()).SingleOrDefault(d => d.DeviceId == CameraId));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_403_and_nothing_is_registered()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId, password: "wrong");

        var response = await camera.RegisterAsync();

        Assert.Equal(SipStatus.Forbidden, response.StatusCode);
        Assert.Null(gateway.Directory.FindDevice(CameraId));
        Assert.Empty(await gateway.Store.LoadDevicesAsync());
    }

    [Fact]
    public async Task A_per_device_password_replaces_the_global_one()
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.DevicePasswords[CameraId] = "own-secret";
        await using var gateway = await LowerHarness.StartAsync(options);
        await using var camera = new LowerTestDevice(gateway, CameraId);

        Assert.Equal(SipStatus.Forbidden, (await camera.RegisterAsync()).StatusCode);
        camera.Password = "own-secret";
        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync()).StatusCode);
    }

    [Fact]
    public async Task An_empty_password_means_no_authentication()
    {
        await using var gateway = await LowerHarness.StartAsync(LowerHarness.DefaultOptions(password: string.Empty));
        await using var camera = new LowerTestDevice(gateway, CameraId, password: null);

        var response = await camera.RegisterAsync();

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        Assert.True(gateway.Directory.FindDevice(CameraId)!.Online);
    }

    [Fact]
    public async Task Expires_0_unregisters_and_the_device_goes_offline()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);
        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync()).StatusCode);

        var response = await camera.RegisterAsync(expires: 0);

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        Assert.Equal(0, response.Expires);
        var offline = await gateway.NextEventAsync<DeviceOfflineEvent>();
        Assert.Equal(DeviceOfflineReason.Unregistered, offline.Reason);
        var record = gateway.Directory.FindDevice(CameraId)!;
        Assert.False(record.Online);
        Assert.Equal(SipStatus.NotFound, (await camera.KeepaliveAsync()).StatusCode); // no live registration any more
    }

    [Fact]
    public async Task Expires_below_the_minimum_gets_423_with_min_expires_and_above_the_maximum_is_clamped()
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.MaxExpiresSeconds = 7200;
        await using var gateway = await LowerHarness.StartAsync(options);
        await using var camera = new LowerTestDevice(gateway, CameraId);

        var brief = await camera.RegisterAsync(expires: 30);
        Assert.Equal(SipStatus.IntervalTooBrief, brief.StatusCode);
        Assert.Equal("60", brief.Headers.GetFirst(SipHeaderKind.MinExpires));
        Assert.Null(gateway.Directory.FindDevice(CameraId));

        var clamped = await camera.RegisterAsync(expires: 100_000);
        Assert.Equal(SipStatus.Ok, clamped.StatusCode);
        Assert.Equal(7200, clamped.Expires);
        Assert.Equal(gateway.Time.GetUtcNow().AddSeconds(7200), gateway.Directory.FindDevice(CameraId)!.ExpiresAt);
    }

    [Fact]
    public async Task A_refresh_keeps_the_device_online_without_a_second_online_event()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);
        var callId = "refresh-" + Guid.NewGuid().ToString("N");
        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync(callId: callId)).StatusCode);
        await gateway.NextEventAsync<DeviceOnlineEvent>();
        gateway.Time.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync(callId: callId)).StatusCode);

        Assert.Equal(gateway.Time.GetUtcNow().AddSeconds(3600), gateway.Directory.FindDevice(CameraId)!.ExpiresAt);
        Assert.DoesNotContain(gateway.DrainEvents(), e => e is DeviceOnlineEvent or DeviceOfflineEvent);
    }

    [Theory]
    [InlineData("3402000000132000001")] // 19 digits
    [InlineData("3402000000132000000A")]
    public async Task A_device_id_that_is_not_20_digits_gets_400_with_a_reason(string badId)
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, badId);

        var response = await camera.RegisterAsync();

        Assert.Equal(SipStatus.BadRequest, response.StatusCode);
        Assert.Contains("20 digits", response.ReasonPhrase, StringComparison.Ordinal);
        Assert.Contains(badId, response.ReasonPhrase, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_register_for_another_server_id_gets_404_naming_this_server()
    {
        await using var gateway = await LowerHarness.StartAsync();
        await using var camera = new LowerTestDevice(gateway, CameraId);
        var target = new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, gateway.Port));
        var request = camera.Agent.CreateRequest(SipMethod.Register, SipUri.Create("34020000002000000099", LowerHarness.Domain), camera.Address, camera.Address, target);
        request.Expires = 3600;

        var response = await camera.Agent.SendRequestAsync(request, target);

        Assert.Equal(SipStatus.NotFound, response.StatusCode);
        Assert.Contains("34020000002000000099", response.ReasonPhrase, StringComparison.Ordinal);
        Assert.Contains(LowerHarness.ServerId, response.ReasonPhrase, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_from_one_address_are_refused_with_backoff_then_allowed_again()
    {
        await using var gateway = await LowerHarness.StartAsync(); // AuthFailuresBeforeDelay = 3
        await using var camera = new LowerTestDevice(gateway, CameraId, password: "guess");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SipStatus.Forbidden, (await camera.RegisterAsync()).StatusCode);
        }

        var throttled = await camera.RegisterAsync();
        Assert.Equal(SipStatus.ServiceUnavailable, throttled.StatusCode);
        Assert.Equal("1", throttled.Headers.GetFirst(SipHeaderKind.RetryAfter));

        camera.Password = LowerHarness.Password;
        Assert.Equal(SipStatus.ServiceUnavailable, (await camera.RegisterAsync()).StatusCode); // even the right one waits

        gateway.Time.Advance(TimeSpan.FromSeconds(1));
        camera.Password = "guess";
        Assert.Equal(SipStatus.Forbidden, (await camera.RegisterAsync()).StatusCode); // 4th failure: 2 s now
        var longer = await camera.RegisterAsync();
        Assert.Equal(SipStatus.ServiceUnavailable, longer.StatusCode);
        Assert.Equal("2", longer.Headers.GetFirst(SipHeaderKind.RetryAfter));

        gateway.Time.Advance(TimeSpan.FromSeconds(2));
        camera.Password = LowerHarness.Password;
        Assert.Equal(SipStatus.Ok, (await camera.RegisterAsync()).StatusCode);
        Assert.Equal(0, gateway.Registrar.Throttle.Failures(IPAddress.Loopback));
    }
}
