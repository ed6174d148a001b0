namespace Gb28181Gateway.Protocol;

/// <summary>
/// Hands out SSRCs whose serial is unique within a domain (live and history share the serials, so an SSRC
/// and its live/history twin are never both in use) and takes them back. Serials are handed out round-robin
/// (next free after the last one issued), so a just-released SSRC is not reused at once and late packets of
/// an old session do not land in a new one. Domains are keyed by their SSRC segment (characters 4-8), the
/// part that appears in the SSRC. Thread-safe.
/// </summary>
public sealed class SsrcAllocator
{
    private readonly Dictionary<int, Pool> _pools = [];
    private readonly Lock _gate = new();

    /// <summary>Allocates an SSRC; throws <see cref="InvalidOperationException"/> when all 9999 serials of the domain are in use.</summary>
    public Ssrc Allocate(SsrcKind kind, string domainId) =>
        TryAllocate(kind, domainId, out var ssrc)
            ? ssrc
            : throw new InvalidOperationException($"all {Ssrc.MaxSerial} SSRC serials of domain {domainId} are in use");

    /// <summary>Allocates an SSRC, or returns false when the domain has no free serial left.</summary>
    public bool TryAllocate(SsrcKind kind, string domainId, out Ssrc ssrc)
    {
        ArgumentNullException.ThrowIfNull(domainId);
        var segment = Ssrc.DomainSegmentOf(domainId);
        if (kind is not (SsrcKind.Live or SsrcKind.History))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "an SSRC is allocated for a live or a history stream");
        }

        lock (_gate)
        {
            if (!_pools.TryGetValue(segment, out var pool))
            {
                _pools[segment] = pool = new Pool();
            }

            if (!pool.TryTake(out var serial))
            {
                ssrc = default;
                return false;
            }

            ssrc = Ssrc.Create(kind, domainId, serial);
            return true;
        }
    }

    /// <summary>
    /// Marks an SSRC in use that was not allocated here (a session restored after a restart, or one a
    /// platform chose). False when its serial is already taken or it is not a GB-shaped SSRC.
    /// </summary>
    public bool TryReserve(Ssrc ssrc)
    {
        if (ssrc.Kind == SsrcKind.NonStandard || ssrc.Serial == 0)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_pools.TryGetValue(ssrc.DomainSegment, out var pool))
            {
                _pools[ssrc.DomainSegment] = pool = new Pool();
            }

            return pool.TryMark(ssrc.Serial);
        }
    }

    /// <summary>Returns an SSRC's serial to its domain; false when it was not in use.</summary>
    public bool Release(Ssrc ssrc)
    {
        lock (_gate)
        {
            return ssrc.Serial != 0 && _pools.TryGetValue(ssrc.DomainSegment, out var pool) && pool.Clear(ssrc.Serial);
        }
    }

    /// <summary>How many serials of the domain are in use.</summary>
    public int InUse(string domainId)
    {
        var segment = Ssrc.DomainSegmentOf(domainId);
        lock (_gate)
        {
            return _pools.TryGetValue(segment, out var pool) ? pool.Count : 0;
        }
    }

    private sealed class Pool
    {
        private readonly ulong[] _used = new ulong[(Ssrc.MaxSerial / 64) + 1];
        private int _last;

        public int Count { get; private set; }

        public bool TryTake(out int serial)
        {
            for (var step = 1; step <= Ssrc.MaxSerial; step++)
            {
                var candidate = ((_last + step - 1) % Ssrc.MaxSerial) + 1;
                if (TryMark(candidate))
                {
                    _last = candidate;
                    serial = candidate;
                    return true;
                }
            }

            serial = 0;
            return false;
        }

        public bool TryMark(int serial)
        {
            ref var word = ref _used[serial >> 6];
            var bit = 1UL << (serial & 63);
            if ((word & bit) != 0)
            {
                return false;
            }

            word |= bit;
            Count++;
            return true;
        }

        public bool Clear(int serial)
        {
            ref var word = ref _used[serial >> 6];
            var bit = 1UL << (serial & 63);
            if ((word & bit) == 0)
            {
                return false;
            }

            word &= ~bit;
            Count--;
            return true;
        }
    }
}
