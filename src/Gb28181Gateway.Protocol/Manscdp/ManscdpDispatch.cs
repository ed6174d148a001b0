using Gb28181Gateway.Protocol.Xml;

namespace Gb28181Gateway.Protocol.Manscdp;

/// <summary>Chooses the model for a (root, CmdType) pair.</summary>
internal static class ManscdpDispatch
{
    public static ManscdpMessage Read(in XmlDocument d, ManscdpRoot root, string cmdType, in HeaderValues h) => root switch
    {
        ManscdpRoot.Query => Query(d, cmdType, h),
        ManscdpRoot.Control => Control(d, cmdType, h),
        ManscdpRoot.Notify => Notify(d, cmdType, h),
        _ => Response(d, cmdType, h),
    };

    private static ManscdpMessage Query(in XmlDocument d, string cmdType, in HeaderValues h) => cmdType switch
    {
        ManscdpCmdType.Catalog => CatalogQuery.Read(d, h),
        ManscdpCmdType.DeviceInfo => new DeviceInfoQuery { Sn = h.Sn, DeviceId = h.DeviceId, Extensions = ManscdpSimpleQuery.ReadExtensions(d) },
        ManscdpCmdType.DeviceStatus => new DeviceStatusQuery { Sn = h.Sn, DeviceId = h.DeviceId, Extensions = ManscdpSimpleQuery.ReadExtensions(d) },
        ManscdpCmdType.PresetQuery => new PresetQuery { Sn = h.Sn, DeviceId = h.DeviceId, Extensions = ManscdpSimpleQuery.ReadExtensions(d) },
        ManscdpCmdType.RecordInfo => RecordInfoQuery.Read(d, h),
        ManscdpCmdType.ConfigDownload => ConfigDownloadQuery.Read(d, h),
        ManscdpCmdType.Alarm => AlarmQuery.Read(d, h),
        ManscdpCmdType.MobilePosition => MobilePositionQuery.Read(d, h),
        _ => ManscdpUnknownMessage.Read(d, ManscdpRoot.Query, cmdType, h),
    };

    private static ManscdpMessage Control(in XmlDocument d, string cmdType, in HeaderValues h) => cmdType switch
    {
        ManscdpCmdType.DeviceControl => DeviceControl.Read(d, h),
        ManscdpCmdType.DeviceConfig => DeviceConfig.Read(d, h),
        _ => ManscdpUnknownMessage.Read(d, ManscdpRoot.Control, cmdType, h),
    };

    private static ManscdpMessage Notify(in XmlDocument d, string cmdType, in HeaderValues h) => cmdType switch
    {
        ManscdpCmdType.Keepalive => KeepaliveNotify.Read(d, h),
        ManscdpCmdType.Alarm => AlarmNotify.Read(d, h),
        ManscdpCmdType.MediaStatus => MediaStatusNotify.Read(d, h),
        ManscdpCmdType.MobilePosition => MobilePositionNotify.Read(d, h),
        ManscdpCmdType.Catalog => CatalogNotify.Read(d, h),
        ManscdpCmdType.Broadcast => BroadcastNotify.Read(d, h),
        ManscdpCmdType.UploadSnapShotFinished => UploadSnapShotFinishedNotify.Read(d, h),
        _ => ManscdpUnknownMessage.Read(d, ManscdpRoot.Notify, cmdType, h),
    };

    private static ManscdpMessage Response(in XmlDocument d, string cmdType, in HeaderValues h) => cmdType switch
    {
        ManscdpCmdType.Catalog when CatalogList.Looks(d) => CatalogResponse.Read(d, h),
        ManscdpCmdType.RecordInfo when RecordInfoResponse.Looks(d) => RecordInfoResponse.Read(d, h),
        ManscdpCmdType.DeviceInfo => DeviceInfoResponse.Read(d, h),
        ManscdpCmdType.DeviceStatus => DeviceStatusResponse.Read(d, h),
        ManscdpCmdType.PresetQuery => PresetQueryResponse.Read(d, h),
        ManscdpCmdType.ConfigDownload => ConfigDownloadResponse.Read(d, h),
        ManscdpCmdType.Catalog or ManscdpCmdType.RecordInfo or ManscdpCmdType.DeviceControl or ManscdpCmdType.DeviceConfig
            or ManscdpCmdType.Alarm or ManscdpCmdType.Broadcast or ManscdpCmdType.Keepalive or ManscdpCmdType.MobilePosition
            or ManscdpCmdType.MediaStatus or ManscdpCmdType.UploadSnapShotFinished => ManscdpResult.Read(d, cmdType, h),
        _ => ManscdpUnknownMessage.Read(d, ManscdpRoot.Response, cmdType, h),
    };
}
