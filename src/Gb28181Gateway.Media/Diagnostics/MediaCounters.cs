namespace Gb28181Gateway.Media.Diagnostics;

/// <summary>Packets and bytes through one leg, and packets it dropped, by reason. Safe to read from any thread.</summary>
internal sealed class LegCounters
{
    private readonly long[] _dropped = new long[MediaDropReasons.Count];
    private long _packets;
    private long _bytes;

    public long Packets => Interlocked.Read(ref _packets);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Count(int bytes)
    {
        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void Drop(MediaDropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);

    public long Dropped(MediaDropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    public void AddDropsTo(long[] totals)
    {
        for (var i = 0; i < totals.Length; i++)
        {
            totals[i] += Interlocked.Read(ref _dropped[i]);
        }
    }

    /// <summary>The non-zero drop counts.</summary>
    public IReadOnlyDictionary<MediaDropReason, long> DropSnapshot()
    {
        var result = new Dictionary<MediaDropReason, long>();
        for (var i = 0; i < _dropped.Length; i++)
        {
            var value = Interlocked.Read(ref _dropped[i]);
            if (value != 0)
            {
                result[(MediaDropReason)i] = value;
            }
        }

        return result;
    }
}

/// <summary>Relay-wide totals for the metrics: packets and bytes by direction and transport, drops by reason.</summary>
internal sealed class MediaTotals
{
    public const int In = 0;
    public const int Out = 1;
    public const int Udp = 0;
    public const int Tcp = 1;

    public long[] Packets { get; } = new long[4];

    public long[] Bytes { get; } = new long[4];

    public long[] Dropped { get; } = new long[MediaDropReasons.Count];

    public static int Index(int direction, MediaTransport transport) =>
        (direction * 2) + (transport == MediaTransport.Udp ? Udp : Tcp);

    public void Add(int direction, MediaTransport transport, LegCounters counters)
    {
        var i = Index(direction, transport);
        Packets[i] += counters.Packets;
        Bytes[i] += counters.Bytes;
    }

    public MediaTotals Clone()
    {
        var copy = new MediaTotals();
        Packets.CopyTo(copy.Packets, 0);
        Bytes.CopyTo(copy.Bytes, 0);
        Dropped.CopyTo(copy.Dropped, 0);
        return copy;
    }
}
