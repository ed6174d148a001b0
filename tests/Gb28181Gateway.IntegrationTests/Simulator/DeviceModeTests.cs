using System.Net;
using System.Text;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Simulator.Devices;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Simulator;

/// <summary><c>gbsim devices</c> against a minimal registrar made with the SIP stack, asserting what crossed the wire.</summary>
public sealed class DeviceModeTests
{
    internal static DeviceFarmOptions Options(SipEndPoint server, int count, int channels) => new()
    {
        Server = server,
        ServerId = TestRegistrar.ServerId,
        Domain = TestRegistrar.Domain,
        Count = count,
        Channels = channels,
        Password = TestRegistrar.Password,
        FirstId = "34020000001320000001",
        LocalAddress = IPAddress.Loopback,
        MediaAddress = IPAddress.Loopback,
        UnregisterOnStop = false,
    };

    /// <summary>Reads the two REGISTERs (401, then 200) of each of <paramref name="count"/> devices, by device ID.</summary>
    internal static async Task<Dictionary<string, List<(SipRequest Request, SipEndPoint Source, int Status)>>> RegistrationsAsync(TestRegistrar registrar, int count)
    {
        var byDevice = new Dictionary<string, List<(SipRequest, SipEndPoint, int)>>();
        for (var i = 0; i < count * 2; i++)
        {
            var entry = await TestRegistrar.NextAsync(registrar.Registers);
            var id = entry.Request.From.Uri.User!;
            if (!byDevice.TryGetValue(id, out var list))
            {
                byDevice[id] = list = [];
            }

            list.Add(entry);
        }

        return byDevice;
    }

    [Fact]
    public async Task Devices_register_with_digest_and_send_keepalives_on_their_clock()
    {
        var time = new ManualTimeProvider();
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(Options(registrar.EndPoint, count: 2, channels: 1), time);
        farm.Start();

        var registrations = await RegistrationsAsync(registrar, 2);
        Assert.Equal(["34020000001320000001", "34020000001320000002"], registrations.Keys.Order());
        foreach (var (id, attempts) in registrations)
        {
            var (first, _, firstStatus) = attempts[0];
            var (second, _, secondStatus) = attempts[1];
            Assert.Null(first.Authorization);
            Assert.Equal(SipStatus.Unauthorized, firstStatus);
            Assert.Equal(SipStatus.Ok, secondStatus);
            Assert.Equal($"sip:{TestRegistrar.ServerId}@{TestRegistrar.Domain}", second.RequestUri.ToString());
            Assert.Equal(first.CallId, second.CallId);
            Assert.Equal(first.From.Tag, second.From.Tag);
            Assert.Equal(first.CSeq.Number + 1, second.CSeq.Number);
            Assert.Equal(3600, second.Expires);
            Assert.Equal(id, second.Contact!.Uri.User);
            var authorization = second.Authorization!;
            Assert.Equal(id, authorization["username"]);
            Assert.Equal(TestRegistrar.Domain, authorization["realm"]);
        }

        await WaitUntilAsync(() => time.ActiveTimerCount >= 2); // each device waits for its keepalive slot
        Assert.Equal(0, farm.Statistics.KeepalivesSent);
        time.Advance(TimeSpan.FromSeconds(60));
        var keepalives = new[] { await TestRegistrar.NextAsync(registrar.Keepalives), await TestRegistrar.NextAsync(registrar.Keepalives) };
        Assert.Equal(["34020000001320000001", "34020000001320000002"], keepalives.Select(static k => k.DeviceId).Order());
        Assert.All(keepalives, static k => Assert.Equal("OK", k.Status));
        Assert.Equal(2, farm.Statistics.Registered);
    }

    [Fact]
    public async Task A_refused_keepalive_makes_the_device_register_again_in_the_same_call()
    {
        var time = new ManualTimeProvider();
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(Options(registrar.EndPoint, count: 1, channels: 1), time);
        farm.Start();
        var first = (await RegistrationsAsync(registrar, 1)).Single().Value;

        registrar.KeepaliveStatus = SipStatus.NotFound; // "I do not know you": what a restarted server says
        await WaitUntilAsync(() => time.ActiveTimerCount >= 1);
        time.Advance(TimeSpan.FromSeconds(60));
        await TestRegistrar.NextAsync(registrar.Keepalives);

        var again = await TestRegistrar.NextAsync(registrar.Registers);
        var authenticated = again.Status == SipStatus.Unauthorized ? await TestRegistrar.NextAsync(registrar.Registers) : again;
        Assert.Equal(first[0].Request.CallId, again.Request.CallId);
        Assert.True(again.Request.CSeq.Number > first[1].Request.CSeq.Number);
        Assert.Equal(SipStatus.Ok, authenticated.Status);
        await WaitUntilAsync(() => farm.Statistics.RegistrationsOk == 2);
        Assert.Equal(1, farm.Statistics.Registered);
    }

