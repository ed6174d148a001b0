using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>The lower domain as the bridge reads it: devices the test registers by hand.</summary>
internal sealed class BridgeTestDevices : IDeviceDirectory
{
    private readonly ConcurrentDictionary<string, DeviceRecord> _devices = new(StringComparer.Ordinal);

    public void Set(DeviceRecord device) => _devices[device.DeviceId] = device;

    public IReadOnlyList<DeviceRecord> GetDevices() => [.. _devices.Values.OrderBy(d => d.DeviceId, StringComparer.Ordinal)];

    public DeviceRecord? FindDevice(string deviceId) => _devices.GetValueOrDefault(deviceId);

    public IReadOnlyList<CatalogItem> GetChannels(string deviceId) => [];

    public IReadOnlyList<ChannelRef> FindChannel(string channelId) => [];
}

/// <summary>Channel IDs kept as they are; only the channels the test shares map.</summary>
internal sealed class BridgeTestChannelMap : IPlatformChannelMap
{
    private readonly ConcurrentDictionary<string, ChannelRef> _shared = new(StringComparer.Ordinal);

    public void Share(ChannelRef channel) => _shared[channel.ChannelId] = channel;

    public bool TryMapDown(string platform, string upperChannelId, out ChannelRef channel) => _shared.TryGetValue(upperChannelId, out channel);

    public bool TryMapUp(string platform, ChannelRef channel, [NotNullWhen(true)] out string? upperChannelId)
    {
        upperChannelId = _shared.ContainsKey(channel.ChannelId) ? channel.ChannelId : null;
        return upperChannelId is not null;
    }
}

/// <summary>The PS-over-RTP capture of tests/vectors/media (the same packets as ps-rtp.pcap that sipp plays).</summary>
internal static class BridgeCapture
{
    private static readonly Lazy<byte[][]> s_packets = new(Load);

    public static byte[][] Packets => s_packets.Value;

    public static byte[] Rfc4571Stream => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.rfc4571"));

    public static string PcapPath => RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.pcap");

    /// <summary>What the platform must receive: the camera's packet with bytes 8-11 set to the platform's SSRC.</summary>
    public static byte[] WithSsrc(byte[] packet, uint ssrc)
    {
        var copy = packet.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), ssrc);
        return copy;
    }

    private static byte[][] Load()
    {
        var data = File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.rfc4571"));
        var packets = new List<byte[]>();
        for (var i = 0; i < data.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i));
            packets.Add(data.AsSpan(i + 2, length).ToArray());
            i += 2 + length;
        }

        return [.. packets];
    }
}

/// <summary>Where a platform receives RTP in the tests: a UDP socket, or a TCP connection to the gateway (RFC 4571 frames).</summary>
internal sealed class BridgeRtpSink : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private BridgeRtpSink(Socket socket)
    {
        _socket = socket;
    }

    public ConcurrentQueue<byte[]> Received { get; } = new();

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static BridgeRtpSink OpenUdp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveBufferSize = 4 << 20;
        var sink = new BridgeRtpSink(socket);
        sink._loop = sink.ReceiveUdpAsync();
        return sink;
    }

    /// <summary>A platform that offered a=setup:active: it connects to the gateway's answered port.</summary>
    public static async Task<BridgeRtpSink> ConnectTcpAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var sink = new BridgeRtpSink(socket);
        sink._loop = sink.ReceiveTcpAsync();
        return sink;
    }

    /// <summary>A platform that offered a=setup:passive: the gateway connected to its listener.</summary>
    public static BridgeRtpSink FromAccepted(Socket socket)
    {
        var sink = new BridgeRtpSink(socket);
        sink._loop = sink.ReceiveTcpAsync();
        return sink;
    }

    /// <summary>The platform's media connection goes away: closed (FIN), or with <paramref name="reset"/> aborted (RST).</summary>
    public void Drop(bool reset)
    {
        if (reset)
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        else
        {
            _socket.Shutdown(SocketShutdown.Both);   // FIN first: a close with a receive pending may go out as a reset
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReceiveUdpAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            Received.Enqueue(buffer.AsSpan(0, n).ToArray());
        }
    }

    private async Task ReceiveTcpAsync()
    {
        var header = new byte[2];
        while (!_stop.IsCancellationRequested)
        {
            if (!await ReadExactlyAsync(header))
            {
                return;
            }

            var packet = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            if (!await ReadExactlyAsync(packet))
            {
                return;
            }

            Received.Enqueue(packet);
        }
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}

