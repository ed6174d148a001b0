using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>Sessions are persisted; those a previous process left in the store are ended on both sides at start.</summary>
public sealed class BridgeRecoveryTests
{
    [Fact]
    public async Task A_session_left_in_the_store_gets_bye_on_both_dialogs_and_is_deleted()
    {
        var platformPort = LoopbackPorts.Next();
        var cameraPort = LoopbackPorts.Next();
        using var directory = new TempDirectory();
        await using var platform = BridgeCamera.StartPlain("peer-expects-bye.xml", directory.Info, platformPort);
        await using var camera = BridgeCamera.StartPlain("peer-expects-bye.xml", directory.Info, cameraPort);
        var stale = new SessionRecord
        {
            SessionId = "gw-1-41",
            Kind = "Play",
            Platform = "province",
            UpperChannelId = BridgeHarness.ChannelId,
            Channel = new ChannelRef(BridgeHarness.CameraId, BridgeHarness.ChannelId),
            Instance = "gw-1",
            UpperDialog = Snapshot("stale-upper", "41010500002000000001", platformPort),
            DeviceDialog = Snapshot("stale-device", BridgeHarness.ChannelId, cameraPort),
            DeviceSsrc = "0200000041",
            PlatformSsrc = "0100000041",
        };

        await using var gateway = await BridgeHarness.StartAsync(storedSessions: [stale]);

        Assert.True(await platform.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, "platform:\n" + platform.Output);
        Assert.True(await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, "camera:\n" + camera.Output);
        Assert.Empty(await gateway.Store.LoadSessionsAsync());
        Assert.Empty(gateway.Bridge.GetSessions());
    }

    private static DialogSnapshot Snapshot(string callId, string peerId, int port) => new()
    {
        CallId = callId,
        LocalTag = "old-gw",
        RemoteTag = "old-peer",
        LocalUri = "<sip:" + BridgeHarness.GatewayId + "@3402000000>",
        RemoteUri = $"<sip:{peerId}@3402000000>",
        RemoteTarget = $"sip:{peerId}@127.0.0.1:{port}",
        Peer = "udp:127.0.0.1:" + port,
        LocalCSeq = 3,
    };

    private sealed class TempDirectory : IDisposable
    {
        public DirectoryInfo Info { get; } = Directory.CreateTempSubdirectory("gb28181-bridge-recovery");

        public void Dispose() => Info.Delete(recursive: true);
    }
}
