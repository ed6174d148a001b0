using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Simulator.Platform;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.IntegrationTests.System;

/// <summary>
/// The real host between simulated devices and two simulated platforms: a platform's Alarm SUBSCRIBE makes the gateway
/// SUBSCRIBE every online device below for Alarm, a device's alarm then reaches the platform as a NOTIFY in its dialog,
/// and the devices get SUBSCRIBE Expires: 0 only when the last platform subscribed ends its subscription.
/// </summary>
public sealed class UpperAlarmSubscriptionSystemTests : IAsyncLifetime
{
    private const string GatewayId = "34020000002000000002";
    private const string Password = "12345678";
    private const int DeviceCount = 2;

    private readonly RecordingLoggerProvider _deviceLog = new();
    private readonly ILoggerFactory _deviceLoggerFactory;
    private readonly ConcurrentQueue<(string CallId, ManscdpMessage? Body)> _provinceNotifies = new();
    private SimulatedPlatform _province = null!;
    private SimulatedPlatform _city = null!;
    private GatewayHost _gateway = null!;
    private DeviceFarm _devices = null!;

    public UpperAlarmSubscriptionSystemTests()
    {
        _deviceLoggerFactory = LoggerFactory.Create(b => b.AddProvider(_deviceLog).SetMinimumLevel(LogLevel.Information));
    }

