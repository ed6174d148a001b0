using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Upper;

public sealed class UpperIndependenceTests
{
    [Fact]
    public async Task A_platform_that_never_answers_does_not_delay_another()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next())); // receives REGISTERs, answers nothing
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, configureGateway: o => o.Platforms.Insert(0, new PlatformOptions
        {
            Name = "silent", ServerId = "41010600002000000001", Host = "127.0.0.1", Port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port,
            DeviceId = "34020000002000000003", LocalPort = LoopbackPorts.Next(), Password = "x",
        }));

        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration to the live platform");
        await Wait.UntilAsync(() => silent.Available > 0, "a REGISTER at the silent platform");

        Assert.Equal(PlatformSession.StateRegistering, gateway.ContextOf("silent").Session.State.State);
        Assert.Equal(
            ["silent:Registering", "province:Registered"],
            gateway.Upper.GetPlatforms().Select(p => p.Options.Name + ":" + p.State.State));
    }

    [Fact]
    public async Task A_subscription_is_refreshed_and_ended_in_its_dialog_and_alarms_then_go_as_message()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => p.KeepaliveIntervalSeconds = 60);
        await Wait.UntilAsync(() => gateway.Context.Session.IsRegistered, "registration");
        var subscribed = await platform.SubscribeAsync(gateway.Platform.LocalPort, "Alarm", new AlarmQuery { Sn = 3, DeviceId = UpperTestGateway.GatewayDeviceId }, 300);
        Assert.True(subscribed.IsSuccess);
        var result = Assert.IsType<ManscdpResult>(ManscdpCodec.Parse(subscribed.Response.Body.Span));
        Assert.Equal((ManscdpCmdType.Alarm, 3L, true), (result.CmdType, result.Sn, result.IsOk));
        var dialog = subscribed.Dialog!;

        Publish(gateway);
        await Wait.UntilAsync(() => platform.Notifies.Any(n => n.Message is AlarmNotify), "the alarm as NOTIFY");
        Assert.DoesNotContain(platform.Messages, m => m.Message is AlarmNotify);

        var refresh = dialog.CreateRequest(SipMethod.Subscribe);
        refresh.Headers.Set(SipHeaderKind.Event, "Alarm");
        refresh.Expires = 600;
        Assert.Equal(SipStatus.Ok, (await dialog.SendRequestAsync(refresh)).StatusCode);
        var end = dialog.CreateRequest(SipMethod.Subscribe);
        end.Headers.Set(SipHeaderKind.Event, "Alarm");
        end.Expires = 0;
        Assert.Equal(SipStatus.Ok, (await dialog.SendRequestAsync(end)).StatusCode);
        await Wait.UntilAsync(() => platform.Notifies.Any(n => n.SubscriptionState.StartsWith("terminated", StringComparison.Ordinal)), "the final NOTIFY");

        Publish(gateway);
        await Wait.UntilAsync(() => platform.Messages.Any(m => m.Message is AlarmNotify), "the alarm as MESSAGE");
        Assert.Single(platform.Notifies, n => n.Message is AlarmNotify);
    }

    private static void Publish(UpperTestGateway gateway) =>
        gateway.Bus.Publish(new Cascade.Events.DeviceAlarmEvent(FakeDeviceDirectory.Hikvision,
            new AlarmNotify { Sn = 1, DeviceId = FakeDeviceDirectory.AlarmInputId, AlarmPriority = 1, AlarmMethod = 2 }) { Timestamp = DateTimeOffset.UtcNow });
}

public sealed class UpperRefreshTests
{
    [Fact]
    public async Task Refreshes_keep_the_call_id_with_a_rising_cseq()
    {
        await using var platform = new UpperTestPlatform();
        await using var gateway = await UpperTestGateway.StartAsync(platform.Port, p => (p.Expires, p.KeepaliveIntervalSeconds) = (2, 60));

        await Wait.UntilAsync(() => platform.RegisterRequests.Count >= 3, "two refreshes");

        var registers = platform.RegisterRequests.Take(3).ToList();
        Assert.Single(registers.Select(r => r.CallId).Distinct());
        Assert.True(registers[0].CSeq < registers[1].CSeq && registers[1].CSeq < registers[2].CSeq, string.Join(",", registers.Select(r => r.CSeq)));
        Assert.All(registers, r => Assert.Equal(2, r.Expires));
        Assert.True(gateway.Context.Session.IsRegistered);
    }
}
