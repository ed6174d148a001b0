using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>The devices registered below and their channels, as the rest of the gateway reads them.</summary>
public interface IDeviceDirectory
{
    /// <summary>Every known device (online or not), ordered by ID.</summary>
    IReadOnlyList<DeviceRecord> GetDevices();

    DeviceRecord? FindDevice(string deviceId);

    /// <summary>
    /// The device's channels: its last complete catalog, with each item's Status kept current by catalog
    /// notifications (ON/OFF) and by the device going offline (every channel OFF). Empty for an unknown device.
    /// </summary>
    IReadOnlyList<CatalogItem> GetChannels(string deviceId);

    /// <summary>Every device that reports a channel with this ID (usually one; two vendors may collide).</summary>
    IReadOnlyList<ChannelRef> FindChannel(string channelId);
}