    public async Task InitializeAsync()
    {
        var mediaPorts = LoopbackPorts.NextRange(20);
        _province = StartPlatform("41010500002000000001");
        _province.Agent.Handle(SipMethod.Notify, async r =>
        {
            _provinceNotifies.Enqueue((r.Request.CallId, r.Request.Body.IsEmpty ? null : ManscdpCodec.Parse(r.Request.Body.Span)));
            await r.RespondAsync(SipStatus.Ok);
        });
        _city = StartPlatform("41010600002000000001");
        _city.Agent.Handle(SipMethod.Notify, r => r.RespondAsync(SipStatus.Ok));

        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Media:PortMin"] = mediaPorts.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Media:PortMax"] = (mediaPorts + 19).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (index, name, platform) in new[] { (0, "province", _province), (1, "city", _city) })
        {
            var prefix = $"Gateway:Platforms:{index}:";
            settings[prefix + "Name"] = name;
            settings[prefix + "Enabled"] = "true";
            settings[prefix + "ServerId"] = platform.Options.ServerId;
            settings[prefix + "ServerDomain"] = platform.Options.ServerId[..10];
            settings[prefix + "Host"] = "127.0.0.1";
            settings[prefix + "Port"] = platform.Options.Listen.Port.ToString(CultureInfo.InvariantCulture);
            settings[prefix + "Transport"] = "udp";
            settings[prefix + "DeviceId"] = GatewayId;
            settings[prefix + "LocalPort"] = LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture);
            settings[prefix + "Password"] = Password;
            settings[prefix + "Catalog:Share:0"] = "*";
        }

        _gateway = await GatewayHost.StartAsync(settings);
        _devices = new DeviceFarm(SystemTestSupport.Devices(_gateway.SipPort, DeviceCount, 2, Password), loggerFactory: _deviceLoggerFactory);
        _devices.Start();
    }

    public async Task DisposeAsync()
    {
        await _devices.DisposeAsync();
        await _gateway.DisposeAsync();
        await _province.DisposeAsync();
        await _city.DisposeAsync();
        _deviceLoggerFactory.Dispose();
    }

    [Fact]
    public async Task Alarm_subscriptions_of_two_platforms_subscribe_each_device_once_and_the_last_one_ending_unsubscribes_it()
    {
        using var http = new HttpClient { BaseAddress = _gateway.HttpBase };
        var deviceIds = _devices.Devices.Select(d => d.Id).ToList();
        await SystemTestSupport.WaitUntilAsync(() => SystemTestSupport.AllOnlineWithChannelsAsync(http, deviceIds, 2), "the devices and their channels");
        var upper = _gateway.App.Services.GetRequiredService<UpperDomain>();

        var province = await SubscribeAlarmAsync(_province, 11);
        await SystemTestSupport.WaitUntilAsync(() => deviceIds.All(id => AlarmSubscribes(id, 3600) == 1), "an Alarm SUBSCRIBE at every device");

        var device = _devices.Devices[0];
        var alarm = new AlarmNotify
        {
            Sn = 77, DeviceId = device.ChannelIds[0], AlarmPriority = 1, AlarmMethod = 2, AlarmTime = new DateTime(2026, 11, 22, 1, 0, 0, DateTimeKind.Unspecified),
            AlarmDescription = "motion",
        };
        Assert.Equal(SipStatus.Ok, (await device.SendMessageAsync(ManscdpCodec.Encode(alarm, GbCharset.Gb2312), CancellationToken.None)).StatusCode);
        await SystemTestSupport.WaitUntilAsync(() => _provinceNotifies.Any(n => n.Body is AlarmNotify), "the alarm at the province");
        var forwarded = _provinceNotifies.First(n => n.Body is AlarmNotify);
        Assert.Equal(province.Dialog!.CallId, forwarded.CallId); // in the province's subscription dialog
        Assert.Equal((device.ChannelIds[0], "motion"), (forwarded.Body!.DeviceId, ((AlarmNotify)forwarded.Body).AlarmDescription));

        var city = await SubscribeAlarmAsync(_city, 12);
        await upper.Find("city")!.DeviceSubscriptions.Idle;
        await EndAsync(province.Dialog);
        await upper.Find("province")!.DeviceSubscriptions.Idle; // the province's release is done: the city still holds every device
        Assert.All(deviceIds, id => Assert.Equal((1, 0), (AlarmSubscribes(id, 3600), AlarmSubscribes(id, 0))));

        await EndAsync(city.Dialog!);
        await SystemTestSupport.WaitUntilAsync(() => deviceIds.All(id => AlarmSubscribes(id, 0) == 1), "SUBSCRIBE Expires: 0 at every device");
        Assert.All(deviceIds, id => Assert.Equal(1, AlarmSubscribes(id, 3600))); // one subscription per device for both platforms
    }

    private static SimulatedPlatform StartPlatform(string serverId)
    {
        var platform = new SimulatedPlatform(new PlatformOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next()),
            ServerId = serverId,
            Password = Password,
            QueryTimeout = TimeSpan.FromSeconds(30),
        });
        platform.Start();
        return platform;
    }

    private static async Task<SipDialogResult> SubscribeAlarmAsync(SimulatedPlatform platform, long sn)
    {
        var client = await platform.WaitForClientAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        var request = platform.Agent.CreateRequest(SipMethod.Subscribe, SipUri.Create(GatewayId, "3402000000"),
            new SipNameAddress(SipUri.Create(platform.Options.ServerId, platform.Options.ServerId[..10])), new SipNameAddress(SipUri.Create(GatewayId, "3402000000")),
            client.Source);
        request.Headers.Set(SipHeaderKind.Event, "Alarm;id=" + sn.ToString(CultureInfo.InvariantCulture));
        request.Expires = 600;
        request.Headers.Set(SipHeaderKind.ContentType, ManscdpCodec.ContentType);
        request.Body = ManscdpCodec.Encode(new AlarmQuery { Sn = sn, DeviceId = GatewayId, StartAlarmPriority = 1, EndAlarmPriority = 4 }, GbCharset.Gb2312);
        var subscribed = await platform.Agent.SubscribeAsync(request, client.Source);
        Assert.True(subscribed.IsSuccess, $"SUBSCRIBE answered {subscribed.StatusCode}");
        return subscribed;
    }

    private static async Task EndAsync(SipDialog dialog)
    {
        var end = dialog.CreateRequest(SipMethod.Subscribe);
        end.Headers.Set(SipHeaderKind.Event, "Alarm");
        end.Expires = 0;
        var answer = await dialog.SendRequestAsync(end);
        Assert.True(answer.IsSuccess, $"SUBSCRIBE Expires: 0 answered {answer.StatusCode}");
    }

    /// <summary>How many Alarm SUBSCRIBEs with <paramref name="expires"/> the simulated device accepted (its log line 9015).</summary>
    private int AlarmSubscribes(string deviceId, int expires) =>
        _deviceLog.Messages.Count(m => m == $"Device {deviceId}: Alarm subscription accepted (expires {expires} s)");
}
