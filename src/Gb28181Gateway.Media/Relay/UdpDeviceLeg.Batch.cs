using System.Net;
using Gb28181Gateway.Media.Diagnostics;
using Gb28181Gateway.Media.Relay.Linux;
using static Gb28181Gateway.Media.Relay.Linux.UdpBatchInterop;

namespace Gb28181Gateway.Media.Relay;

/// <summary>
/// The batched receive (Linux, <see cref="UdpReceiveMode.Thread"/>, <see cref="MediaOptions.UdpBatch"/> &gt; 1): one
/// <c>recvmmsg(MSG_WAITFORONE)</c> takes a camera's frame burst (up to UdpBatch datagrams), each datagram gets
/// the same source check and classification as on the per-packet path, and every platform leg then sends the
/// kept packets in one go (UDP: one <c>sendmmsg</c>). Closing shuts the socket down to wake the blocked call.
/// </summary>
internal sealed partial class UdpDeviceLeg
{
    private void ReceiveBatchLoop(UdpDatagramBatch batch)
    {
        var socket = Lease.Socket;
        var handle = socket.SafeHandle;
        var source = new SocketAddress(socket.AddressFamily);
        var sourceCapacity = source.Buffer.Length;
        while (true)
        {
            int received;
            int errno;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                received = batch.Receive((int)handle.DangerousGetHandle(), out errno);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }

            if (Volatile.Read(ref _closed) != 0)
            {
                return;   // woken by CloseAsync's shutdown; what came with it is not forwarded
            }

            if (received < 0)
            {
                if (errno is EIntr or EAgain or ENoMem or EConnRefused)
                {
                    continue;   // nothing was received; ECONNREFUSED: an earlier ICMP error, as ConnectionReset per packet
                }

                Session.DeviceLegFailed(new IOException($"recvmmsg on media port {LocalPort} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})"));
                return;
            }

            try
            {
                for (var i = 0; i < received; i++)
                {
                    if (batch.IsTruncated(i))
                    {
                        Session.DropDevicePacket(MediaDropReason.Malformed);   // above 65 507 bytes: only IPv6
                        continue;
                    }

                    var name = batch.Source(i);
                    if (name.Length > sourceCapacity)
                    {
                        Session.DropDevicePacket(MediaDropReason.UnexpectedSource);   // not this socket's family
                        continue;
                    }

                    name.CopyTo(source.Buffer.Span);
                    source.Size = name.Length;
                    if (AcceptSource(source))
                    {
                        Session.AdmitToBatch(batch, i);
                    }
                }

                Session.ForwardBatch(batch);
            }
            catch (Exception ex)
            {
                Relay.Logger.ForwardFailed(Session.Id, ex);   // a bug, not the packets' fault: keep the stream going
            }
        }
    }

    /// <summary>
    /// Wakes the receive thread blocked in <c>recvmmsg</c>: on Linux, close() does not, shutdown() does (an
    /// unconnected UDP socket answers ENOTCONN but still wakes its readers, and every later receive returns at
    /// once). The socket stays open until the thread has ended, so its descriptor cannot be reused under it.
    /// </summary>
    private void WakeBatchReceiver()
    {
        var handle = Lease.Socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = Shutdown((int)handle.DangerousGetHandle(), ShutRdWr);
        }
        catch (ObjectDisposedException)
        {
            // Already closed: the thread has ended or ends at its next receive.
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
