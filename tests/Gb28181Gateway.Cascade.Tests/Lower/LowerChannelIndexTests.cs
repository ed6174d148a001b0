using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// The channel ID → owning devices index of <see cref="DeviceDirectory"/> when many devices list the same channel
/// ID (factory-default IDs in the field): every owner is found, snapshots handed out stay as they were, and a
/// device that drops the channel (or a changed catalog) leaves the others indexed.
/// </summary>
public sealed class LowerChannelIndexTests
{
    private const string SharedChannel = "34020000001310000001";

    [Fact]
    public void EveryDeviceListingASharedChannelIdIsFoundAndRemovalsKeepTheOthers()
    {
        var directory = new DeviceDirectory(new ManualTimeProvider());
        var devices = Enumerable.Range(1, 500).Select(i => Add(directory, "3402000000132" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var allocated = new long[devices.Count];
        for (var i = 0; i < devices.Count; i++)
        {
            var start = GC.GetAllocatedBytesForCurrentThread();
            SetChannels(directory, devices[i], SharedChannel, "3402000001131" + devices[i].DeviceId[13..]);
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - start;
        }

        // adding the 400th owner costs what adding the 10th did (neither grows the list), not a copy of 399 entries
        Assert.True(allocated[399] < allocated[9] + 1024, $"10th owner {allocated[9]} B, 400th {allocated[399]} B");

        var before = directory.FindChannel(SharedChannel);
        Assert.Equal(devices.Select(d => new ChannelRef(d.DeviceId, SharedChannel)), before);
        Assert.Same(before, directory.FindChannel(SharedChannel)); // unchanged index: the same snapshot, no copy per read
        Assert.Equal([new ChannelRef(devices[7].DeviceId, "3402000001131" + devices[7].DeviceId[13..])],
            directory.FindChannel("3402000001131" + devices[7].DeviceId[13..]));

        SetChannels(directory, devices[0]); // the first device now lists nothing
        SetChannels(directory, devices[1], "34020000001310000099"); // the second one another channel
        SetChannels(directory, devices[2], SharedChannel, "3402000001131" + devices[2].DeviceId[13..]); // the third the same again

        var after = directory.FindChannel(SharedChannel);
        Assert.Equal(devices.Skip(2).Select(d => new ChannelRef(d.DeviceId, SharedChannel)), after);
        Assert.Equal(500, before.Count); // a snapshot handed out earlier does not change
        Assert.Empty(directory.FindChannel("3402000001131" + devices[0].DeviceId[13..]));
        Assert.Equal([new ChannelRef(devices[1].DeviceId, "34020000001310000099")], directory.FindChannel("34020000001310000099"));

        foreach (var device in devices)
        {
            SetChannels(directory, device);
        }

        Assert.Empty(directory.FindChannel(SharedChannel));
        Assert.Empty(directory.FindChannel("34020000001310000099"));
    }

    private static DeviceEntry Add(DeviceDirectory directory, string deviceId) =>
        directory.GetOrAdd(deviceId, id => new DeviceEntry(new DeviceRecord { DeviceId = id, SignallingEndPoint = "udp:127.0.0.1:5060" }));

    private static void SetChannels(DeviceDirectory directory, DeviceEntry entry, params string[] channelIds)
    {
        lock (entry.Gate)
        {
            directory.SetChannels(entry, channelIds.Select(id => new CatalogItem { DeviceId = id }).ToList());
        }
    }
}
