using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static Gb28181Gateway.Media.Relay.Linux.UdpBatchInterop;

namespace Gb28181Gateway.Media.Relay.Linux;

/// <summary>
/// The memory of one UDP device leg's batched receive (<c>recvmmsg</c>) and of the platform legs' batched sends
/// (<c>sendmmsg</c>) of what it received. One anonymous mapping per leg: a header page or two (the
/// <c>mmsghdr</c>/<c>iovec</c> arrays and a <c>sockaddr_storage</c> per slot), then one 64 KiB slot per
/// datagram, each able to hold the largest UDP payload after <see cref="UdpDeviceLeg.Headroom"/> bytes for a
/// TCP leg's framing. Only the pages datagrams are written to become resident: a slot that only ever held
/// 1400-byte packets costs one page. Used by the device leg's receive thread only; no lock, no allocation.
/// </summary>
internal sealed unsafe class UdpDatagramBatch : IDisposable
{
    /// <summary>Bytes per datagram slot: headroom + the largest datagram + 1 (to see an oversized one).</summary>
    public const int SlotBytes = 64 * 1024;

    /// <summary>The largest batch <see cref="MediaOptions.UdpBatch"/> allows.</summary>
    public const int MaxCapacity = 64;

    private const int NameBytes = 128;   // sizeof(struct sockaddr_storage)
    private const int PageBytes = 4096;
    private const int ReceiveLength = UdpDeviceLeg.MaxDatagram + 1;

    private readonly int _capacity;
    private readonly nuint _blockBytes;
    private readonly int[] _slots;    // the slots to forward, in arrival order
    private readonly uint[] _ssrcs;   // each one's SSRC as the device sent it
    private readonly MMsgHdr* _receive;
    private readonly MMsgHdr* _send;
    private readonly IoVec* _sendIov;
    private readonly byte* _names;
    private readonly byte* _target;
    private readonly byte* _data;
    private byte* _block;
    private int _count;
    private long _calls;
    private long _datagrams;

    /// <exception cref="InsufficientMemoryException">The mapping was refused.</exception>
    public UdpDatagramBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _capacity = capacity;
        _slots = new int[capacity];
        _ssrcs = new uint[capacity];
        var headerBytes = (capacity * ((2 * sizeof(MMsgHdr)) + (2 * sizeof(IoVec)) + NameBytes)) + NameBytes;
        var dataOffset = (headerBytes + PageBytes - 1) / PageBytes * PageBytes;
        _blockBytes = (nuint)dataOffset + ((nuint)capacity * SlotBytes);
        _block = MapAnonymousMemory(_blockBytes);

        var next = _block;
        _receive = (MMsgHdr*)next;
        next += capacity * sizeof(MMsgHdr);
        _send = (MMsgHdr*)next;
        next += capacity * sizeof(MMsgHdr);
        var receiveIov = (IoVec*)next;
        next += capacity * sizeof(IoVec);
        _sendIov = (IoVec*)next;
        next += capacity * sizeof(IoVec);
        _names = next;
        next += capacity * NameBytes;
        _target = next;
        _data = _block + dataOffset;

