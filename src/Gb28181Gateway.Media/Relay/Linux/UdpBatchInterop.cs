using System.Runtime.InteropServices;

namespace Gb28181Gateway.Media.Relay.Linux;

/// <summary>
/// The Linux calls the batched UDP path needs and the BCL does not expose: <c>recvmmsg</c>, <c>sendmmsg</c>,
/// <c>shutdown</c> on a socket's descriptor, and <c>mmap</c>/<c>munmap</c> for the receive block. The structs
/// mirror <c>&lt;sys/socket.h&gt;</c> and <c>&lt;sys/uio.h&gt;</c> with natural alignment (pointer-sized
/// <c>size_t</c> fields), which matches glibc on every 32- and 64-bit Linux ABI and musl on little-endian ones.
/// </summary>
internal static unsafe partial class UdpBatchInterop
{
    /// <summary><c>recvmmsg</c>: block for the first datagram, then take only what is already queued.</summary>
    public const int MsgWaitForOne = 0x10000;

    /// <summary><c>msg_flags</c>: the datagram was longer than the buffer given for it.</summary>
    public const int MsgTrunc = 0x20;

    /// <summary><c>shutdown</c>: both directions.</summary>
    public const int ShutRdWr = 2;

    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ENoMem = 12;
    public const int EBadF = 9;
    public const int ENotSock = 88;
    public const int EConnRefused = 111;

    private const int ProtRead = 0x1;
    private const int ProtWrite = 0x2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    /// <summary>Reserves <paramref name="bytes"/> of zeroed, page-aligned memory; pages become resident only when touched.</summary>
    /// <exception cref="InsufficientMemoryException">The kernel refused the mapping.</exception>
    public static byte* MapAnonymousMemory(nuint bytes)
    {
        var address = Mmap(null, bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (address == (void*)-1)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InsufficientMemoryException($"mmap of {bytes} bytes for a UDP receive batch failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        return (byte*)address;
    }

    public static void UnmapMemory(byte* address, nuint bytes) => _ = Munmap(address, bytes);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(void* address, nuint length);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct mmsghdr</c>: a message and the bytes the call moved for it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
