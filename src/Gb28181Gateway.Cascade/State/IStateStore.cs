namespace Gb28181Gateway.Cascade.State;

/// <summary>
/// Where the gateway keeps what must survive a restart: devices, catalogs, per-platform ID maps, platform
/// state and live sessions. The application holds its working state in memory and writes through to the
/// store; it reads the store only at start-up (<c>Load*</c>) and for ID assignment.
/// </summary>
/// <remarks>
/// Contract for implementations:
/// <list type="bullet">
/// <item><c>Save*</c>/<c>Delete*</c> never fail because the backend is unreachable: they keep the latest
/// value of each entity and write it when the backend is back (last write wins per entity). They throw only
/// for invalid arguments or cancellation.</item>
/// <item><see cref="AssignUpperIdAsync"/> is atomic across gateways sharing one backend; while the backend
/// is unreachable it assigns from the local copy and reconciles when it is back.</item>
/// <item>Devices and sessions belong to the gateway instance that wrote them (<c>Instance</c>);
/// <c>LoadDevicesAsync</c>/<c>LoadSessionsAsync</c> return this instance's only. ID maps are shared by
/// every instance.</item>
/// </list>
/// </remarks>
public interface IStateStore
{
    ValueTask SaveDeviceAsync(DeviceRecord device, CancellationToken cancellationToken = default);

    /// <summary>Removes the device and its catalog.</summary>
    ValueTask DeleteDeviceAsync(string deviceId, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<DeviceRecord>> LoadDevicesAsync(CancellationToken cancellationToken = default);

    ValueTask SaveCatalogAsync(DeviceCatalog catalog, CancellationToken cancellationToken = default);

    /// <summary>The device's catalog, or an empty one when none was saved.</summary>
    ValueTask<DeviceCatalog> LoadCatalogAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Every channel mapped for the platform so far: channel below → ID above.</summary>
    ValueTask<IReadOnlyDictionary<ChannelRef, string>> LoadIdMapAsync(string platform, CancellationToken cancellationToken = default);

    /// <summary>
    /// Maps <paramref name="channel"/> to <paramref name="candidateUpperId"/> for <paramref name="platform"/>
    /// unless it is mapped already. Returns the channel's upper ID (the existing one, or the candidate when
    /// it was free), or <see langword="null"/> when the candidate already belongs to another channel (the
    /// caller then tries another candidate). A mapping is never changed or removed.
    /// </summary>
    ValueTask<string?> AssignUpperIdAsync(string platform, ChannelRef channel, string candidateUpperId, CancellationToken cancellationToken = default);

    ValueTask SavePlatformAsync(PlatformStateRecord platform, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<PlatformStateRecord>> LoadPlatformsAsync(CancellationToken cancellationToken = default);

    ValueTask SaveSessionAsync(SessionRecord session, CancellationToken cancellationToken = default);

    ValueTask DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<SessionRecord>> LoadSessionsAsync(CancellationToken cancellationToken = default);
}
