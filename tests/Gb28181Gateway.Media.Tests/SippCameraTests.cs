using System.Globalization;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Media.Tests;

/// <summary>
/// A real peer: sipp as the camera, streaming the committed pcap with play_pcap_video after an INVITE that a
/// second sipp (standing for the gateway's SIP side) answers with the relay's device port.
/// </summary>
public sealed class SippCameraTests
{
    [Fact]
    public async Task A_sipp_camera_streaming_the_capture_reaches_the_platform_byte_for_byte_with_its_ssrc()
    {
        const uint PlatformSsrc = 0x0BEBC2FF;
        await using var harness = new RelayHarness();
        await using var session = harness.Relay.CreateSession(MediaTransport.Udp);
        var leg = session.AddPlatform(MediaTransport.Udp, PlatformSsrc);
        await using var platform = await Peers.OpenPlatformAsync(leg);
        var cameraMediaPort = LoopbackPorts.NextRange(4);
        await session.Device.ConnectAsync(RelayHarness.Loopback(cameraMediaPort));   // the camera's SDP: c=127.0.0.1, m=video port

        var directory = Directory.CreateTempSubdirectory("gb28181-media-sipp");
        try
        {
            var pcap = RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.pcap");
            var cameraScenario = Path.Combine(directory.FullName, "camera.xml");
            File.WriteAllText(cameraScenario, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sipp", "camera-streams-capture.xml")).Replace("[pcap]", pcap, StringComparison.Ordinal));
            var gatewayPort = LoopbackPorts.Next();
            var cameraPort = LoopbackPorts.Next();

            await using var gateway = ExternalProcess.Start("sipp", [
                "-sf", Path.Combine(AppContext.BaseDirectory, "Sipp", "answer-with-relay-port.xml"),
                "-i", "127.0.0.1", "-p", Str(gatewayPort), "-key", "relay_port", Str(session.Device.LocalPort),
                "-m", "1", "-nostdin", "-timeout", "30s",
            ], directory.FullName);
            await using var camera = ExternalProcess.Start("sipp", [
                "-sf", cameraScenario, $"127.0.0.1:{gatewayPort}",
                "-i", "127.0.0.1", "-p", Str(cameraPort), "-mp", Str(cameraMediaPort),
                "-m", "1", "-nostdin", "-timeout", "30s",
            ], directory.FullName);

            var packets = Capture.Packets;
            await Wait.UntilAsync(() => platform.Received.Count >= packets.Length || camera.HasExited, "the whole capture at the platform");
            Assert.True(platform.Received.Count == packets.Length, $"{platform.Received.Count} of {packets.Length} packets arrived; sipp said:\n{camera.Output}");
            Assert.Equal(packets.Select(p => Capture.WithSsrc(p, PlatformSsrc)), platform.Received);
            Assert.Equal(0, await camera.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Empty(session.GetStats().Dropped);
            Assert.Equal(packets.Length, session.GetStats().PacketsReceived);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
