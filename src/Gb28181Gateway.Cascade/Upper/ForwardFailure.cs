using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Upper;

/// <summary>
/// What a platform gets when a query forwarded to a device fails below (offline, no answer, an error): an answer
/// it can close its query with — same CmdType, SN and (platform-side) DeviceID — carrying an empty list where the
/// response schema has one (RecordInfo SumNum 0 and RecordList Num="0", PresetQuery PresetList Num="0") and
/// <c>Result</c> ERROR where it has a Result (DeviceStatus, ConfigDownload, DeviceInfo).
/// </summary>
internal static class ForwardFailure
{
    /// <summary>The operator's word for why the device did not answer.</summary>
    public static string Reason(Exception exception) => exception switch
    {
        DeviceRequestException { Error: DeviceRequestError.Offline } => "device offline",
        DeviceRequestException { Error: DeviceRequestError.UnknownDevice } => "device not registered",
        DeviceRequestException { Error: DeviceRequestError.Timeout } => "device timeout",
        DeviceRequestException { Error: DeviceRequestError.Rejected } e => $"device error (answered {e.SipStatus})",
        DeviceRequestException { Error: DeviceRequestError.BadAnswer } => "device error (unreadable answer)",
        DeviceRequestException => "device error",
        _ => "gateway error",
    };

    /// <summary>The closing answer to <paramref name="query"/> (SN and DeviceID as the platform sent them); null for a query with no answer schema here.</summary>
    public static ManscdpMessage? Answer(ManscdpMessage query, Exception exception)
    {
        var offline = exception is DeviceRequestException { Error: DeviceRequestError.Offline or DeviceRequestError.UnknownDevice };
        return query switch
        {
            RecordInfoQuery q => new RecordInfoResponse { Sn = q.Sn, DeviceId = q.DeviceId, SumNum = 0, Items = [] },
            PresetQuery q => new PresetQueryResponse { Sn = q.Sn, DeviceId = q.DeviceId, Items = [] },
            DeviceStatusQuery q => new DeviceStatusResponse
            {
                Sn = q.Sn, DeviceId = q.DeviceId, Result = "ERROR", Online = offline ? "OFFLINE" : "ONLINE", Status = "ERROR", Reason = Reason(exception),
            },
            DeviceInfoQuery q => new DeviceInfoResponse { Sn = q.Sn, DeviceId = q.DeviceId, Result = "ERROR" },
            ConfigDownloadQuery q => new ConfigDownloadResponse { Sn = q.Sn, DeviceId = q.DeviceId, Result = "ERROR" },
            _ => null,
        };
    }
}
