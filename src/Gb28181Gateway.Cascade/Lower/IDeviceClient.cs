using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Requests to a device below. Every call sends a MANSCDP MESSAGE (with a fresh SN) to the device's
/// registered address, correlates the answer by (DeviceID, CmdType, SN), aggregates multi-message answers
/// (Catalog, RecordInfo: SumNum items, de-duplicated) and times out after <c>Sip:QueryTimeoutSeconds</c>.
/// Failures throw <see cref="DeviceRequestException"/>.
/// </summary>
public interface IDeviceClient
{
    Task<IReadOnlyList<CatalogItem>> QueryCatalogAsync(string deviceId, CancellationToken cancellationToken = default);

    Task<DeviceInfoResponse> QueryDeviceInfoAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary><paramref name="targetId"/> is the device itself or one of its channels.</summary>
    Task<DeviceStatusResponse> QueryDeviceStatusAsync(string deviceId, string targetId, CancellationToken cancellationToken = default);

    /// <summary>The query's DeviceId is the channel; its Sn is replaced. The answer holds every item of every MESSAGE.</summary>
    Task<RecordInfoResponse> QueryRecordInfoAsync(string deviceId, RecordInfoQuery query, CancellationToken cancellationToken = default);

    Task<PresetQueryResponse> QueryPresetsAsync(string deviceId, string channelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The query's DeviceId is the device or a channel; its Sn is replaced. Several <c>/</c>-joined types are
    /// collected from one MESSAGE or one per type and merged into one response (see <see cref="QueryConfigTypesAsync"/>).
    /// </summary>
    Task<ConfigDownloadResponse> QueryConfigAsync(string deviceId, ConfigDownloadQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="QueryConfigAsync"/> that also names the requested types the device sent no section for: the answer
    /// is collected until every type arrived (or the device showed it will send no more) or the query's timeout;
    /// after a timeout what arrived is returned, and only a timeout with no answer at all throws.
    /// </summary>
    async Task<ConfigDownloadResult> QueryConfigTypesAsync(string deviceId, ConfigDownloadQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var response = await QueryConfigAsync(deviceId, query, cancellationToken);
        return new ConfigDownloadResult(response, ConfigAnswer.MissingTypes(query, response));
    }

    /// <summary>
    /// Sends a DeviceControl (the control's DeviceId is the target channel or device; its Sn is replaced).
    /// PTZ and other commands without a MANSCDP answer complete with <see langword="null"/> once the device
    /// accepted the MESSAGE (200); the others return the device's Result.
    /// </summary>
    Task<ManscdpResult?> SendControlAsync(string deviceId, DeviceControl control, CancellationToken cancellationToken = default);

    Task<ManscdpResult> SendConfigAsync(string deviceId, DeviceConfig config, CancellationToken cancellationToken = default);

    /// <summary>SUBSCRIBE for alarms (refreshed until the device goes offline); alarms arrive as <see cref="Events.DeviceAlarmEvent"/>.</summary>
    Task SubscribeAlarmsAsync(string deviceId, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>SUBSCRIBE for MobilePosition every <paramref name="interval"/>; reports arrive as <see cref="Events.MobilePositionEvent"/>.</summary>
    Task SubscribeMobilePositionAsync(string deviceId, TimeSpan interval, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the gateway's <paramref name="package"/> subscription of the device with SUBSCRIBE Expires: 0 in its dialog
    /// (the Event of the initial SUBSCRIBE, RFC 6665 §4.1.2.3), whoever holds it; false when none was active. The dialog
    /// ends locally whatever the device answers.
    /// </summary>
    Task<bool> UnsubscribeAsync(string deviceId, SubscriptionPackage package, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(GetType().Name + " does not end device subscriptions");

    /// <summary>
    /// Holds the device's Alarm or MobilePosition subscription for <paramref name="holder"/> (e.g. a platform's name):
    /// the device is subscribed once while any holder holds it, again after it went offline and came back, and
    /// unsubscribed when the last holder releases it. MobilePosition uses the smallest <paramref name="interval"/> any
    /// holder asked for (5 s when none did). Holding an offline or unregistered device only records the hold. A device
    /// refusing the SUBSCRIBE throws <see cref="DeviceRequestException"/>; the hold stays. Holding again is harmless.
    /// </summary>
    Task HoldSubscriptionAsync(string deviceId, SubscriptionPackage package, string holder, TimeSpan? interval = null,
        CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(GetType().Name + " does not hold device subscriptions");

    /// <summary>Releases <paramref name="holder"/>'s hold; the last one out unsubscribes the device. False when it held nothing.</summary>
    Task<bool> ReleaseSubscriptionAsync(string deviceId, SubscriptionPackage package, string holder, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(GetType().Name + " does not hold device subscriptions");
}
