using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// The traffic of the load run: per session a camera-like stream (25 frames/s, each frame a burst of
/// pps/25 RTP packets of the configured size, sessions' frames spread evenly over the 40 ms), sent from one
/// socket by dedicated threads; received on a few sink sockets by dedicated threads. Each packet carries its
/// send time (Stopwatch ticks) and whether it belongs to the measured phase. The SSRC is 0x20000000 + the
/// session's index (relays that rewrite it write 0x10000000 + the index): a sink counts a measured packet as
/// received only if its session is one of that sink's (index % sinks), else as misrouted.
/// </summary>
internal sealed class LoadTraffic : IDisposable
{
    public const int HistogramMicros = 200_000;
    private const int FramesPerSecond = 25;

    private readonly int _sessions;
    private readonly int _packetsPerFrame;
    private readonly int _packetSize;
    private readonly Socket[] _sinks;
    private readonly List<Thread> _readers = [];
    private readonly long[] _received;
    private readonly long[][] _histograms;
    private long _measuredSent;
    private long _misrouted;
    private long _warmupSent;
    private volatile bool _stopReaders;

    public LoadTraffic(int sessions, int packetsPerSecond, int packetSize, int sinkCount)
    {
        _sessions = sessions;
        _packetsPerFrame = PacketsPerSecond(packetsPerSecond) / FramesPerSecond;
        _packetSize = packetSize;
        _sinks = new Socket[sinkCount];
        _received = new long[sinkCount];
        _histograms = new long[sinkCount][];
        for (var i = 0; i < sinkCount; i++)
        {
            _sinks[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _sinks[i].ReceiveBufferSize = 4 * 1024 * 1024;
            _sinks[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _histograms[i] = new long[HistogramMicros + 1];
        }
    }

    public int PacketsPerFrame => _packetsPerFrame;

    /// <summary>The rate actually sent for a requested one: whole packets per frame at 25 frames/s (360 → 350).</summary>
    public static int PacketsPerSecond(int requested) =>
        Math.Max(1, (int)Math.Round(requested / (double)FramesPerSecond)) * FramesPerSecond;

    public IEnumerable<IPEndPoint> SinkEndPoints => _sinks.Select(s => (IPEndPoint)s.LocalEndPoint!);

    public long MeasuredSent => Interlocked.Read(ref _measuredSent);

    public long MeasuredReceived
    {
        get
        {
            var total = 0L;
            for (var i = 0; i < _received.Length; i++)
            {
                total += Interlocked.Read(ref _received[i]);
            }

            return total;
        }
    }

    /// <summary>Measured packets that reached a sink other than their session's (not counted as received).</summary>
    public long MeasuredMisrouted => Interlocked.Read(ref _misrouted);

    /// <summary>Latency histogram (1 µs buckets, the last one is "more") of the measured packets.</summary>
    public long[] Histogram()
    {
        var total = new long[HistogramMicros + 1];
        foreach (var h in _histograms)
        {
            for (var i = 0; i < total.Length; i++)
            {
                total[i] += Interlocked.Read(ref h[i]);
            }
        }

        return total;
    }

    public void StartReaders()
    {
        for (var i = 0; i < _sinks.Length; i++)
        {
            var index = i;
            var thread = new Thread(() => Read(index)) { IsBackground = true, Name = $"sink {i}" };
            thread.Start();
            _readers.Add(thread);
        }
    }

    /// <summary>Sends warm-up traffic for <paramref name="warmup"/>, then measured traffic for <paramref name="measured"/>.</summary>
    /// <param name="onMeasuredStart">Called once when the measured phase begins (to sample CPU).</param>
    public void Send(IPEndPoint[] devicePorts, TimeSpan warmup, TimeSpan measured, int senderThreads, Action onMeasuredStart)
    {
        var start = Stopwatch.GetTimestamp();
        var warmupEnd = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = warmupEnd + (long)(measured.TotalSeconds * Stopwatch.Frequency);
        var measuredStarted = 0;
        var threads = Enumerable.Range(0, senderThreads).Select(t => new Thread(() =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.SendBufferSize = 4 * 1024 * 1024;
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var mine = Enumerable.Range(0, _sessions).Where(i => i % senderThreads == t).ToArray();
            var targets = mine.Select(i => devicePorts[i].Serialize()).ToArray();
            var sequence = new ushort[mine.Length];
            var frameTicks = Stopwatch.Frequency / FramesPerSecond;
            var next = mine.Select(i => start + (frameTicks * i / _sessions)).ToArray();
            var packet = new byte[_packetSize];
            packet[0] = 0x80;
            packet[1] = 96;
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= end)
                {
                    return;
                }

                var measuredPhase = now >= warmupEnd;
                if (measuredPhase && Interlocked.Exchange(ref measuredStarted, 1) == 0)
                {
                    onMeasuredStart();
                }

                var sent = 0;
                for (var s = 0; s < mine.Length; s++)
                {
                    if (next[s] > now)
                    {
                        continue;
                    }

                    next[s] += frameTicks;
                    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x20000000u + (uint)mine[s]);
                    packet[20] = measuredPhase ? (byte)1 : (byte)0;
                    for (var p = 0; p < _packetsPerFrame; p++)
                    {
                        packet[1] = p == _packetsPerFrame - 1 ? (byte)(0x80 | 96) : (byte)96;
                        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence[s]++);
                        BinaryPrimitives.WriteInt64LittleEndian(packet.AsSpan(12), Stopwatch.GetTimestamp());
                        socket.SendTo(packet, SocketFlags.None, targets[s]);
                        sent++;
                    }
                }

                Interlocked.Add(ref measuredPhase ? ref _measuredSent : ref _warmupSent, sent);
                if (sent == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }) { IsBackground = true, Name = $"sender {t}" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    public void Dispose()
    {
        _stopReaders = true;
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }

        foreach (var reader in _readers)
        {
            reader.Join(1000);
        }
    }

    private void Read(int index)
    {
        var socket = _sinks[index];
        var histogram = _histograms[index];
        var buffer = new byte[65536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        var ticksPerMicro = Stopwatch.Frequency / 1_000_000.0;
        try
        {
            while (!_stopReaders)
            {
                var n = socket.ReceiveFrom(buffer, SocketFlags.None, from);
                var now = Stopwatch.GetTimestamp();
                if (n < 21 || buffer[20] != 1)
                {
                    continue;
                }

                var session = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)) & 0x0FFFFFFFu;
                if (session >= (uint)_sessions || session % (uint)_sinks.Length != index)
                {
                    Interlocked.Increment(ref _misrouted);
                    continue;
                }

                var micros = (long)((now - BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(12))) / ticksPerMicro);
                Interlocked.Increment(ref histogram[Math.Clamp(micros, 0, HistogramMicros)]);
                Interlocked.Increment(ref _received[index]);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