/// <summary>sipp as the camera below the gateway, from a scenario in tests/sipp/bridge.</summary>
internal static class BridgeCamera
{
    /// <summary>
    /// Starts sipp as a UAS on <paramref name="sipPort"/>. UDP media: answers RTP/AVP on its media port and plays
    /// the capture; <paramref name="tcpListenerPort"/> set: answers TCP/RTP/AVP on that port with a=setup:<paramref name="tcpSetup"/>.
    /// </summary>
    public static ExternalProcess Start(string scenario, DirectoryInfo directory, int sipPort, int? tcpListenerPort = null, bool stream = true, int calls = 1,
        string tcpSetup = "passive", Func<string, string>? edit = null)
    {
        var text = File.ReadAllText(RepositoryPaths.Path("tests", "sipp", "bridge", scenario));
        text = edit?.Invoke(text) ?? text;
        var udp = tcpListenerPort is null;
        text = text
            .Replace("[media_line]", udp ? "m=video [media_port] RTP/AVP 96" : $"m=video {tcpListenerPort} TCP/RTP/AVP 96", StringComparison.Ordinal)
            .Replace("[setup_line]", udp ? string.Empty : "a=setup:" + tcpSetup + "\r\na=connection:new", StringComparison.Ordinal)
            .Replace("[stream]", udp && stream ? $"<action><exec play_pcap_video=\"{BridgeCapture.PcapPath}\"/></action>" : string.Empty, StringComparison.Ordinal);
        var path = Path.Combine(directory.FullName, scenario);
        File.WriteAllText(path, text);
        var process = ExternalProcess.Start("sipp", [
            "-sf", path, "-i", "127.0.0.1", "-p", Str(sipPort), "-mp", Str(LoopbackPorts.NextRange(4)),
            "-m", Str(calls), "-nostdin", "-timeout", "60s", "-trace_msg", "-message_file", Path.Combine(directory.FullName, "camera-messages.log"),
        ], directory.FullName);
        WaitUntilBound(process, sipPort);
        return process;
    }

    /// <summary>Starts sipp as a UAS on <paramref name="sipPort"/> with a scenario used as it is.</summary>
    public static ExternalProcess StartPlain(string scenario, DirectoryInfo directory, int sipPort)
    {
        var process = ExternalProcess.Start("sipp", [
            "-sf", RepositoryPaths.Path("tests", "sipp", "bridge", scenario), "-i", "127.0.0.1", "-p", Str(sipPort),
            "-m", "1", "-nostdin", "-timeout", "30s",
        ], directory.FullName);
        WaitUntilBound(process, sipPort);
        return process;
    }

    /// <summary>What the camera received and sent (sipp -trace_msg).</summary>
    public static string Messages(DirectoryInfo directory) => File.ReadAllText(Path.Combine(directory.FullName, "camera-messages.log"));

    /// <summary>sipp listens once its UDP port cannot be bound any more (an INVITE sent earlier would meet ICMP unreachable).</summary>
    private static void WaitUntilBound(ExternalProcess process, int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException)
            {
                return;
            }

            probe.Dispose();
            Thread.Sleep(20);
        }

        throw new TimeoutException("sipp did not bind port " + port + ":\n" + process.Output);
    }

    public static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Waits for a condition with a generous deadline: a hang guard, not a timed assertion.</summary>
internal static class BridgeWait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }
}
