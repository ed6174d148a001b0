using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Lower;

/// <summary>
/// Real sipp cameras (tests/sipp/lower) replaying the seed captures' Hikvision and Dahua forms against the lower
/// domain in-process on loopback: register (domain- or IP-style URIs, digest with or without qop) over UDP and
/// TCP, keepalive, answer DeviceInfo and a catalog split over several MESSAGEs with GB2312/GB18030 names, go
/// offline when keepalives stop (manual clock), unregister.
/// </summary>
public sealed class LowerSippCameraTests
{
    private const string CameraId = LowerVectors.SeedCameraId;

    public static TheoryData<string, bool, bool> Cameras => new()
    {
        { "hikvision", false, false },
        { "hikvision", true, false },
        { "dahua", false, true },
        { "dahua", true, true },
    };

    [Theory]
    [MemberData(nameof(Cameras))]
    public async Task A_camera_registers_reports_its_catalog_goes_offline_when_silent_and_unregisters(string vendor, bool tcp, bool qop)
    {
        var options = LowerHarness.DefaultOptions();
        options.Sip.DigestQop = qop ? "auth" : "none";
        await using var gateway = await LowerHarness.StartAsync(options);

        var expected = vendor == "hikvision"
            ? new[] { ("34020000001310000001", "大门口摄像机"), ("34020000001340000001", "报警输入一") }
            : new[] { ("34020000001310000001", "停车场\U00020BB7入口"), ("34020000001310000002", "东门通道"), ("34020000001310000003", "西门㐀岗亭") };
        var camera = Sipp.Start($"lower/{vendor}-register.xml", gateway.Port, tcp, timeout: TimeSpan.FromSeconds(60),
            extraArguments: [.. Keys(), "-oocsf", RepositoryPaths.Path("tests", "sipp", "lower", $"{vendor}-answers.xml")]);
        try
        {
            var online = await gateway.NextEventAsync<DeviceOnlineEvent>();
            Assert.Equal(CameraId, online.DeviceId);
            Assert.StartsWith(tcp ? "tcp:" : "udp:", online.SignallingEndPoint, StringComparison.Ordinal);
            await LowerHarness.UntilAsync(
                () => gateway.Directory.GetChannels(CameraId).Count == expected.Length && gateway.Directory.FindDevice(CameraId)!.LastKeepaliveAt is not null,
                "the catalog and a keepalive arrived; sipp said:\n" + camera.Messages);
            var trace = camera.Messages;
            Assert.Equal(qop, trace.Contains("qop=\"auth\"", StringComparison.Ordinal));
            Assert.Equal(qop, trace.Contains("nc=00000001", StringComparison.Ordinal));
        }
        finally
        {
            await camera.DisposeAsync();
        }

        var channels = gateway.Directory.GetChannels(CameraId);
        Assert.Equal(expected, channels.Select(c => (c.DeviceId, c.Name ?? string.Empty)).OrderBy(c => c.DeviceId, StringComparer.Ordinal));
        var record = gateway.Directory.FindDevice(CameraId)!;
        Assert.True(record.Online);
        Assert.Equal(vendor == "hikvision" ? "Hikvision" : "Dahua", record.Manufacturer);
        Assert.Equal(expected.Length, (await gateway.Store.LoadCatalogAsync(CameraId)).Items.Count);

        gateway.Time.Advance(TimeSpan.FromSeconds(181));

        Assert.Equal(DeviceOfflineReason.KeepaliveTimeout, (await gateway.NextEventAsync<DeviceOfflineEvent>()).Reason);
        Assert.All(gateway.Directory.GetChannels(CameraId), c => Assert.Equal("OFF", c.Status));

        await using var leaving = Sipp.Start("lower/camera-unregister.xml", gateway.Port, tcp, timeout: TimeSpan.FromSeconds(30), extraArguments: Keys());
        await leaving.AssertSucceededAsync(TimeSpan.FromSeconds(30));
        Assert.False(gateway.Directory.FindDevice(CameraId)!.ExpiresAt > gateway.Time.GetUtcNow());
    }

    private static string[] Keys() =>
    [
        "-key", "device_id", CameraId, "-key", "server_id", LowerHarness.ServerId, "-key", "domain", LowerHarness.Domain,
        "-au", CameraId, "-ap", LowerHarness.Password,
    ];
}
