using System.Collections.Concurrent;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Lower;

/// <summary>
/// Requests sent to devices that wait for a MANSCDP answer, keyed by (device, CmdType, SN). SNs are made
/// here, gateway-wide and monotonic, so an SN names one request; an answer with an SN nobody waits for is
/// not matched (the request it belonged to times out on its own).
/// </summary>
internal sealed class ManscdpCorrelator
{
    private readonly ConcurrentDictionary<(string DeviceId, string CmdType, long Sn), PendingAnswer> _pending = new();
    private long _sn;

    public ManscdpCorrelator(TimeProvider time)
    {
        // Start from the clock so a restarted gateway does not reuse the SNs it used just before; stays below 2^31
        // for devices that read SN as a 32-bit integer.
        _sn = time.GetUtcNow().ToUnixTimeSeconds() % 1_000_000 * 1000;
    }

    public long NextSn() => Interlocked.Increment(ref _sn);

    public int PendingCount => _pending.Count;

    public void Add(string deviceId, string cmdType, long sn, PendingAnswer pending) => _pending[(deviceId, cmdType, sn)] = pending;

    public void Remove(string deviceId, string cmdType, long sn) => _pending.TryRemove((deviceId, cmdType, sn), out _);

    /// <summary>Offers an answer from <paramref name="deviceId"/>; false when no request waits for it.</summary>
    public bool TryDeliver(string deviceId, ManscdpMessage answer)
    {
        var key = (deviceId, answer.CmdType, answer.Sn);
        if (!_pending.TryGetValue(key, out var pending))
        {
            return false;
        }

        if (pending.Offer(answer))
        {
            _pending.TryRemove(key, out _);
        }

        return true;
    }
}

/// <summary>What a request waits for; <see cref="Offer"/> returns true once the answer is complete.</summary>
internal abstract class PendingAnswer
{
    private readonly TaskCompletionSource<ManscdpMessage> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ManscdpMessage> Completion => _completion.Task;

    public abstract bool Offer(ManscdpMessage answer);

    protected bool Complete(ManscdpMessage message) => _completion.TrySetResult(message);

    public bool Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>One answer message completes the request.</summary>
internal sealed class SingleAnswer : PendingAnswer
{
    public override bool Offer(ManscdpMessage answer) => Complete(answer) || true;
}

/// <summary>
/// A list answer (Catalog, RecordInfo) spread over several messages with the same SN: items are collected
/// de-duplicated by DeviceID until SumNum distinct items arrived. A SumNum or an item count above
/// <see cref="Limit"/> fails the request (<see cref="ListTooLargeException"/>).
/// </summary>
internal sealed class ListAnswer<TItem> : PendingAnswer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<TItem> _items = [];
    private readonly Func<ManscdpMessage, (int? SumNum, IReadOnlyList<TItem> Items)?> _read;
    private readonly Func<TItem, string> _key;
    private ManscdpMessage? _first;

    public ListAnswer(int limit, Func<ManscdpMessage, (int? SumNum, IReadOnlyList<TItem> Items)?> read, Func<TItem, string> key)
    {
        Limit = limit;
        _read = read;
        _key = key;
    }

    public int Limit { get; }

    public int? SumNum { get; private set; }

    /// <summary>The first message of the answer (its header and non-list fields), null until one arrived.</summary>
    public ManscdpMessage? First
    {
        get
        {
            lock (_gate)
            {
                return _first;
            }
        }
    }

    /// <summary>A copy of what arrived so far, in arrival order.</summary>
    public List<TItem> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public override bool Offer(ManscdpMessage answer)
    {
        if (_read(answer) is not { } list)
        {
            return Complete(answer) || true; // a bare Result (typically ERROR) ends the request
        }

        lock (_gate)
        {
            _first ??= answer;
            SumNum ??= list.SumNum;
            if (SumNum is < 0 || SumNum > Limit)
            {
                Fail(new ListTooLargeException($"SumNum {SumNum} is above the limit of {Limit} items per device"));
                return true;
            }

            foreach (var item in list.Items)
            {
                var key = _key(item);
                if (_index.TryGetValue(key, out var at))
                {
                    _items[at] = item;
                    continue;
                }

                if (_items.Count >= Limit)
                {
                    Fail(new ListTooLargeException($"more than {Limit} distinct items"));
                    return true;
                }

                _index[key] = _items.Count;
                _items.Add(item);
            }

            if (_items.Count >= (SumNum ?? list.Items.Count))
            {
                return Complete(answer) || true;
            }
        }

        return false;
    }
}

/// <summary>A list answer announced or grown beyond the per-device limit.</summary>
internal sealed class ListTooLargeException : Exception
{
    public ListTooLargeException(string message)
        : base(message)
    {
    }

    public ListTooLargeException()
    {
    }

    public ListTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
