using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Sip.Tests.Transport;

/// <summary>
/// A transport on a loopback port with a user agent that answers MESSAGE (and REGISTER) 200 and records
/// what reached it; the tests talk to it over real sockets. The clock is manual so idle timeouts are driven.
/// </summary>
internal sealed class TransportHarness : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private TransportHarness(SipTransport transport, ManualTimeProvider time)
    {
        Transport = transport;
        Time = time;
        UserAgent = new SipUserAgent(transport, timeProvider: time);
        UserAgent.Handle(SipMethod.Message, Record);
        UserAgent.Handle(SipMethod.Register, Record);
    }

    public SipTransport Transport { get; }

    public SipUserAgent UserAgent { get; }

    public ManualTimeProvider Time { get; }

    public ConcurrentQueue<SipIncomingRequest> Received { get; } = new();

    public int Port => Transport.LocalEndPoint.Port;

    public static TransportHarness Start(Action<SipTransportOptions>? configure = null)
    {
        var options = new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = 0 };
        configure?.Invoke(options);
        var time = new ManualTimeProvider();
        var transport = new SipTransport(options, time);
        transport.Start();
        return new TransportHarness(transport, time);
    }

    /// <summary>A request as a device writes it (CRLF line ends), with the given Via sent-by.</summary>
    public static string Request(string method, string viaTransport, string sentBy, string branch, string callId = "call-1", uint cseq = 1,
        string? extraHeaders = null, string body = "")
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(" sip:34020000002000000001@3402000000 SIP/2.0\r\n");
        sb.Append("Via: SIP/2.0/").Append(viaTransport).Append(' ').Append(sentBy).Append(";branch=").Append(branch).Append("\r\n");
        sb.Append("From: <sip:34020000001320000001@3402000000>;tag=dev\r\n");
        sb.Append("To: <sip:34020000002000000001@3402000000>\r\n");
        sb.Append("Call-ID: ").Append(callId).Append("\r\n");
        sb.Append("CSeq: ").Append(cseq.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(method).Append("\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        if (extraHeaders is not null)
        {
            sb.Append(extraHeaders);
        }

        if (body.Length > 0)
        {
            sb.Append("Content-Type: Application/MANSCDP+xml\r\n");
        }

        sb.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n").Append(body);
        return sb.ToString();
    }

    public async Task<SipIncomingRequest> WaitForRequestAsync(int count = 1)
    {
        var until = DateTime.UtcNow + Deadline;
        while (Received.Count < count)
        {
            Assert.True(DateTime.UtcNow < until, $"only {Received.Count} of {count} requests reached the handler");
            await Task.Delay(10);
        }

        return Received.ElementAt(count - 1);
    }

    public async ValueTask DisposeAsync()
    {
        await UserAgent.DisposeAsync();
        await Transport.DisposeAsync();
    }

    private async Task Record(SipIncomingRequest request)
    {
        Received.Enqueue(request);
        await request.RespondAsync(SipStatus.Ok);
    }
}

/// <summary>A raw UDP socket on loopback playing the peer.</summary>
internal sealed class RawUdpPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public RawUdpPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public SipEndPoint EndPoint => SipEndPoint.Udp(IPAddress.Loopback, Port);

    public Task SendAsync(string text, int port) => SendAsync(Encoding.UTF8.GetBytes(text), port);

    public async Task SendAsync(byte[] bytes, int port) =>
        await _socket.SendToAsync(bytes, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>The next datagram, parsed.</summary>
    public async Task<SipMessage> ReceiveAsync()
    {
        var buffer = new byte[65536];
        var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).WaitAsync(TransportHarness.Deadline);
        var parsed = global::Gb28181Gateway.Sip.Parsing.SipMessageParser.Parse(buffer.AsMemory(0, result.ReceivedBytes).ToArray());
        Assert.True(parsed.Success, parsed.Error);
        return parsed.Message!;
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A raw TCP connection playing the peer: writes bytes as told, reads SIP messages (Content-Length framed).</summary>
internal sealed class RawTcpPeer : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawTcpPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public int LocalPort => ((IPEndPoint)_client.Client.LocalEndPoint!).Port;

    public static async Task<RawTcpPeer> ConnectAsync(int port)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawTcpPeer(client);
    }

    public static RawTcpPeer FromAccepted(TcpClient client) => new(client);

    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public async Task<SipMessage> ReadMessageAsync()
    {
        var buffer = new byte[8192];
        while (true)
        {
            if (TryTakeMessage(out var message))
            {
                return message;
            }

            var n = await _stream.ReadAsync(buffer).AsTask().WaitAsync(TransportHarness.Deadline);
            Assert.True(n > 0, "the stack closed the connection");
            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>Reads until the stack closes the connection; returns false when it stays open past the deadline.</summary>
    public async Task<bool> ClosedByPeerAsync()
    {
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer).AsTask().WaitAsync(TransportHarness.Deadline);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true; // reset
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();

    private bool TryTakeMessage(out SipMessage message)
    {
        message = null!;
        var bytes = _pending.ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var lengthAt = text.IndexOf("Content-Length:", 0, end, StringComparison.OrdinalIgnoreCase);
        var length = 0;
        if (lengthAt >= 0)
        {
            var lineEnd = text.IndexOf("\r\n", lengthAt, StringComparison.Ordinal);
            length = int.Parse(text.AsSpan(lengthAt + 15, lineEnd - lengthAt - 15).Trim(), CultureInfo.InvariantCulture);
        }

        var total = end + 4 + length;
        if (bytes.Length < total)
        {
            return false;
        }

        var parsed = global::Gb28181Gateway.Sip.Parsing.SipMessageParser.Parse(bytes.AsMemory(0, total).ToArray());
        Assert.True(parsed.Success, parsed.Error);
        _pending.RemoveRange(0, total);
        message = parsed.Message!;
        return true;
    }
}
