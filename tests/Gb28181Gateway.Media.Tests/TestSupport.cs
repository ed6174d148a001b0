using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Net;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Media.Tests;

/// <summary>The PS-over-RTP capture in tests/vectors/media (made by make-capture.sh).</summary>
internal static class Capture
{
    private static readonly Lazy<byte[][]> s_packets = new(Load);

    /// <summary>The capture's RTP packets, in order (fresh copies).</summary>
    public static byte[][] Packets => [.. s_packets.Value.Select(p => p.ToArray())];

    /// <summary>The capture as an RFC 4571 byte stream, exactly as stored.</summary>
    public static byte[] Rfc4571Stream => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "media", "ps-rtp.rfc4571"));

    public const uint Ssrc = 200000001;

    /// <summary>The packet with bytes 8-11 replaced by <paramref name="ssrc"/>: what a platform leg must deliver.</summary>
    public static byte[] WithSsrc(byte[] packet, uint ssrc)
    {
        var copy = packet.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), ssrc);
        return copy;
    }

    public static byte[] Frame4571(byte[] packet)
    {
        var frame = new byte[packet.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)packet.Length);
        packet.CopyTo(frame, 2);
        return frame;
    }

    public static byte[] FrameInterleaved(byte[] packet, byte channel)
    {
        var frame = new byte[packet.Length + 4];
        frame[0] = (byte)'$';
        frame[1] = channel;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)packet.Length);
        packet.CopyTo(frame, 4);
        return frame;
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

/// <summary>A relay on 127.0.0.1 with its own port range and meter.</summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    public RelayHarness(int ports = 8, Action<MediaOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        PortMin = LoopbackPorts.NextRange(ports);
        Options = new MediaOptions { ListenAddress = "127.0.0.1", PortMin = PortMin, PortMax = PortMin + ports - 1 };
        configure?.Invoke(Options);
        Relay = new RtpRelay(Options, TimeProvider, NullLoggerFactory.Instance, MeterFactory);
    }

    public int PortMin { get; }

    public MediaOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public TestMeterFactory MeterFactory { get; } = new();

    public RtpRelay Relay { get; }

    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        MeterFactory.Dispose();
    }
}

internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public IReadOnlyList<Meter> Meters => _meters;

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }

    /// <summary>Collects the observable instruments of these meters once: name → (tags → value).</summary>
    public Dictionary<string, Dictionary<string, long>> Collect()
    {
        var result = new Dictionary<string, Dictionary<string, long>>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (_meters.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            if (!result.TryGetValue(instrument.Name, out var series))
            {
                result[instrument.Name] = series = [];
            }

            series[key] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return result;
    }
}

/// <summary>Waits for a condition with a generous deadline (no timed assertion: only a hang guard).</summary>
internal static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(5);
        }
    }
}