        for (var i = 0; i < capacity; i++)
        {
            receiveIov[i].Base = Slot(i) + UdpDeviceLeg.Headroom;
            receiveIov[i].Length = ReceiveLength;
            _receive[i].Header.Iov = &receiveIov[i];
            _receive[i].Header.IovLength = 1;
            _receive[i].Header.Name = _names + (i * NameBytes);
            _send[i].Header.Iov = &_sendIov[i];
            _send[i].Header.IovLength = 1;
            _send[i].Header.Name = _target;
        }
    }

    public int Capacity => _capacity;

    /// <summary>Receive calls that returned datagrams, and the datagrams they returned: the mean batch size, for load runs.</summary>
    public (long Calls, long Datagrams) Totals => (Volatile.Read(ref _calls), Volatile.Read(ref _datagrams));

    /// <summary>Packets kept for forwarding from the last <see cref="Receive"/> (<see cref="Keep"/>).</summary>
    public int Count => _count;

    /// <summary>
    /// <c>recvmmsg(MSG_WAITFORONE)</c>: blocks for one datagram, then takes up to <see cref="Capacity"/> in all.
    /// Returns the number received, or -1 with <paramref name="errno"/> set.
    /// The caller holds a reference on the socket handle <paramref name="fd"/> belongs to.
    /// </summary>
    public int Receive(int fd, out int errno)
    {
        _count = 0;
        for (var i = 0; i < _capacity; i++)
        {
            _receive[i].Header.NameLength = NameBytes;
            _receive[i].Header.Flags = 0;
        }

        var received = RecvMmsg(fd, _receive, (uint)_capacity, MsgWaitForOne, null);
        errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (received > 0)
        {
            Volatile.Write(ref _calls, _calls + 1);   // single writer: this thread
            Volatile.Write(ref _datagrams, _datagrams + received);
        }

        return received;
    }

    /// <summary>The datagram was longer than a slot can hold (only an IPv6 datagram above 65 507 bytes).</summary>
    public bool IsTruncated(int i) => (_receive[i].Header.Flags & MsgTrunc) != 0;

    /// <summary>Datagram <paramref name="i"/> of the last receive, as received.</summary>
    public Span<byte> Datagram(int i) => new(Slot(i) + UdpDeviceLeg.Headroom, (int)_receive[i].Length);

    /// <summary>The sender of datagram <paramref name="i"/>: a native <c>sockaddr_in</c>/<c>sockaddr_in6</c>.</summary>
    public ReadOnlySpan<byte> Source(int i) => new(_names + (i * NameBytes), (int)Math.Min(_receive[i].Header.NameLength, NameBytes));

    /// <summary>Marks datagram <paramref name="i"/> for forwarding (in order); <paramref name="ssrc"/> is its SSRC as received.</summary>
    public void Keep(int i, uint ssrc)
    {
        _slots[_count] = i;
        _ssrcs[_count] = ssrc;
        _count++;
    }

    /// <summary>Kept packet <paramref name="k"/> with <see cref="PlatformLeg.FrameHeadroom"/> writable bytes before it.</summary>
    public Span<byte> Framed(int k)
    {
        var i = _slots[k];
        return new(Slot(i) + UdpDeviceLeg.Headroom - PlatformLeg.FrameHeadroom, (int)_receive[i].Length + PlatformLeg.FrameHeadroom);
    }

    /// <summary>Kept packet <paramref name="k"/>'s SSRC as the device sent it.</summary>
    public uint Ssrc(int k) => _ssrcs[k];

    /// <summary>Length of kept packet <paramref name="k"/>.</summary>
    public int Length(int k) => (int)_receive[_slots[k]].Length;

    /// <summary>
    /// Points the send headers at every kept packet, addressed to <paramref name="target"/> (a native sockaddr),
    /// with <paramref name="ssrc"/> (or, when null, each packet's own SSRC) in bytes 8-11.
    /// </summary>
    public void PrepareSend(ReadOnlySpan<byte> target, uint? ssrc)
    {
        target.CopyTo(new Span<byte>(_target, NameBytes));
        for (var k = 0; k < _count; k++)
        {
            var i = _slots[k];
            var packet = Slot(i) + UdpDeviceLeg.Headroom;
            BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(packet + Rtp.RtpHeader.SsrcOffset, 4), ssrc ?? _ssrcs[k]);
            _sendIov[k].Base = packet;
            _sendIov[k].Length = _receive[i].Length;
            _send[k].Header.NameLength = (uint)target.Length;
            _send[k].Length = 0;
        }
    }

    /// <summary>
    /// <c>sendmmsg</c> of the prepared packets from <paramref name="start"/> on. Returns how many were sent (they
    /// are the next ones in order), or -1 with <paramref name="errno"/> (packet <paramref name="start"/>'s error).
    /// The caller holds a reference on the socket handle <paramref name="fd"/> belongs to.
    /// </summary>
    public int Send(int fd, int start, out int errno)
    {
        var sent = SendMmsg(fd, _send + start, (uint)(_count - start), 0);
        errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
        return sent;
    }

    /// <summary>Unmaps the memory. Only once the receive thread has ended.</summary>
    public void Dispose()
    {
        var block = _block;
        _block = null;
        if (block is not null)
        {
            UnmapMemory(block, _blockBytes);
        }
    }

    private byte* Slot(int i) => _data + ((nint)i * SlotBytes);
}