    [Fact]
    public async Task The_registration_is_refreshed_at_80_percent_of_the_granted_expiry_in_the_same_call()
    {
        var time = new ManualTimeProvider();
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(Options(registrar.EndPoint, count: 1, channels: 1) with { Expires = 100 }, time);
        farm.Start();
        var first = (await RegistrationsAsync(registrar, 1)).Single().Value;
        Assert.Equal(100, first[1].Request.Expires);

        await WaitUntilAsync(() => time.ActiveTimerCount >= 1);
        time.Advance(TimeSpan.FromSeconds(60)); // keepalive; the refresh is due at 80 s
        await TestRegistrar.NextAsync(registrar.Keepalives);
        Assert.False(registrar.Registers.Reader.TryRead(out _));
        await WaitUntilAsync(() => time.ActiveTimerCount >= 1);
        time.Advance(TimeSpan.FromSeconds(20));

        var refresh = await TestRegistrar.NextAsync(registrar.Registers);
        Assert.Equal(first[0].Request.CallId, refresh.Request.CallId);
        Assert.Equal(first[0].Request.From.Tag, refresh.Request.From.Tag);
        Assert.Equal(first[1].Request.CSeq.Number + 1, refresh.Request.CSeq.Number);
        Assert.Equal(100, refresh.Request.Expires);
    }

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task A_catalog_query_is_answered_in_several_messages_with_SumNum_and_gb18030_names(SipTransportKind kind)
    {
        const int Channels = 45;
        await using var registrar = new TestRegistrar(kind);
        var options = Options(registrar.EndPoint, count: 1, channels: Channels);
        await using var farm = new DeviceFarm(options, TimeProvider.System);
        farm.Start();
        var device = (await RegistrationsAsync(registrar, 1)).Single();

        Assert.Equal(SipStatus.Ok, await registrar.SendAsync(device.Key, device.Value[1].Source, new CatalogQuery { Sn = 77, DeviceId = device.Key }));

        var items = new Dictionary<string, string?>();
        var messages = 0;
        while (items.Count < Channels)
        {
            var (request, body) = await TestRegistrar.NextAsync(registrar.Messages);
            messages++;
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"GB18030\"?>", Encoding.ASCII.GetString(body, 0, 40));
            var catalog = Assert.IsType<CatalogResponse>(ManscdpCodec.Parse(body));
            Assert.Equal(77, catalog.Sn);
            Assert.Equal(device.Key, catalog.DeviceId);
            Assert.Equal(Channels, catalog.SumNum);
            Assert.InRange(catalog.Items.Count, 1, options.ItemsPerMessage);
            Assert.Equal(device.Key, request.From.Uri.User);
            if (kind == SipTransportKind.Udp)
            {
                Assert.True(request.ToBytes().Length <= 1300, $"a UDP MESSAGE of {request.ToBytes().Length} bytes");
            }

            foreach (var item in catalog.Items)
            {
                Assert.True(items.TryAdd(item.DeviceId, item.Name), $"{item.DeviceId} sent twice");
                Assert.Equal(device.Key, item.ParentId);
                Assert.Equal("ON", item.Status);
            }
        }

        var expected = Enumerable.Range(1, Channels).Select(static n => DeviceId.Create("3402000000", 131, n).Value);
        Assert.Equal(expected, items.Keys.Order());
        Assert.Equal("通道1 摄像机0000001", items["34020000001310000001"]);
        Assert.Equal("通道45 摄像机0000001", items["34020000001310000045"]);
        Assert.True(messages >= (Channels + options.ItemsPerMessage - 1) / options.ItemsPerMessage);
        Assert.True(messages > 1);
    }

    [Fact]
    public async Task DeviceInfo_RecordInfo_and_DeviceControl_get_their_responses()
    {
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(Options(registrar.EndPoint, count: 1, channels: 2), TimeProvider.System);
        farm.Start();
        var (deviceId, attempts) = (await RegistrationsAsync(registrar, 1)).Single();
        var source = attempts[1].Source;

        await registrar.SendAsync(deviceId, source, new DeviceInfoQuery { Sn = 1, DeviceId = deviceId });
        var info = Assert.IsType<DeviceInfoResponse>(ManscdpCodec.Parse((await TestRegistrar.NextAsync(registrar.Messages)).Body));
        Assert.Equal((1L, deviceId, "OK", 2), (info.Sn, info.DeviceId, info.Result, info.Channel));

        var channel = "34020000001310000002";
        var start = new DateTime(2026, 11, 21, 8, 0, 0);
        await registrar.SendAsync(channel, source, new RecordInfoQuery { Sn = 2, DeviceId = channel, StartTime = start, EndTime = start.AddHours(1), Type = "all" });
        var records = new List<RecordItem>();
        RecordInfoResponse? last = null;
        while (last is null || records.Count < last.SumNum)
        {
            last = Assert.IsType<RecordInfoResponse>(ManscdpCodec.Parse((await TestRegistrar.NextAsync(registrar.Messages)).Body));
            Assert.Equal((2L, channel), (last.Sn, last.DeviceId));
            records.AddRange(last.Items);
        }

        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.True(r.Start >= start && r.End <= start.AddHours(1) && r.Start < r.End, $"{r.StartTime}..{r.EndTime}"));

        await registrar.SendAsync(deviceId, source, new DeviceControl { Sn = 3, DeviceId = deviceId, TeleBoot = "Boot" });
        var result = Assert.IsType<ManscdpResult>(ManscdpCodec.Parse((await TestRegistrar.NextAsync(registrar.Messages)).Body));
        Assert.Equal((ManscdpCmdType.DeviceControl, 3L, true), (result.CmdType, result.Sn, result.IsOk));
        Assert.Equal(1, farm.Statistics.Controls);
    }

    [Fact]
    public async Task A_query_for_an_unknown_id_is_refused_with_404()
    {
        await using var registrar = new TestRegistrar(SipTransportKind.Udp);
        await using var farm = new DeviceFarm(Options(registrar.EndPoint, count: 1, channels: 1), TimeProvider.System);
        farm.Start();
        var (_, attempts) = (await RegistrationsAsync(registrar, 1)).Single();

        var status = await registrar.SendAsync("34020000001329999999", attempts[1].Source, new DeviceInfoQuery { Sn = 9, DeviceId = "34020000001329999999" });

        Assert.Equal(SipStatus.NotFound, status);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition did not become true within 10 s");
    }
}
