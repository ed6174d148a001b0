using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Gb28181Gateway.Media;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// The per-packet path of a relay session (<c>RelaySession.ForwardFromDevice</c>: RTP validation, counters,
/// sequence tracking, SSRC rewrite and a real UDP <c>sendto</c> per platform leg) with one and with two UDP
/// platform legs, under <see cref="MemoryDiagnoserAttribute"/>: the Allocated column must read 0 (—).
/// The sinks are bound but never read; the kernel drops what overflows them, the send still completes.
/// <code>dotnet tests/Gb28181Gateway.Benchmarks/bin/Release/net10.0/Gb28181Gateway.Benchmarks.dll --filter *ForwardBenchmarks* --job short</code>
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks
{
    private const int Offset = 16;   // the receive loops keep headroom before the packet too

    private readonly List<Socket> _sinks = [];
    private RtpRelay _relay = null!;
    private RelaySession _session = null!;
    private byte[] _buffer = null!;
    private int _length;

    [Params(1, 2)]
    public int PlatformLegs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _relay = new RtpRelay(
            new MediaOptions { ListenAddress = "127.0.0.1", PortMin = 47000, PortMax = 47099 },
            TimeProvider.System,
            NullLoggerFactory.Instance);
        _session = _relay.CreateSession(MediaTransport.Udp);
        for (var i = 0; i < PlatformLegs; i++)
        {
            var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _sinks.Add(sink);
            var leg = _session.AddPlatform(MediaTransport.Udp, 0x10000000u + (uint)i);
            leg.ConnectAsync((IPEndPoint)sink.LocalEndPoint!).GetAwaiter().GetResult();
        }

        _length = 1400;
        _buffer = new byte[Offset + _length];
        _buffer[Offset] = 0x80;
        _buffer[Offset + 1] = 96;
    }

    [Benchmark]
    public void ForwardOnePacket()
    {
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(Offset + 2));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Offset + 2), (ushort)(sequence + 1));   // a steady stream, no gaps
        _session.ForwardFromDevice(_buffer, Offset, _length);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _relay.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }
    }
}
