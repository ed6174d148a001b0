using System.Text;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Tests.Upper;

/// <summary>
/// A query forwarded to a device that fails below (offline, no answer, an error) still gets an answer MESSAGE the
/// platform can close its query with: same CmdType, its SN, its (mapped) DeviceID, an empty list or Result ERROR.
/// </summary>
public sealed class UpperForwardFailureTests : IAsyncLifetime
{
    private UpperTestPlatform _platform = null!;
    private UpperTestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _platform = new UpperTestPlatform();
        _gateway = await UpperTestGateway.StartAsync(_platform.Port, p => p.KeepaliveIntervalSeconds = 60);
        await Wait.UntilAsync(() => _gateway.Context.Session.IsRegistered, "registration");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _platform.DisposeAsync();
    }

    /// <summary>The Dahua IPC's camera: renumbered above, so the answer must carry the platform's ID, not the device's.</summary>
    private string DahuaCameraUpperId
    {
        get
        {
            Assert.True(_gateway.Upper.TryMapUp("province", new(FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), out var id));
            Assert.NotEqual(FakeDeviceDirectory.CameraId, id);
            return id;
        }
    }

    [Theory]
    [InlineData(DeviceRequestError.Offline)]
    [InlineData(DeviceRequestError.Timeout)]
    public async Task RecordInfo_of_a_failed_device_is_answered_with_sumnum_0_and_an_empty_record_list(DeviceRequestError error)
    {
        _gateway.DeviceClient.QueryFailure = error;
        var upperId = DahuaCameraUpperId;
        var query = new RecordInfoQuery { Sn = 4711, DeviceId = upperId, StartTime = new DateTime(2024, 5, 4), EndTime = new DateTime(2024, 5, 5), Type = "all" };

        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(_gateway.Platform.LocalPort, query));

        await Wait.UntilAsync(() => _platform.Received<RecordInfoResponse>().Any(), "the closing RecordInfo answer");
        var (device, forwarded) = Assert.Single(_gateway.DeviceClient.Requests);
        Assert.Equal((FakeDeviceDirectory.Dahua, FakeDeviceDirectory.CameraId), (device, forwarded.DeviceId)); // it was asked below
        var answer = _platform.Received<RecordInfoResponse>().Single();
        Assert.Equal((4711L, upperId, 0), (answer.Sn, answer.DeviceId, answer.SumNum ?? -1));
        Assert.Empty(answer.Items);
        var raw = Encoding.ASCII.GetString(_platform.Messages.Single(m => m.Message is RecordInfoResponse).Raw);
        Assert.Contains("<Response>", raw, StringComparison.Ordinal);
        Assert.Contains("<SumNum>0</SumNum>", raw, StringComparison.Ordinal);
        Assert.Contains("<RecordList Num=\"0\">", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PresetQuery_of_a_device_that_does_not_answer_gets_an_empty_preset_list()
    {
        _gateway.DeviceClient.QueryFailure = DeviceRequestError.Timeout;
        var upperId = DahuaCameraUpperId;

        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(_gateway.Platform.LocalPort, new PresetQuery { Sn = 303, DeviceId = upperId }));

        await Wait.UntilAsync(() => _platform.Received<PresetQueryResponse>().Any(), "the closing PresetQuery answer");
        var answer = _platform.Received<PresetQueryResponse>().Single();
        Assert.Equal((303L, upperId), (answer.Sn, answer.DeviceId));
        Assert.Empty(answer.Items);
        var raw = Encoding.ASCII.GetString(_platform.Messages.Single(m => m.Message is PresetQueryResponse).Raw);
        Assert.Contains("<PresetList Num=\"0\">", raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DeviceRequestError.Offline, "OFFLINE", "device offline")]
    [InlineData(DeviceRequestError.Timeout, "ONLINE", "device timeout")]
    [InlineData(DeviceRequestError.Rejected, "ONLINE", "device error (answered 500)")]
    public async Task DeviceStatus_of_a_failed_device_is_answered_with_result_error(DeviceRequestError error, string online, string reason)
    {
        _gateway.DeviceClient.QueryFailure = error;
        var upperId = DahuaCameraUpperId;

        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(_gateway.Platform.LocalPort, new DeviceStatusQuery { Sn = 12, DeviceId = upperId }));

        await Wait.UntilAsync(() => _platform.Received<DeviceStatusResponse>().Any(), "the closing DeviceStatus answer");
        var answer = _platform.Received<DeviceStatusResponse>().Single();
        Assert.Equal((12L, upperId, "ERROR", online, "ERROR", reason), (answer.Sn, answer.DeviceId, answer.Result, answer.Online, answer.Status, answer.Reason));
    }

    [Fact]
    public async Task A_fault_of_the_gateway_while_forwarding_still_closes_the_platforms_query()
    {
        _gateway.DeviceClient.QueryFault = new InvalidOperationException("a bug below");
        var upperId = DahuaCameraUpperId;

        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(_gateway.Platform.LocalPort, new DeviceStatusQuery { Sn = 13, DeviceId = upperId }));

        await Wait.UntilAsync(() => _platform.Received<DeviceStatusResponse>().Any(), "the closing DeviceStatus answer");
        var answer = _platform.Received<DeviceStatusResponse>().Single();
        Assert.Equal((13L, upperId, "ERROR", "gateway error"), (answer.Sn, answer.DeviceId, answer.Result, answer.Reason));
    }

    [Fact]
    public async Task ConfigDownload_of_a_device_that_does_not_answer_is_answered_with_result_error()
    {
        // the fake device never answers ConfigDownload (DeviceRequestError.Timeout)
        Assert.Equal(SipStatus.Ok, await _platform.SendAsync(_gateway.Platform.LocalPort,
            new ConfigDownloadQuery { Sn = 64, DeviceId = FakeDeviceDirectory.AlarmInputId, ConfigType = "BasicParam" }));

        await Wait.UntilAsync(() => _platform.Received<ConfigDownloadResponse>().Any(), "the closing ConfigDownload answer");
        var answer = _platform.Received<ConfigDownloadResponse>().Single();
        Assert.Equal((64L, FakeDeviceDirectory.AlarmInputId, "ERROR"), (answer.Sn, answer.DeviceId, answer.Result));
        Assert.Null(answer.BasicParam);
    }
}
